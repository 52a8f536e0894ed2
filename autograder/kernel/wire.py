"""The plain-data format the judge and the sandboxed kernel talk in: JSON plus numpy arrays.

A message is one frame on a unix stream socket::

    8 bytes: length of the JSON header (big-endian)   header: UTF-8 JSON
    8 bytes: length of the array blob                  blob: the arrays' raw bytes, one after another

The header lists each array's dtype (numbers, booleans, text; never ``object``), shape and place
in the blob. Values are written as a JSON tree in which every container is tagged, so that nothing
a value could carry besides data survives the trip: no pickle, no classes, no code. What cannot be sent as data is sent as a reference
the other side resolves by itself:

=======================  ===============================================================
``null, true, 1, 1.5,``  None, bool, int, float (NaN and infinities as JSON allows them)
``"text"``
``{"list": [...]}``      list            ``{"tuple": [...]}``  tuple
``{"dict": [[k, v]]}``   dict            ``{"complex": [re, im]}``
``{"array": "a3"}``      ndarray ``a3`` of the blob   ``{"scalar": "a4"}``  numpy scalar
``{"dtype": "<f8"}``     a numpy dtype   ``{"scalar_type": "<f8"}``  a numpy scalar type
``{"ref": "m:q"}``       a public function of numpy, math or nnlib, found by module and name
``{"name": "f"}``        the student's own name ``f`` in the kernel's namespace
``{"callback": 7}``      a function of the judge's (a test's lambda): the kernel calls back
``{"object": "m:C",``    an instance of a class of nnlib (a network, an optimiser): its class by
``"state": {...}}``      name, its attributes as data; made again without running ``__init__``
``{"handle": 2, ...}``   an object that stays in the kernel (not data): calls go back to it
=======================  ===============================================================
"""
from __future__ import annotations

import importlib
import json
import struct
import types

import numpy as np

MAX_HEADER = 64 * 2**20
MAX_BLOB = 1 * 2**30
MAX_DEPTH = 60
# Modules whose functions travel by reference (both sides import the same public code).
SHARED_MODULES = ("numpy", "math", "nnlib")


class WireError(ValueError):
    """A frame or a value that is not in the format (a broken or forged message)."""


# ----------------------------------------------------------------------------------------------
# Frames
# ----------------------------------------------------------------------------------------------

def _recv_exact(sock, size):
    chunks, left = [], size
    while left:
        chunk = sock.recv(min(left, 2**20))
        if not chunk:
            raise ConnectionError("the other side closed the connection")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def send(sock, header, arrays=None):
    """Send one message: a JSON-ready dict and a dict of arrays (name -> ndarray)."""
    parts, table, offset = [], {}, 0
    for name, array in (arrays or {}).items():
        array = np.asarray(array)
        array = array if array.flags.c_contiguous else array.copy(order="C")  # 0-d stays 0-d
        if array.dtype.hasobject or array.dtype.fields is not None:
            raise WireError("an array that is not plain data")
        data = array.tobytes()
        table[name] = [array.dtype.str, list(array.shape), offset, len(data)]
        parts.append(data)
        offset += len(data)
    if table:
        header = dict(header, arrays=table)
    text = json.dumps(header, allow_nan=True).encode("utf-8")
    blob = b"".join(parts)
    sock.sendall(struct.pack(">QQ", len(text), len(blob)) + text + blob)


def _array(blob, entry):
    try:
        dtype_text, shape, offset, size = entry
        dtype = np.dtype(str(dtype_text))
        shape = tuple(int(n) for n in shape)
        offset, size = int(offset), int(size)
    except (TypeError, ValueError):
        raise WireError("a malformed array entry") from None
    if dtype.hasobject or dtype.fields is not None:
        raise WireError("an array that is not plain data")
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    if min(shape, default=0) < 0 or offset < 0 or offset + size > len(blob) or size != count * dtype.itemsize:
        raise WireError("an array entry that does not fit the blob")
    return np.frombuffer(blob, dtype=dtype, count=count, offset=offset).reshape(shape).copy()


