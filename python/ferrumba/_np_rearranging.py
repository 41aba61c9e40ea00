"""Rearranging elements as views: rot90."""

import numpy as np

from . import types
from ._np_shapes import _generate, _is_array, _tuple_text
from .extending import overload


@overload(np.rot90)
def _rot90(m, k=1):
    """m rotated by 90 degrees k times in the plane of its first two axes, as NumPy's view
    (flips and the swap of axes 0 and 1). Only the default axes=(0, 1) is supported."""
    if not (_is_array(m) and m.ndim >= 2 and isinstance(k, (int, types.Integer))):
        return None
    # The swap is a transpose by (1, 0, 2, ..., ndim - 1): a constant tuple per ndim.
    swap = _tuple_text(str(d) for d in [1, 0] + list(range(2, m.ndim)))
    source = (
        "def rot90(m, k=1):\n"
        "    k = k %% 4\n"
        "    if k == 0:\n"
        "        return m[:, :]\n"
        "    if k == 2:\n"
        "        return m[::-1, ::-1]\n"
        "    if k == 1:\n"
        "        return m[:, ::-1].transpose(%s)\n"
        "    return m.transpose(%s)[:, ::-1]\n" % (swap, swap))
    return _generate(("rot90", m.ndim), "rot90", source)
