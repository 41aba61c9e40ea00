# args: int64, float64
def tuple_unpack_swap(a, b):
    t = (a, b)
    i, x = t
    y = x * 2.0
    x, y = y, x
    return i, x, y
