# args: int64, float64
def min_max_abs_round(n, x):
    lo = min(n, x)
    hi = max(n, 3)
    return abs(n), abs(x), round(x), round(x, 2), lo, hi
