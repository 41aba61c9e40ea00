# args: int64
def with_statement(x):
    with open("f") as f:
        pass
    return x
