# args: int64
def call_an_int(x):
    return x(1)
