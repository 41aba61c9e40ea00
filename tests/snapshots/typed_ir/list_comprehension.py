# args: int64
def list_comprehension(n):
    squares = [k * k for k in range(n) if k % 2 == 0]
    squares.append(-1)
    return squares[1:], len(squares)
