# args: int64
def branch_type_conflict(x):
    if x > 0:
        y = 1
    else:
        y = (1, 2)
    return y
