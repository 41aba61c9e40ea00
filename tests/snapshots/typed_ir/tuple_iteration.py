# args: UniTuple(float64, 3)
def tuple_iteration(t):
    s = 0.0
    for v in t:
        s += v
    return s
