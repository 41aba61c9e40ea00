"""Functions that use `assert`, kept out of the test_*.py modules because
pytest rewrites assert statements there, which would change what the
compiler is given."""


def assert_positive(x):
    assert x > 0, "x must be positive"
    return x


def bare_assert(x):
    assert x > 0
    return x
