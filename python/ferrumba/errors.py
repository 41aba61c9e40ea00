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


class CudaDriverError(NumbaError):
    """The CUDA driver reported an error (numba-cuda's name)."""


class CudaAPIError(CudaDriverError):
    """A CUDA driver call failed: `code` is the CUresult, `msg` says which call and why.

    A kernel that faults (an illegal address, a trap) is reported this way at the next
    call that waits for it (synchronize, a copy); ferrumba then resets the device's
    context, so later calls work again with new device arrays.
    """

    def __init__(self, code, msg):
        self.code = code
        self.msg = msg
        super().__init__(code, msg)

    def __str__(self):
        return f"[{self.code}] {self.msg}"


FerrumbaError = NumbaError


class LoweringError(NumbaError):
    """Code generation failed (Numba's name; ferrumba reports these as InternalError)."""


class NumbaTypeError(TypingError, TypeError):
    """A typing problem that is also a TypeError (Numba's name)."""


class NumbaValueError(TypingError, ValueError):
    """A typing problem that is also a ValueError (Numba's name)."""


class ForbiddenConstruct(UnsupportedError):
    """A construct compiled code does not allow (Numba's name)."""


UnsupportedBytecodeError = UnsupportedError
