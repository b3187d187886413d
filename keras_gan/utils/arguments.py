"""Argument checks that name the argument and the value received, at construction or first call.

Shared by the layers, the metrics, the callbacks, the sampling functions and
the tuner. Each check raises before any work is done (nothing is built,
trained or written): a `TypeError` for a value of the wrong kind (a float
where an int is wanted, a string, None, a bool, a list where a number is
wanted), a `ValueError` for a value of the right kind out of range. Every
message has the form

    `scale` must be an int >= 1 (the PNG's upscaling). Received: scale=2.5 (the float 2.5).

This module imports nothing from keras-gan but `keras_gan.utils.messages`,
so any module may import it.
"""

import math
import numbers

import numpy as np

from keras_gan.utils.messages import describe


def received(argument, value):
    """The end of a message: `Received: scale=2.5 (the float 2.5).`

    Args:
        argument: The argument's name.
        value: What the user passed.

    Returns:
        A sentence.

    Example:

    >>> received("scale", 2.5)
    'Received: scale=2.5 (the float 2.5).'
    """
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"Received: {argument}={text} ({describe(value)})."


def _what(what):
    return f" ({what})" if what else ""


def check_int(value, argument, minimum=1, maximum=None, allow_none=False, what=""):
    """`value` as an int if it is an int in `[minimum, maximum]` (or None where allowed).

    A bool, a float (even `2.0`), a string or None (unless allowed) raises a
    `TypeError`; an int out of range a `ValueError`. Both name `argument`
    and the value received.

    Args:
        value: What the user passed.
        argument: Its name in messages.
        minimum: The smallest accepted value (None: no lower bound).
        maximum: The largest accepted value (None: no upper bound).
        allow_none: Whether None is accepted (and returned).
        what: What the number counts, added to the message in parentheses.

    Returns:
        An int, or None.

    Example:

    >>> check_int(np.int64(3), "every")
    3
    >>> check_int(2.5, "scale", what="the PNG's upscaling")
    Traceback (most recent call last):
    ...
    TypeError: `scale` must be an int >= 1 (the PNG's upscaling). Received: scale=2.5 (the float 2.5).
    """
    if value is None and allow_none:
        return None
    bounds = []
    if minimum is not None:
        bounds.append(f">= {minimum}")
    if maximum is not None:
        bounds.append(f"<= {maximum}")
    expected = f"an int{' ' + ' and '.join(bounds) if bounds else ''}{' or None' if allow_none else ''}"
    message = f"`{argument}` must be {expected}{_what(what)}. {received(argument, value)}"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(message)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(message)
    return int(value)


def _bound_text(low, high, low_open, high_open):
    if low is not None and high is not None:
        return f" in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    if low is not None:
        return f" {'>' if low_open else '>='} {low:g}"
    if high is not None:
        return f" {'<' if high_open else '<='} {high:g}"
    return ""


def check_number(value, argument, low=None, high=None, low_open=False, high_open=False, allow_none=False,
                 what=""):
    """`value` as a float if it is a finite real number in the given range (or None where allowed).

    A bool, a string, None (unless allowed), a list or an array raises a
    `TypeError`; NaN, an infinity or a number out of range a `ValueError`.

    Args:
        value: What the user passed.
        argument: Its name in messages.
        low: The lower bound (None: none).
        high: The upper bound (None: none).
        low_open: Whether `low` itself is refused.
        high_open: Whether `high` itself is refused.
        allow_none: Whether None is accepted (and returned).
        what: What the number is, added to the message in parentheses.

    Returns:
        A float, or None.

    Example:

    >>> check_number(1, "learning_rate", low=0, low_open=True)
    1.0
    >>> check_number(1.5, "confident", low=0, high=1, low_open=True, high_open=True)
    Traceback (most recent call last):
    ...
    ValueError: `confident` must be a number in (0, 1). Received: confident=1.5 (the float 1.5).
    """
    if value is None and allow_none:
        return None
    range_text = _bound_text(low, high, low_open, high_open)
    message = (f"`{argument}` must be a{' finite' if not range_text else ''} number{range_text}"
               f"{' or None' if allow_none else ''}{_what(what)}. {received(argument, value)}")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(message)
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(message)
    if low is not None and (value < low or (low_open and value == low)):
        raise ValueError(message)
    if high is not None and (value > high or (high_open and value == high)):
        raise ValueError(message)
    return value


