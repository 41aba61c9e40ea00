# args: int64
def index_an_int(x):
    return x[0] + 1
