"""One direct-summation n-body step (N=1000), updating arrays in place.

O(N^2) pair interactions with a sqrt and a division each: measures float
throughput and 2-D array reads/writes in nested loops. Velocities are kicked
from the old positions first, then positions drift, so the result does not
depend on loop order and both backends must agree to rounding.
"""

import math

import numpy as np

from _harness import Bench, standalone


def nbody_step(pos, vel, mass, dt, eps2):
    n = pos.shape[0]
    for i in range(n):
        xi = pos[i, 0]
        yi = pos[i, 1]
        zi = pos[i, 2]
        ax = 0.0
        ay = 0.0
        az = 0.0
        for j in range(n):
            dx = pos[j, 0] - xi
            dy = pos[j, 1] - yi
            dz = pos[j, 2] - zi
            # Softening keeps the i == j term (and close encounters) finite,
            # so no branch is needed in the inner loop.
            r2 = dx * dx + dy * dy + dz * dz + eps2
            inv_r = 1.0 / math.sqrt(r2)
            s = mass[j] * inv_r * inv_r * inv_r
            ax += s * dx
            ay += s * dy
            az += s * dz
        vel[i, 0] += dt * ax
        vel[i, 1] += dt * ay
        vel[i, 2] += dt * az
    for i in range(n):
        pos[i, 0] += dt * vel[i, 0]
        pos[i, 1] += dt * vel[i, 1]
        pos[i, 2] += dt * vel[i, 2]


def _build(n=1000):
    rng = np.random.default_rng(42)
    pos = rng.random((n, 3))
    vel = rng.standard_normal((n, 3)) * 0.01
    mass = rng.random(n) / n
    return (pos, vel, mass, 1e-3, 1e-2)


BENCH = {
    "nbody": Bench(
        func=nbody_step,
        build=_build,
        label="n-body step, N=1000",
        outputs=(0, 1),
        summary=lambda ret, args: (
            f"centre of mass x={float((args[0][:, 0] * args[2]).sum() / args[2].sum()):.9f}, "
            f"|v| sum={float(np.sqrt((args[1] ** 2).sum(axis=1)).sum()):.9f}"
        ),
    ),
}


if __name__ == "__main__":
    raise SystemExit(standalone(BENCH))
