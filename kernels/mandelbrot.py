"""Mandelbrot escape-time image written into a preallocated 2-D array.

Tight scalar float loop with a data-dependent `while` exit: measures the
quality of scalar code generation and loop control flow. Only scalars, loops,
`range`, `a.shape` and element indexing are used (no NumPy calls inside the
compiled function) so that it runs on the core milestone of ferrumba.
"""

import numpy as np

from _harness import Bench, standalone


def mandelbrot(out, x0, x1, y0, y1, max_iter):
    h = out.shape[0]
    w = out.shape[1]
    dx = (x1 - x0) / w
    dy = (y1 - y0) / h
    for i in range(h):
        ci = y0 + (i + 0.5) * dy
        for j in range(w):
            cr = x0 + (j + 0.5) * dx
            zr = 0.0
            zi = 0.0
            n = 0
            while n < max_iter and zr * zr + zi * zi <= 4.0:
                t = zr * zr - zi * zi + cr
                zi = 2.0 * zr * zi + ci
                zr = t
                n += 1
            # int64 counter stored into an int32 image: implicit narrowing on
            # setitem, as in typical user code.
            out[i, j] = n


def _build(h=200, w=300, max_iter=100):
    return (np.zeros((h, w), dtype=np.int32), -2.0, 1.0, -1.0, 1.0, max_iter)


def _ascii(ret, args):
    img = args[0]
    max_iter = args[5]
    chars = " .:-=+*#%@"
    rows = []
    for i in range(0, img.shape[0], max(1, img.shape[0] // 20)):
        row = ""
        for j in range(0, img.shape[1], max(1, img.shape[1] // 60)):
            row += chars[min(len(chars) - 1, img[i, j] * len(chars) // (max_iter + 1))]
        rows.append(row)
    return f"iterations sum={int(img.sum())}\n" + "\n".join(rows)


BENCH = {
    "mandelbrot": Bench(
        func=mandelbrot,
        build=_build,
        build_small=lambda: _build(4, 4, 10),
        label="mandelbrot 200×300, max_iter=100",
        kinds=("steady", "compile"),
        outputs=(0,),
        summary=_ascii,
    ),
}


if __name__ == "__main__":
    raise SystemExit(standalone(BENCH))
