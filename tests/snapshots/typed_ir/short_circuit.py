# args: int64, int64
def short_circuit(a, b):
    c = a and b
    d = a or b
    e = a > 0 and b > 0
    return c, d, e
