"""The judge's side of the kernel: stand-ins for the student's names, calls sent as plain data.

A :class:`StudentFunction` stands in the judge's namespace for a function the student defined. Its
rule-check attributes (``__code__``, ``__globals__``, ``__closure__``, ``__wrapped__`` for
``inspect.getsource``) come from the submitted source (:mod:`autograder.judge.source`); calling it
sends the arguments to the sandboxed kernel, which runs the student's function and sends back the
result and the arguments after the call (:mod:`autograder.kernel.calls`). Arrays and lists passed
in are then updated in place from what came back, so a check sees a function that changes its
inputs. An exception in the kernel comes back as its type name and message and is raised here
as a :class:`StudentError` (a subclass of the matching built-in exception, so that
``except NotImplementedError`` still recognises an untouched stub).

The time a call may take is counted in the kernel's CPU seconds (a loaded machine slows it down
but does not use up its budget); a wall-time backstop catches a call that sleeps.
"""
from __future__ import annotations

import builtins
import re
import select
import socket
import time
import types

import numpy as np

from autograder.kernel import wire
from autograder.kernel.sandbox import cpu_seconds

WALL_FACTOR = 10       # wall-time backstop of a call, in multiples of its CPU budget
POLL = 0.2             # seconds between looks at the kernel's CPU time
FRAME_TIMEOUT = 60.0   # seconds a started message may take to arrive whole


class StudentError(Exception):
    """An exception raised by the student's code in the kernel (re-made here from its name)."""


class KernelStopped(BaseException):
    """The kernel cannot answer any more (it died, or was stopped). Not an Exception: a check's
    ``except Exception`` must not turn it into a failed answer; the judge reports it."""


class CallTimedOut(KernelStopped):
    """A call used up its CPU time (or the wall-time backstop); the kernel was stopped."""


class ProtocolBroken(KernelStopped):
    """The kernel's reply was not in the format (something in the kernel forged it)."""


_ERRORS = {}


def student_error(type_name, base_name, message):
    """A judge-side exception named like the kernel's, subclassing the matching built-in one."""
    name = re.sub(r"\W", "_", str(type_name))[:80] or "Error"
    if not name[0].isalpha():
        name = "E" + name
    base = getattr(builtins, str(base_name), None)
    if not (isinstance(base, type) and issubclass(base, Exception)) or issubclass(base, StudentError):
        base = Exception
    key = (name, base)
    if key not in _ERRORS:
        bases = (StudentError,) if base is Exception else (StudentError, base)
        try:
            _ERRORS[key] = type(name, bases, {"__module__": "builtins"})
        except TypeError:  # built-ins that cannot be combined (layout conflicts)
            _ERRORS[key] = type(name, (StudentError,), {"__module__": "builtins"})
    return _ERRORS[key](str(message))


