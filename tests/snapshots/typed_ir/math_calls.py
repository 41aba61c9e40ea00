# args: float64, int64
import math


def math_calls(x, n):
    r = math.sqrt(x) + math.sqrt(n)
    f = math.floor(x)
    return r, f
