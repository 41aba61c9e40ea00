# args: complex128
def wrong_arity_method(z):
    return z.conjugate(1)
