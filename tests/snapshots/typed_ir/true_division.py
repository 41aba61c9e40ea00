# args: int64, int64
def true_division(a, b):
    q = a / b
    r = a ** -2
    return q + r
