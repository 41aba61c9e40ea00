# args: float64
def return_type_conflict(x):
    if x > 0.0:
        return x
    return (x, x)
