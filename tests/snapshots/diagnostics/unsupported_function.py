# args: float64[::1]
def unsupported_function(a):
    return frozenset(a)
