# args: int64
def unpack_count_mismatch(x):
    a, b = (x, x, x)
    return a + b