class Kernel:
    """A connection to the kernel's call server.

    Parameters
    ----------
    path : str
        The kernel's call socket (in its scratch folder).
    pid : int or None
        The kernel's host pid, to read its CPU time.
    cpu_budget : float
        CPU seconds one call may use.
    stop : callable
        ``stop(wall=bool)`` stops the kernel (called when a call runs out of time; ``wall`` when
        only the wall-time backstop was reached).
    """

    def __init__(self, path, pid, cpu_budget, stop):
        self.pid, self.cpu_budget, self.stop = pid, float(cpu_budget), stop
        self.callbacks = []
        self.functions = {}   # name -> StudentFunction, to send a stand-in back by name
        self.broken = None    # why the kernel can no longer answer
        self.timed_out = False
        self.forged = False
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.sock.connect(path)
        except OSError as error:
            self.broken = f"the kernel's call server could not be reached ({error.strerror or error})"

    # -- values ------------------------------------------------------------------------------------
    def _outgoing(self, value):
        if isinstance(value, StudentFunction) and value._kernel is self:
            return {"name": value.__name__}
        if isinstance(value, RemoteObject) and value._kernel is self:
            return {"handle": value._handle}
        if callable(value):
            self.callbacks.append(value)
            return {"callback": len(self.callbacks) - 1}
        raise TypeError(f"{type(value).__name__} cannot be sent to the student's code")

    def _incoming(self, tag, tree):
        if tag == "handle":
            return remote_object(self, int(tree["handle"]), str(tree.get("type", "object")),
                                 bool(tree.get("callable")))
        if tag == "name" and str(tree["name"]) in self.functions:
            return self.functions[str(tree["name"])]
        if tag == "callback" and 0 <= int(tree["callback"]) < len(self.callbacks):
            return self.callbacks[int(tree["callback"])]  # a test's own function, handed back
        raise wire.WireError(f"the kernel sent a {tag}")

    def decode(self, tree, arrays):
        try:
            return wire.decode(tree, arrays, self._incoming)
        except (wire.WireError, KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
            raise self._forged(f"a value that is not plain data ({error})") from None

    def _forged(self, why):
        self.forged = True
        self._fail(f"the kernel's reply was not plain data: {why}")
        return ProtocolBroken(self.broken)

    def _fail(self, why):
        if self.broken is None:
            self.broken = why
        try:
            self.sock.close()
        except OSError:
            pass

    # -- the exchange ------------------------------------------------------------------------------
    def _receive(self, started_cpu, started_wall):
        while True:
            ready, _, _ = select.select([self.sock], [], [], POLL)
            if ready:
                self.sock.settimeout(FRAME_TIMEOUT)
                try:
                    return wire.receive(self.sock)
                except wire.WireError as error:
                    raise self._forged(str(error)) from None
                except (OSError, ConnectionError):
                    self._fail("the kernel stopped while answering")
                    raise KernelStopped(self.broken) from None
                finally:
                    self.sock.settimeout(None)
            used = cpu_seconds(self.pid) if self.pid else None
            if used is None and self.pid:
                self._fail("the kernel stopped")
                raise KernelStopped(self.broken)
            over_cpu = used is not None and used - started_cpu > self.cpu_budget
            over_wall = time.monotonic() - started_wall > WALL_FACTOR * self.cpu_budget
            if over_cpu or over_wall:
                self.timed_out = True
                self.stop(wall=not over_cpu)  # on wall time alone the machine may be to blame
                self._fail(f"a call to the student's code ran past its time limit "
                           f"({self.cpu_budget:g} s of computing)")
                raise CallTimedOut(self.broken)

    def request(self, header, arrays=None):
        """Send one request and return the reply (running the kernel's callbacks meanwhile)."""
        if self.broken:
            raise KernelStopped(self.broken)
        started_cpu = (cpu_seconds(self.pid) or 0.0) if self.pid else 0.0
        started_wall = time.monotonic()
        try:
            wire.send(self.sock, header, arrays)
        except OSError:
            self._fail("the kernel stopped")
            raise KernelStopped(self.broken) from None
        while True:
            reply, got = self._receive(started_cpu, started_wall)
            if reply.get("op") != "callback":
                return reply, got
            self._run_callback(reply, got)

    def _run_callback(self, reply, got):
        try:
            function = self.callbacks[int(reply["id"])]
        except (KeyError, ValueError, TypeError, IndexError):
            raise self._forged("a call-back to an unknown function") from None
        args = self.decode(reply.get("args", {"list": []}), got)
        kwargs = self.decode(reply.get("kwargs", {"dict": []}), got)
        if not isinstance(args, list) or not isinstance(kwargs, dict):
            raise self._forged("a call-back with malformed arguments")
        try:
            value = function(*args, **{str(k): v for k, v in kwargs.items()})
            tree, arrays = wire.encode(value, self._outgoing)
            answer = {"op": "result", "value": tree}
        except KernelStopped:
            raise
        except Exception as error:
            answer, arrays = {"op": "error", "message": f"{type(error).__name__}: {error}"}, {}
        try:
            wire.send(self.sock, answer, arrays)
        except OSError:
            self._fail("the kernel stopped")
            raise KernelStopped(self.broken) from None

    def _outcome(self, reply, got):
        op = reply.get("op")
        if op == "raise":
            raise student_error(reply.get("type", "Exception"), reply.get("base", "Exception"),
                                reply.get("message", ""))
        if op not in ("value", "return"):
            raise self._forged(f"an unexpected reply {op!r}")
        return self.decode(reply.get("value"), got)

    # -- what the judge asks ----------------------------------------------------------------------
    def get(self, name):
        """("missing", None), ("callable", None) or ("data", value) for a name of the student's."""
        reply, got = self.request({"op": "get", "name": name})
        if reply.get("op") == "missing":
            return "missing", None
        if reply.get("op") == "value" and reply.get("callable"):
            return "callable", None
        if reply.get("op") == "raise":
            return "missing", None
        return "data", self._outcome(reply, got)

    def call(self, target, args, kwargs):
        """Call ``target`` (a name or handle tree) in the kernel; update ``args`` in place."""
        try:
            (tree, kw_tree), arrays = wire.encode_many((list(args), dict(kwargs)), self._outgoing)
        except wire.WireError as error:
            raise TypeError(f"the test's arguments cannot be sent ({error})") from None
        reply, got = self.request({"op": "call", "target": target, "args": tree, "kwargs": kw_tree},
                                  arrays)
        value = self._outcome(reply, got)
        after = self.decode(reply.get("after", {"list": []}), got)
        if isinstance(after, list) and len(after) == len(args):
            for original, changed in zip(args, after):
                refill(original, changed)
        return value

    def builtin(self, name, handle):
        reply, got = self.request({"op": "builtin", "fn": name, "handle": handle})
        return self._outcome(reply, got)

    def getattr(self, handle, attr):
        reply, got = self.request({"op": "getattr", "handle": handle, "attr": attr})
        return self._outcome(reply, got)

    def close(self):
        self._fail("closed")


def refill(original, changed):
    """Copy what the kernel's copy of an argument became into the judge's own (arrays and lists)."""
    if isinstance(original, np.ndarray) and isinstance(changed, np.ndarray):
        if original.shape == changed.shape and original.flags.writeable:
            try:
                np.copyto(original, changed, casting="unsafe")
            except (TypeError, ValueError):
                pass
    elif isinstance(original, list) and isinstance(changed, list):
        if len(original) == len(changed):
            for index, (a, b) in enumerate(zip(original, changed)):
                if isinstance(a, (np.ndarray, list, dict)):
                    refill(a, b)
                else:
                    original[index] = b
        else:
            original[:] = changed
    elif type(original) is type(changed) and type(original).__module__.startswith("nnlib") \
            and isinstance(getattr(original, "__dict__", None), dict):
        refill(vars(original), vars(changed))  # an nnlib object (a network trained in place)
    elif isinstance(original, dict) and isinstance(changed, dict):
        for key, value in changed.items():
            if key in original and isinstance(original[key], (np.ndarray, list, dict)):
                refill(original[key], value)
            else:
                original[key] = value


class StudentFunction:
    """Stands in the judge for a function of the student's: source-derived attributes, remote calls.

    Parameters
    ----------
    kernel : Kernel
    name : str
        The name in the student's namespace.
    compiled : function or object or None
        What :meth:`SubmittedSource.function` gives for the name (never called here).
    """

    def __init__(self, kernel, name, compiled):
        self._kernel = kernel
        self.__name__ = self.__qualname__ = name
        own = isinstance(compiled, types.FunctionType) and \
            compiled.__code__.co_filename.startswith("<submission")
        # inspect.getsource follows __wrapped__: for the student's own code it finds the code
        # object (readable, not callable), never a function that would run student code here.
        self.__wrapped__ = compiled.__code__ if own else compiled
        self.__module__ = getattr(compiled, "__module__", None) or "__main__"
        self.__doc__ = getattr(compiled, "__doc__", None) if compiled is not None else None
        self.__code__ = getattr(compiled, "__code__", None)
        self.__globals__ = getattr(compiled, "__globals__", {})
        self.__closure__ = getattr(compiled, "__closure__", None)
        self.__defaults__ = None
        self.__kwdefaults__ = None
        kernel.functions[name] = self

    def __call__(self, *args, **kwargs):
        return self._kernel.call({"name": self.__name__}, args, kwargs)

    def __repr__(self):
        return f"<function {self.__name__}>"

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


class RemoteObject:
    """An object that stayed in the kernel (a returned function, an instance of a student's class)."""

    def __init__(self, kernel, handle):
        object.__setattr__(self, "_kernel", kernel)
        object.__setattr__(self, "_handle", handle)

    def __getattr__(self, attr):
        if attr.startswith("__") or attr in ("_kernel", "_handle"):
            raise AttributeError(attr)
        return self._kernel.getattr(self._handle, attr)

    def __iter__(self):
        return self._kernel.builtin("iter", self._handle)

    def __next__(self):
        return self._kernel.builtin("next", self._handle)

    def __repr__(self):
        return f"<{type(self).__name__} object in the student's kernel>"

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


class _CallableRemote(RemoteObject):
    def __call__(self, *args, **kwargs):
        return self._kernel.call({"handle": self._handle}, args, kwargs)


_REMOTE_TYPES = {}


def remote_object(kernel, handle, type_name, is_callable):
    """A RemoteObject whose class carries the kernel object's type name (messages name it)."""
    name = re.sub(r"\W", "_", type_name)[:80] or "object"
    if not name[0].isalpha():
        name = "O" + name
    key = (name, is_callable)
    if key not in _REMOTE_TYPES:
        _REMOTE_TYPES[key] = type(name, (_CallableRemote if is_callable else RemoteObject,), {})
    return _REMOTE_TYPES[key](kernel, handle)
