"""Turning an exercise's result into plain values before a test compares it.

A test that writes ``assert result == 42`` asks the *student's* object whether it equals 42: an ``int``
subclass whose ``__eq__`` always answers ``True`` passes every such test. Test cells therefore pass every
result through :func:`plain` first. It returns exact builtin types (``bool``, ``int``, ``float``, ``str``,
``list``, ``tuple``, ``dict``), an exact ``numpy.ndarray`` or an exact ``torch.Tensor``, copied, and rejects
look-alikes (subclasses, objects with their own ``__eq__``, tensor subclasses, object arrays) with a message
that says what was expected.

Used in: the test cells of every notebook.

>>> plain(3), plain([1, 2.5]), plain({"a": (1, 2)})
(3, [1, 2.5], {'a': (1, 2)})
>>> class Always(int):
...     def __eq__(self, other): return True
>>> plain(Always(0))
Traceback (most recent call last):
AssertionError: result must be a plain Python int, float, bool, str, list, tuple, dict, numpy array or torch tensor; got Always
"""
from __future__ import annotations

from typing import Any

import numpy as np

_SCALARS = (bool, int, float, str, type(None), complex)
# Exact NumPy scalar classes (np.float32, np.int64, np.bool_, ...): subclasses, even ones claiming to live in
# numpy, are look-alikes.
_NUMPY_SCALARS = frozenset(t for t in set(np.sctypeDict.values()) if issubclass(t, (np.bool_, np.number)))
_ITEM = np.generic.item  # bound here: a look-alike cannot hand us its own `item`


def _name(kind: type) -> str:
    return f"{type.__getattribute__(kind, '__module__')}.{type.__getattribute__(kind, '__qualname__')}"


def _check_torch_modes(torch: Any, what: str) -> None:
    """A TorchFunctionMode entered by notebook code would answer for torch's own functions: refuse it."""
    try:
        from torch.overrides import _get_current_function_mode_stack
    except ImportError:  # pragma: no cover - older torch
        return
    for mode in _get_current_function_mode_stack():
        module = type.__getattribute__(type(mode), "__module__")
        if not module.startswith("torch."):
            raise AssertionError(f"{what}: a torch function mode ({_name(type(mode))}) is active; "
                                 "leave torch's functions as they are")


def _tensor(value: Any, what: str) -> Any:
    import torch

    if type(value) is torch.nn.Parameter:
        value = torch.Tensor.detach(value)
    if type(value) is not torch.Tensor:
        raise AssertionError(f"{what} must be a plain torch.Tensor; got {_name(type(value))}")
    _check_torch_modes(torch, what)
    with torch._C.DisableTorchFunctionSubclass():
        copy = torch.Tensor.clone(torch.Tensor.detach(value))
    if type(copy) is not torch.Tensor:
        raise AssertionError(f"{what}: copying the tensor did not give a plain torch.Tensor")
    return copy


def plain(value: Any, what: str = "result") -> Any:
    """A copy of ``value`` made only of exact builtin types, ndarrays and tensors; AssertionError otherwise.

    ``what`` names the value in the message (e.g. ``"the scale"``). Tensors come back detached and cloned;
    NumPy scalars become Python ``bool``/``int``/``float``; lists, tuples and dicts are rebuilt element by
    element (keys too). Only exact types pass: a subclass of ``int``, ``float``, ``list``, ``np.ndarray`` or
    ``torch.Tensor`` is rejected whatever it claims (``__class__``, ``__module__``), since its comparison and
    arithmetic methods are its own.

    >>> import torch
    >>> plain(torch.tensor([1, 2])).tolist(), plain(np.float32(0.5))
    ([1, 2], 0.5)
    >>> plain(np.array([1.0], dtype=object))
    Traceback (most recent call last):
    AssertionError: result must be a numeric numpy array, not an array of Python objects
    """
    kind = type(value)  # type() cannot be fooled by a `__class__` property
    if kind in _SCALARS:
        return value
    if kind in _NUMPY_SCALARS:
        out = _ITEM(value)
        if type(out) not in _SCALARS:  # pragma: no cover - numpy guarantees builtin types
            raise AssertionError(f"{what}: numpy scalar gave {_name(type(out))}")
        return out
    if kind is np.ndarray:
        if np.ndarray.__getattribute__(value, "dtype").hasobject:
            raise AssertionError(f"{what} must be a numeric numpy array, not an array of Python objects")
        return np.array(value, copy=True, subok=False)
    if kind is list or kind is tuple:
        return kind([plain(v, what) for v in list.__iter__(value)] if kind is list
                    else [plain(v, what) for v in tuple.__iter__(value)])
    if kind is dict:
        return {plain(k, what): plain(v, what) for k, v in dict.items(value)}
    module = type.__getattribute__(kind, "__module__")
    if isinstance(module, str) and module.startswith("torch"):
        import torch

        if kind is torch.Size:
            return tuple(int(v) for v in tuple.__iter__(value))
        if kind is torch.dtype or kind is torch.device:
            return value
        return _tensor(value, what)
    raise AssertionError(f"{what} must be a plain Python int, float, bool, str, list, tuple, dict, numpy array "
                         f"or torch tensor; got {type.__getattribute__(kind, '__name__')}")
