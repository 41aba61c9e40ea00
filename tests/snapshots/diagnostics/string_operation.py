# args: int64
def string_operation(x):
    s = "value: "
    return s + x
