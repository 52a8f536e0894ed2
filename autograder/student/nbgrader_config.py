"""nbgrader settings for students: the Validate button reads this file.

Validate runs the whole notebook the way the grader will and lists the tests that fail. It stops a
cell that runs longer than the grader allows, so an answer that passes here is not too slow there.
"""
c = get_config()  # noqa: F821 -- provided by traitlets when it loads this file

# The same time limit per cell as the instructor's grading.
c.ExecutePreprocessor.timeout = 60
c.Execute.timeout = 60

# `nbgrader validate` cuts every line of a failure at Validator.width - 3 characters (90 by default).
# A test's message is one line of at most 300 characters, printed as "    CheckFailed: <message>":
# this width keeps it whole (the same setting as the instructor's nbgrader_config.py).
c.Validator.width = 320
