# args: Array(float64, 1, 'C', readonly=True), float64
def readonly_array_write(a, x):
    a[0] = x
    return a[0]
