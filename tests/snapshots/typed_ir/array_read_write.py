# args: float64[:, ::1], Array(float64, 2, 'C')
def array_read_write(a, out):
    n, m = a.shape
    out[n - 1, 0] = a[0, m - 1] * 2.0
    out[0, 0] += 1
    return out[0, 0]
