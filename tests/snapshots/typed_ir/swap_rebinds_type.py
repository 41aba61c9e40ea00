# args: int64, float64
def swap_rebinds_type(a, b):
    a, b = b, a
    return a, b
