# args: int64
def unknown_name(x):
    y = x * 2
    return y + undefined_name
