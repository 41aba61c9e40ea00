# args: float64, none
def is_none_pruning(x, y):
    if y is None:
        return x
    return x + y
