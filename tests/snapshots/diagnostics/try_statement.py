# args: int64
def try_statement(x):
    try:
        y = 10 // x
    except ZeroDivisionError:
        y = 0
    return y
