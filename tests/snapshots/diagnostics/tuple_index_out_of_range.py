# args: UniTuple(int64, 3)
def tuple_index_out_of_range(t):
    return t[0] + t[3]
