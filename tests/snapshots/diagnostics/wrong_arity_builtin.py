# args: float64
def wrong_arity_builtin(x):
    return abs(x, 1)
