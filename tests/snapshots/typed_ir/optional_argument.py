# args: float64, optional(int64)
def optional_argument(x, y):
    if y is not None:
        x = x + y
    return x
