# args: complex128, float64
def complex_expression(z, x):
    w = z * x + 1j
    return w.real + w.imag, w.conjugate(), -w / 2, w ** 2
