# args: int64
def optional_variable(n):
    best = None
    if n > 0:
        best = n
    return best
