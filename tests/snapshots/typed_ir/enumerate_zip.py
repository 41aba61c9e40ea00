# args: float64[::1], float64[::1]
def enumerate_zip(a, b):
    acc = 0.0
    for i, x in enumerate(a):
        acc += i * x
    for x, y in zip(a, b):
        acc += x * y
    return acc
