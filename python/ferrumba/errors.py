"""Exceptions raised by ferrumba, named as Numba names them."""


class NumbaError(Exception):
    """Base class of every compiler error."""


class TypingError(NumbaError):
    """The function uses something ferrumba cannot compile, or types that do not fit.

    The message names the file, line and column, shows the source line with a caret
    under the culprit, the argument types of the failing call, and a hint.
    """


class UnsupportedError(NumbaError):
    """A construct ferrumba recognises but does not support."""


class InternalError(NumbaError):
    """A bug in ferrumba itself (please report it), never a problem in user code."""


class CudaSupportError(NumbaError):
    """No usable CUDA driver or device."""


FerrumbaError = NumbaError
