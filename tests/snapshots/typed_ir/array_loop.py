# args: float64[:, ::1], Array(float64, 2, 'A')
def array_loop(a, out):
    n, m = a.shape
    for i in range(n):
        for j in range(m):
            out[i, j] = a[i, j] * 2.0
    return out
