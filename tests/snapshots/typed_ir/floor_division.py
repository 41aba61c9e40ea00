# args: int64, int64, float64
def floor_division(a, b, x):
    q = a // b
    m = a % b
    y = x // b
    return q + m, y
