"""The extension API, as Numba's `numba.extending`: make your own functions and methods
callable from compiled code. ferrumba's NumPy support is written with it too
(`ferrumba/_np_*.py`): library code and user code are the same kind of thing.

- `register_jitable(f)`: `f` stays a plain Python function, and compiled code may call it
  (it is compiled for the argument types it gets).
- `overload(func)`: decorate a typing function taking the argument *types*; it returns an
  implementation (a plain Python function with the same parameters) or None when those
  types are not its business. Compiled code calling `func` runs the implementation.
- `overload_method(types.Array, "name")`: the same for `value.name(...)`; the
  implementation takes the value as its first parameter.
"""

import inspect

from . import types as _types

# id(function) -> dispatcher compiled on demand from the function.
_JITABLE = {}
# id(function) -> [typing functions], tried in registration order.
_OVERLOADS = {}
_OVERLOAD_KEYS = []
# (type class, method name) -> [typing functions].
_METHODS = {}
# (key, argument type strings) -> dispatcher, so each specialization compiles once.
_RESOLVED = {}


def _jit(func, options):
    from .decorators import njit

    return njit(**(options or {}))(func)


def register_jitable(*args, **options):
    def wrap(func):
        _JITABLE[id(func)] = (func, _jit(func, options))
        return func

    if args and callable(args[0]):
        return wrap(args[0])
    return wrap


def overload(func, jit_options=None, strict=True, inline="never", prefer_literal=False, **kwargs):
    def decorate(typing_function):
        key = id(func)
        if key not in _OVERLOADS:
            _OVERLOADS[key] = []
            _OVERLOAD_KEYS.append(func)  # keep it alive: the key is its id
        _OVERLOADS[key].append((typing_function, jit_options))
        return typing_function

    return decorate


def overload_method(typ, attr, jit_options=None, **kwargs):
    def decorate(typing_function):
        _METHODS.setdefault(attr, []).append((typ, typing_function, jit_options))
        return typing_function

    return decorate


def overload_attribute(typ, attr, **kwargs):
    from .errors import UnsupportedError

    raise UnsupportedError("ferrumba does not support overload_attribute yet; use overload_method")


def _accepts(typing_function, args, kwargs):
    try:
        inspect.signature(typing_function).bind(*args, **kwargs)
    except TypeError:
        return False
    except ValueError:  # no signature to read (a builtin): let the call decide
        return True
    return True


def _implementation(candidates, key, arg_types, kw_types):
    """The dispatcher implementing a call for these argument type strings, or None."""
    cache_key = (key, tuple(arg_types), tuple(sorted(kw_types.items())))
    if cache_key in _RESOLVED:
        return _RESOLVED[cache_key]
    typed = [_types.from_string(t) for t in arg_types]
    kw_typed = {k: _types.from_string(t) for k, t in kw_types.items()}
    found = None
    for typing_function, options in candidates:
        if not _accepts(typing_function, typed, kw_typed):
            # A keyword or an argument count it does not have (`np.sort(a, order=...)`):
            # not an implementation of this call, rather than an error from inside it.
            continue
        impl = typing_function(*typed, **kw_typed)
        if impl is not None:
            found = _jit(impl, options)
            break
    _RESOLVED[cache_key] = found
    return found


def resolve_overload(key, arg_types, kw_types):
    return _implementation(_OVERLOADS.get(key, ()), ("function", key), arg_types, kw_types)


def resolve_method(name, arg_types, kw_types):
    from . import _introspect

    _introspect._load_library()
    receiver = _types.from_string(arg_types[0])
    candidates = [(f, o) for typ, f, o in _METHODS.get(name, ()) if isinstance(receiver, typ)]
    return _implementation(candidates, ("method", name), arg_types, kw_types)
