"""np.random inside compiled code: reproducible after np.random.seed (as in Numba, the
compiled generator is its own, not NumPy's), right shapes, dtypes, ranges and moments."""

import numpy as np
import pytest

from tests.backend import IS_FERRUMBA, njit

pytestmark = pytest.mark.skipif(not IS_FERRUMBA, reason="generator details are ferrumba's own")


def draws(seed):
    np.random.seed(seed)
    return (np.random.random(), np.random.rand(3), np.random.randn(2, 2), np.random.normal(5.0, 0.5, 4),
            np.random.uniform(-2.0, 3.0, size=(2, 3)), np.random.randint(3, 9, 50), np.random.randint(4),
            np.random.permutation(7), np.random.choice(np.arange(10.0)), np.random.choice(5))


def moments(n):
    np.random.seed(1)
    x = np.random.randn(n)
    u = np.random.random(n)
    g = np.random.normal(2.0, 3.0, n)
    return x.mean(), x.std(), u.mean(), u.min(), u.max(), g.mean(), g.std()


def shuffled(a, seed):
    np.random.seed(seed)
    np.random.shuffle(a)
    return a


def test_seed_makes_draws_reproducible():
    f = njit(draws)
    first, again, other = f(7), f(7), f(8)
    for x, y in zip(first, again):
        assert np.array_equal(x, y)
    assert not np.array_equal(first[1], other[1])


def test_shapes_dtypes_and_ranges():
    a, b, c, d, e, f, g, h, i, j = njit(draws)(3)
    assert isinstance(a, float) and 0.0 <= a < 1.0
    assert b.shape == (3,) and b.dtype == np.float64 and np.all((0 <= b) & (b < 1))
    assert c.shape == (2, 2)
    assert d.shape == (4,)
    assert e.shape == (2, 3) and np.all((-2 <= e) & (e < 3))
    assert f.dtype == np.int64 and np.all((3 <= f) & (f < 9))
    assert 0 <= g < 4
    assert sorted(h.tolist()) == list(range(7))
    assert i in np.arange(10.0) and 0 <= j < 5


def test_moments_look_right():
    m, s, um, umin, umax, gm, gs = njit(moments)(400_000)
    assert abs(m) < 0.01 and abs(s - 1) < 0.01
    assert abs(um - 0.5) < 0.01 and umin >= 0.0 and umax < 1.0
    assert abs(gm - 2.0) < 0.03 and abs(gs - 3.0) < 0.03


def test_shuffle_is_a_permutation_in_place():
    a = np.arange(100)
    out = njit(shuffled)(a, 5)
    assert out is a and sorted(a.tolist()) == list(range(100)) and not np.array_equal(a, np.arange(100))
