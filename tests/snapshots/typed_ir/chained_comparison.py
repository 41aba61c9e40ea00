# args: int64, float64, int64
def chained_comparison(a, x, b):
    return a < x <= b