def check_seed(value, argument="seed"):
    """`value` if it is a random seed: an int >= 0, or None.

    Args:
        value: What the user passed.
        argument: Its name in messages.

    Returns:
        An int, or None.

    Example:

    >>> check_seed(None), check_seed(7)
    (None, 7)
    >>> check_seed("0")
    Traceback (most recent call last):
    ...
    TypeError: `seed` must be an int >= 0 or None (a random seed). Received: seed='0' (the string '0').
    """
    return check_int(value, argument, minimum=0, allow_none=True, what="a random seed")


def check_bool(value, argument):
    """`value` as a bool if it is True or False (or the int 0 or 1); a string such as `"False"` is refused.

    Args:
        value: What the user passed.
        argument: Its name in messages.

    Returns:
        A bool.

    Example:

    >>> check_bool(1, "center")
    True
    >>> check_bool("False", "center")
    Traceback (most recent call last):
    ...
    TypeError: `center` must be True or False. Received: center='False' (the string 'False').
    """
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral) and value in (0, 1):
        return bool(value)
    raise TypeError(f"`{argument}` must be True or False. {received(argument, value)}")


def check_choice(value, argument, choices):
    """`value` if it is one of `choices` (strings); a `TypeError` for a non-string, else a `ValueError`.

    Args:
        value: What the user passed.
        argument: Its name in messages.
        choices: The accepted strings.

    Returns:
        `value`.

    Example:

    >>> check_choice("mean", "reduction", ("mean", "sum"))
    'mean'
    >>> check_choice("avg", "reduction", ("mean", "sum"))
    Traceback (most recent call last):
    ...
    ValueError: `reduction` must be one of 'mean', 'sum'. Received: reduction='avg' (the string 'avg').
    """
    message = f"`{argument}` must be one of {', '.join(repr(c) for c in choices)}. {received(argument, value)}"
    if not isinstance(value, str):
        raise TypeError(message)
    if value not in choices:
        raise ValueError(message)
    return value


def check_value_range(value, argument="value_range"):
    """`value` as a `(min, max)` tuple of floats if it is a pair of finite numbers with max > min.

    Args:
        value: What the user passed.
        argument: Its name in messages.

    Returns:
        A tuple of two floats.

    Example:

    >>> check_value_range([0, 255])
    (0.0, 255.0)
    >>> check_value_range((1, -1))
    Traceback (most recent call last):
    ...
    ValueError: `value_range` must be a (min, max) pair of numbers with max > min. Received: value_range=(1, -1) ...
    """
    message = f"`{argument}` must be a (min, max) pair of numbers with max > min. {received(argument, value)}"
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__len__") or len(value) != 2:
        raise TypeError(message)
    low, high = value[0], value[1]
    if any(isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real) for v in (low, high)):
        raise TypeError(message)
    low, high = float(low), float(high)
    if not (math.isfinite(low) and math.isfinite(high) and high > low):
        raise ValueError(message)
    return low, high


def check_callable(value, argument, what):
    """`value` if it is callable; else a `TypeError` naming `argument`.

    Args:
        value: What the user passed.
        argument: Its name in messages.
        what: What is expected, e.g. `"a Keras model mapping images to features"`.

    Returns:
        `value`.

    Example:

    >>> check_callable(len, "features", "a function")  # doctest: +ELLIPSIS
    <built-in function len>
    """
    if not callable(value):
        raise TypeError(f"`{argument}` must be {what}. {received(argument, value)}")
    return value