def receive(sock):
    """Receive one message: (header dict, arrays dict)."""
    head_size, blob_size = struct.unpack(">QQ", _recv_exact(sock, 16))
    if head_size > MAX_HEADER or blob_size > MAX_BLOB:
        raise WireError("a message larger than the grader accepts")
    try:
        header = json.loads(_recv_exact(sock, head_size).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise WireError(f"a header that is not JSON ({error})") from None
    if not isinstance(header, dict):
        raise WireError("a header that is not a JSON object")
    blob = _recv_exact(sock, blob_size) if blob_size else b""
    table = header.pop("arrays", None) or {}
    if not isinstance(table, dict):
        raise WireError("a malformed array table")
    return header, {str(name): _array(blob, entry) for name, entry in table.items()}


# ----------------------------------------------------------------------------------------------
# Values
# ----------------------------------------------------------------------------------------------

def reference_of(obj):
    """``"module:qualname"`` for a public function of numpy, math or nnlib; else None."""
    if isinstance(obj, np.ufunc):
        return f"numpy:{obj.__name__}" if getattr(np, obj.__name__, None) is obj else None
    if not isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        return None
    module, name = getattr(obj, "__module__", None) or "", getattr(obj, "__qualname__", "")
    if module.split(".")[0] not in SHARED_MODULES or "<" in name:
        return None
    try:
        if resolve_reference(f"{module}:{name}") is obj:
            return f"{module}:{name}"
    except Exception:
        pass
    return None


def resolve_reference(text):
    """The function a reference names (only in numpy, math or nnlib)."""
    module_name, _, name = str(text).partition(":")
    if module_name.split(".")[0] not in SHARED_MODULES or not name or name.startswith("_") or "._" in name:
        raise WireError(f"a reference outside numpy, math and nnlib: {text!r}")
    obj = importlib.import_module(module_name)
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


class Encoder:
    """Turns a value into a JSON tree plus arrays.

    ``other(value)`` is asked for anything that is not plain data; it returns a tagged dict (a
    name, a callback or a handle) or raises :class:`WireError`.
    """

    def __init__(self, other):
        self.other = other
        self.arrays = {}

    def _array(self, array):
        key = f"a{len(self.arrays)}"
        self.arrays[key] = array
        return key

    def encode(self, value, depth=0):
        if depth > MAX_DEPTH:
            raise WireError("a value nested too deeply")
        kind = type(value)
        if value is None or kind in (bool, int, str):
            return value
        if kind is float:
            return value
        if kind is complex:
            return {"complex": [value.real, value.imag]}
        if kind is list:
            return {"list": [self.encode(v, depth + 1) for v in value]}
        if kind is tuple:
            return {"tuple": [self.encode(v, depth + 1) for v in value]}
        if kind is dict:
            return {"dict": [[self.encode(k, depth + 1), self.encode(v, depth + 1)]
                             for k, v in value.items()]}
        if kind is np.ndarray:
            if value.dtype.hasobject:
                return {"list": [self.encode(v, depth + 1) for v in value.tolist()]}
            return {"array": self._array(np.array(value, copy=True, subok=False))}
        if isinstance(value, np.generic) and not isinstance(value, np.object_):
            return {"scalar": self._array(np.asarray(value))}
        if isinstance(value, np.dtype) and value.fields is None and not value.hasobject:
            return {"dtype": value.str}
        if isinstance(value, type) and issubclass(value, np.generic) and value is not np.object_:
            return {"scalar_type": np.dtype(value).str}
        reference = reference_of(value)
        if reference:
            return {"ref": reference}
        cls = type(value)
        if getattr(cls, "__module__", "").split(".")[0] == "nnlib" and isinstance(getattr(value, "__dict__", None), dict):
            path = f"{cls.__module__}:{cls.__qualname__}"
            if "<" not in path:
                return {"object": path, "state": self.encode(dict(vars(value)), depth + 1)}
        return self._as_plain(value, depth)

    def _as_plain(self, value, depth):
        """Subclasses of plain types become their plain base; array-likes become arrays."""
        if isinstance(value, dict):
            return self.encode(dict(value.items()), depth + 1)
        for base in (bool, int, float, complex, str, tuple, list):
            if isinstance(value, base):
                return self.encode(base(value), depth + 1)
        if isinstance(value, np.ndarray) or hasattr(type(value), "__array__"):
            try:
                array = np.asarray(value)
            except Exception:
                array = None
            if isinstance(array, np.ndarray) and not array.dtype.hasobject:
                return {"array": self._array(np.array(array, copy=True, subok=False))}
        return self.other(value)


def encode(value, other):
    """(tree, arrays) of one value; see :class:`Encoder`."""
    encoder = Encoder(other)
    return encoder.encode(value), encoder.arrays


def encode_many(values, other):
    """([tree, ...], arrays) of several values sharing one array blob."""
    encoder = Encoder(other)
    return [encoder.encode(v) for v in values], encoder.arrays


def decode(tree, arrays, other, depth=0):
    """The value a JSON tree stands for; ``other(tag, content)`` makes names, callbacks, handles."""
    if depth > MAX_DEPTH:
        raise WireError("a value nested too deeply")
    if tree is None or isinstance(tree, (bool, int, float, str)):
        return tree
    if not isinstance(tree, dict) or len(tree) < 1:
        raise WireError("a value in no known form")
    tag = next(iter(tree))
    content = tree[tag]
    if tag in ("list", "tuple"):
        if not isinstance(content, list):
            raise WireError("a malformed sequence")
        items = [decode(v, arrays, other, depth + 1) for v in content]
        return items if tag == "list" else tuple(items)
    if tag == "dict":
        if not isinstance(content, list):
            raise WireError("a malformed dict")
        result = {}
        for pair in content:
            if not isinstance(pair, list) or len(pair) != 2:
                raise WireError("a malformed dict entry")
            key = decode(pair[0], arrays, other, depth + 1)
            if not isinstance(key, (str, int, float, bool, tuple, type(None))):
                raise WireError("a dict key that is not plain data")
            result[key] = decode(pair[1], arrays, other, depth + 1)
        return result
    if tag == "complex":
        return complex(float(content[0]), float(content[1]))
    if tag in ("array", "scalar"):
        if content not in arrays:
            raise WireError("a reference to a missing array")
        array = arrays[content]
        return array.copy() if tag == "array" else array[()]
    if tag in ("dtype", "scalar_type"):
        try:
            dtype = np.dtype(str(content))
        except TypeError:
            raise WireError("a malformed dtype") from None
        if dtype.hasobject or dtype.fields is not None:
            raise WireError("a dtype that is not plain data")
        return dtype if tag == "dtype" else dtype.type
    if tag == "ref":
        return resolve_reference(content)
    if tag == "object":
        cls = resolve_reference(content)
        state = decode(tree.get("state"), arrays, other, depth + 1)
        if not isinstance(cls, type) or not cls.__module__.startswith("nnlib") or not isinstance(state, dict) \
                or not all(isinstance(k, str) for k in state):
            raise WireError("a malformed object of nnlib")
        obj = cls.__new__(cls)
        obj.__dict__.update(state)
        return obj
    if tag in ("name", "callback", "handle"):
        return other(tag, tree)
    raise WireError(f"an unknown tag {tag!r}")


