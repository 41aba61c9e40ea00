# args: int64, float64
def int_float_promotion(n, x):
    a = n + 1
    b = a * x
    c = n - 2.5
    return b + c
