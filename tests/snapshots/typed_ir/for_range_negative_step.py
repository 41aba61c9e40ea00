# args: int64
def for_range_negative_step(n):
    total = 0
    for i in range(n, 0, -2):
        total += i
    return total
