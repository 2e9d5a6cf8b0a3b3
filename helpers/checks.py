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
_NUMPY_SCALARS = (np.bool_, np.integer, np.floating)


def _tensor(value: Any, what: str) -> Any:
    import torch

    if type(value) is torch.nn.Parameter:
        value = torch.Tensor.detach(value)
    if type(value) is not torch.Tensor:
        raise AssertionError(f"{what} must be a plain torch.Tensor; got {type(value).__module__}.{type(value).__name__}")
    return torch.Tensor.clone(torch.Tensor.detach(value))


def plain(value: Any, what: str = "result") -> Any:
    """A copy of ``value`` made only of exact builtin types, ndarrays and tensors; AssertionError otherwise.

    ``what`` names the value in the message (e.g. ``"the scale"``). Tensors come back detached and cloned;
    NumPy scalars become Python ``bool``/``int``/``float``; lists, tuples and dicts are rebuilt element by
    element (keys too).

    >>> import torch
    >>> plain(torch.tensor([1, 2])).tolist(), plain(np.float32(0.5))
    ([1, 2], 0.5)
    """
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind in (np.bool_,) or (isinstance(value, _NUMPY_SCALARS) and kind.__module__ == "numpy"):
        return value.item()
    if kind is np.ndarray:
        if value.dtype == object:
            raise AssertionError(f"{what} must be a numeric numpy array, not an array of Python objects")
        return np.array(value, copy=True)
    if kind in (list, tuple):
        return kind(plain(v, what) for v in value)
    if kind is dict:
        return {plain(k, what): plain(v, what) for k, v in value.items()}
    if kind.__module__.startswith("torch"):
        import torch

        if kind is torch.Size:
            return tuple(int(v) for v in value)
        if kind is torch.dtype:
            return value
        return _tensor(value, what)
    raise AssertionError(f"{what} must be a plain Python int, float, bool, str, list, tuple, dict, numpy array "
                         f"or torch tensor; got {kind.__name__}")
