"""NumPy inside compiled code, the rows the NumPy issue asks for: linalg.norm for each
vector ord (the seed talk's example), reductions with an axis, a histogram, a masked
update, sort and unique on 1e6 elements, and a 512x512 matrix product."""

import numpy as np

from _harness import Bench, standalone


def norms(x):
    return (np.linalg.norm(x), np.linalg.norm(x, 1), np.linalg.norm(x, np.inf), np.linalg.norm(x, -np.inf),
            np.linalg.norm(x, 0), np.linalg.norm(x, 3))


def axis_reductions(a):
    return np.sum(a, axis=0) + np.sum(a, axis=1)


def histogram(a):
    return np.histogram(a, 50)[0]


def masked_update(a):
    a[a > 0.5] = 0.0
    return a


def sort(a):
    return np.sort(a)


def unique(a):
    return np.unique(a)


def matmul(a, b):
    return a @ b


def _vector(n=1_000_000):
    return (np.random.default_rng(21).standard_normal(n),)


def _matrix():
    return (np.random.default_rng(22).random((1000, 1000)),)


def _masked():
    return (np.random.default_rng(23).random(1_000_000),)


def _integers():
    return (np.random.default_rng(24).integers(0, 100_000, 1_000_000),)


def _square():
    rng = np.random.default_rng(25)
    return (rng.random((512, 512)), rng.random((512, 512)))


BENCH = {
    "norms": Bench(func=norms, build=_vector, label="linalg.norm, ords None/1/inf/-inf/0/3, 1e6 float64", milestone="numpy",
                   kinds=("steady", "compile"), build_small=lambda: _vector(8)),
    "axis_reductions": Bench(func=axis_reductions, build=_matrix, label="np.sum with axis 0 and 1, 1000x1000", milestone="numpy"),
    "histogram": Bench(func=histogram, build=_vector, label="np.histogram, 50 bins, 1e6 float64", milestone="numpy"),
    "masked_update": Bench(func=masked_update, build=_masked, label="a[a > 0.5] = 0, 1e6 float64", milestone="numpy", outputs=(0,)),
    "sort": Bench(func=sort, build=_integers, label="np.sort, 1e6 int64", milestone="numpy"),
    "unique": Bench(func=unique, build=_integers, label="np.unique, 1e6 int64", milestone="numpy"),
    "matmul512": Bench(func=matmul, build=_square, label="a @ b, 512x512 float64", milestone="numpy"),
}


if __name__ == "__main__":
    raise SystemExit(standalone(BENCH))
