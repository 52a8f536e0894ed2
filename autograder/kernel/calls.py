"""Runs inside the sandboxed kernel: answers the judge's calls to the student's functions.

The kernel starts a thread that listens on a unix socket in its scratch folder (the judge reaches
it through the file system; the kernel has no network). Over it the judge asks, in the format of
:mod:`autograder.kernel.wire`:

    {"op": "get", "name": n}                        -> {"op": "value", "value": ...}
                                                      | {"op": "value", "callable": true}
                                                      | {"op": "missing"}
    {"op": "call", "target": {"name": n} | {"handle": i}, "args": [...], "kwargs": {...}}
                                                    -> {"op": "return", "value": ..., "after": [...]}
                                                      | {"op": "raise", "type": ..., "base": ..., "message": ...}
    {"op": "getattr", "handle": i, "attr": a}       -> {"op": "value", "value": ...} | {"op": "raise", ...}
    {"op": "builtin", "fn": "iter" | "next", "handle": i}   (the same replies)

While a call runs, the kernel may ask the judge to run one of the judge's own functions (a test's
lambda passed as an argument): ``{"op": "callback", "id": k, "args": ..., "kwargs": ...}``,
answered by ``{"op": "result", "value": ...}`` or ``{"op": "error", "message": ...}``.

Nothing here decides anything: it runs what the student wrote on the inputs it is given and hands
back plain data. Whatever a submission does to this module only changes its own answers.
"""
from __future__ import annotations

import builtins
import os
import socket
import threading

from autograder.kernel import wire

SOCKET_NAME = "kernel-calls"
MAX_MESSAGE = 2000


class _Server:
    def __init__(self, shell):
        self.shell = shell
        self.handles = []
        self.conn = None

    # -- values ----------------------------------------------------------------------------------
    def _other(self, value):
        callback = getattr(value, "_judge_callback", None)
        if isinstance(callback, int) and type(value).__name__ == "function":
            return {"callback": callback}
        self.handles.append(value)
        return {"handle": len(self.handles) - 1, "type": type(value).__name__,
                "callable": callable(value)}

    def encode(self, value):
        return wire.encode(value, self._other)

    def _resolve(self, tag, tree):
        if tag == "name":
            return self.shell.user_ns[str(tree["name"])]
        if tag == "handle":
            return self.handles[int(tree["handle"])]
        return self._callback(int(tree["callback"]))

    def decode(self, tree, arrays):
        return wire.decode(tree, arrays, self._resolve)

    def _callback(self, number):
        server = self

        def judge_function(*args, **kwargs):
            (tree, kw_tree), arrays = wire.encode_many((list(args), kwargs), server._other)
            wire.send(server.conn, {"op": "callback", "id": number, "args": tree, "kwargs": kw_tree},
                      arrays)
            reply, arrays = server.serve(until_reply=True)
            if reply["op"] == "error":
                raise RuntimeError(str(reply.get("message", ""))[:MAX_MESSAGE])
            return server.decode(reply.get("value"), arrays)

        judge_function._judge_callback = number
        return judge_function

    # -- requests --------------------------------------------------------------------------------
    @staticmethod
    def _raised(error):
        base = next((k.__name__ for k in type(error).__mro__
                     if getattr(builtins, k.__name__, None) is k), "Exception")
        try:
            message = str(error)[:MAX_MESSAGE]
        except Exception:
            message = ""
        return {"op": "raise", "type": type(error).__name__[:100], "base": base, "message": message}

    def answer(self, request, arrays):
        op = request.get("op")
        try:
            if op == "get":
                name = str(request.get("name"))
                if name not in self.shell.user_ns:
                    return {"op": "missing"}, {}
                value = self.shell.user_ns[name]
                if callable(value):  # the judge makes a stand-in from the submitted source
                    return {"op": "value", "callable": True, "type": type(value).__name__}, {}
                tree, out = self.encode(value)
                return {"op": "value", "value": tree}, out
            if op == "builtin":  # iterating over a returned generator, item by item
                function = {"iter": iter, "next": next}[str(request["fn"])]
                tree, out = self.encode(function(self.handles[int(request["handle"])]))
                return {"op": "value", "value": tree}, out
            if op == "getattr":
                value = getattr(self.handles[int(request["handle"])], str(request["attr"]))
                tree, out = self.encode(value)
                return {"op": "value", "value": tree}, out
            if op == "call":
                target = self.decode(request["target"], {})
                args = self.decode(request.get("args", {"list": []}), arrays)
                kwargs = self.decode(request.get("kwargs", {"dict": []}), arrays)
                value = target(*args, **kwargs)
                (tree, after), out = wire.encode_many((value, list(args)), self._other)
                return {"op": "return", "value": tree, "after": after}, out
        except BaseException as error:  # the student's error is an answer too
            return self._raised(error), {}
        return {"op": "raise", "type": "ProtocolError", "base": "Exception",
                "message": f"unknown request {op!r}"}, {}

    def serve(self, until_reply=False):
        """Answer requests; with ``until_reply``, return the judge's answer to a callback."""
        while True:
            request, arrays = wire.receive(self.conn)
            if request.get("op") in ("result", "error"):
                if until_reply:
                    return request, arrays
                continue
            reply, out = self.answer(request, arrays)
            try:
                wire.send(self.conn, reply, out)
            except wire.WireError as error:
                wire.send(self.conn, self._raised(error))


def _listen(listener, shell):
    while True:
        conn, _ = listener.accept()
        server = _Server(shell)
        server.conn = conn
        try:
            server.serve()
        except (ConnectionError, OSError, wire.WireError):
            pass
        finally:
            conn.close()


def start(folder, shell):
    """Listen for the judge on ``folder``/kernel-calls, in a daemon thread of this kernel."""
    path = os.path.join(folder, SOCKET_NAME)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)
    thread = threading.Thread(target=_listen, args=(listener, shell), daemon=True)
    thread.start()
    return path
