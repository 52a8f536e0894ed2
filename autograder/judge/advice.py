"""What a student reads when a check fails: the check's own message, or a raw error with a hint.

A failed check (``CheckFailed``) already says what is wrong and what to look at. Any other
exception -- one the student's code raised in the kernel, or one the test code met on what the
student's code returned -- gets a hint by its kind, so no message is a bare error.
"""
from __future__ import annotations

HINTS = {
    "NotImplementedError": "This exercise is not written yet: replace `raise NotImplementedError()` "
                           "with your code.",
    "NameError": "A name the test needs is not defined: run your answer cell, and check that the "
                 "name is spelt as in the exercise.",
    "TypeError": "A value has the wrong type, or a function got the wrong number of arguments: check "
                 "that your function returns what its docstring says (a number or an array, not None) "
                 "and takes the parameters it lists.",
    "ValueError": "Often a shape mismatch: compare the shapes of your arrays with the docstring "
                  "(print them for the example in the exercise).",
    "IndexError": "An index is out of range: check the shapes and the axes you index.",
    "KeyError": "A key is missing: check the names you look up.",
    "AttributeError": "An attribute is missing: check that each value has the type the docstring asks "
                      "for (a numpy array, not a list or None).",
    "ZeroDivisionError": "A division by zero: check what you divide by for the inputs the docstring allows.",
    "FloatingPointError": "A numerical error: look for an overflow in exp or a division by zero.",
    "OverflowError": "A number grew too large: look for an overflow in exp (subtract the maximum first).",
    "RecursionError": "Your function calls itself without end: check its stopping case.",
    "MemoryError": "Your code used more memory than allowed: avoid building huge arrays.",
    "LinAlgError": "A linear-algebra error: check the shapes of the matrices you multiply or invert.",
}
DEFAULT_HINT = ("Your code raised this error while the check ran: run the test cell in your notebook "
                "to see where.")
MAX_MESSAGE = 1500


def _kind(error):
    for klass in type(error).__mro__:
        if klass.__name__ in HINTS:
            return klass.__name__
    return ""


def message(error, part="visible"):
    """The message for a failed grade cell (without the exception's name in front)."""
    text = str(error).strip()
    if type(error).__name__ == "CheckFailed" or any(k.__name__ == "CheckFailed" and k.__module__.startswith("nnlib")
                                                    for k in type(error).__mro__):
        return text[:MAX_MESSAGE]
    first = text.splitlines()[0][:300] if text else ""
    hint = HINTS.get(_kind(error), DEFAULT_HINT)
    where = " (in a hidden test)" if part == "hidden" else ""
    return f"{first}{where}. {hint}" if first else f"{hint}"
