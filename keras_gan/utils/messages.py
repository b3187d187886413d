"""Messages that name what the user passed: shared by every part of keras-gan.

The models, tricks, losses, layers, callbacks and utilities all phrase their
errors with these helpers, so this module imports nothing from keras-gan:
any module may import it.
"""

import numbers
import os
import re
import sys
import warnings

import numpy as np

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Lines Keras wraps around the line that says what went wrong.
_BOILERPLATE = ("Exception encountered when calling", "Arguments received by", "Call arguments received",
                "Traceback", "\u2022", "During handling of")
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def informative_line(error, limit=300):
    """The line of an error that says what went wrong, without Keras's framing lines.

    Keras wraps a layer's error between "Exception encountered when calling
    ..." and "Arguments received by ..."; the line in between carries the
    information (the expected and received shapes), so re-raised messages
    keep that one. Long lines are cut at a sentence end where one is near.

    Args:
        error: An exception (or a message).
        limit: Characters kept at most.

    Returns:
        One line.

    Example:

    >>> informative_line(ValueError("Exception encountered when calling Dense.call().\\n\\nExpected 7, got 3"))
    'Expected 7, got 3'
    """
    lines = [_ANSI.sub("", line).strip() for line in str(error).splitlines()]
    lines = [line for line in lines if line]
    useful = [line for line in lines if not line.startswith(_BOILERPLATE)]
    line = (useful or lines or [type(error).__name__])[0]
    if len(line) > limit:
        cut = line.rfind(". ", 0, limit)
        line = line[: cut + 1] if cut > limit // 2 else line[: limit - 3].rstrip() + "..."
    return line


#: Kept for callers written before `informative_line`: the same line.
first_line = informative_line


def describe(value):
    """What the user passed, in words, for messages: `the float 2.5`, `an array of shape (2, 9)`.

    Args:
        value: Anything a user may pass.

    Returns:
        A short phrase.

    Example:

    >>> describe(2.5), describe("3"), describe(np.zeros((2, 9)))
    ('the float 2.5', "the string '3'", 'an array of shape (2, 9) and dtype float64')
    """
    if value is None:
        return "None"
    if isinstance(value, (bool, np.bool_)):
        return f"the bool {bool(value)}"
    if isinstance(value, numbers.Integral):
        return f"the int {int(value)}"
    if isinstance(value, numbers.Real):
        return f"the float {float(value)!r}"
    if isinstance(value, numbers.Number):
        return f"the {type(value).__name__} {value!r}"
    if isinstance(value, (str, bytes)):
        text = repr(value)
        return f"the string {text if len(text) < 40 else text[:37] + '...'}"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(str(k) for k in value)}"
    if hasattr(value, "element_spec"):
        return f"a tf.data.Dataset yielding {describe_spec(value.element_spec)}"
    shape, dtype = getattr(value, "shape", None), getattr(value, "dtype", None)
    if shape is not None and dtype is not None and not callable(shape):
        kind = "an array" if isinstance(value, np.ndarray) else "a tensor"
        return f"{kind} of shape {shape_text(shape)} and dtype {_dtype_name(dtype)}"
    if isinstance(value, (list, tuple)):
        kinds = sorted({type(v).__name__ for v in value})
        return f"a {type(value).__name__} of {len(value)} item{'s' if len(value) != 1 else ''}" + (
            f" ({', '.join(kinds)})" if kinds else "")
    return f"a {type(value).__name__}"


def describe_spec(spec):
    """A dataset's element structure in words: `dicts with keys [...]`, `2-tuples`, `tensors of shape ...`.

    Args:
        spec: A `tf.data.Dataset`'s `element_spec` (or a nested structure of
            tensors, whose shapes are read the same way).

    Returns:
        A short plural phrase.

    Example:

    >>> describe_spec((np.zeros((8, 2)), {"label": 1}))
    "2-tuples (ndarray of shape (8, 2), dicts with keys ['label'])"
    """
    if isinstance(spec, dict):
        return f"dicts with keys {sorted(str(k) for k in spec)}"
    if isinstance(spec, (tuple, list)):
        return f"{len(spec)}-tuples ({', '.join(leaf_text(s) for s in spec)})"
    return leaf_text(spec, plural=True)


def leaf_text(spec, plural=False):
    """One element of a dataset's structure in words: `tensor of shape (None, 2)`, `raggedtensors ...`.

    Args:
        spec: A `tf.TensorSpec` (or any object with a `shape`), or a nested structure.
        plural: Whether to write the plural (`tensors`).

    Returns:
        A short phrase.

    Example:

    >>> leaf_text(np.zeros((8, 2)), plural=True)
    'ndarrays of shape (8, 2)'
    """
    if isinstance(spec, (dict, tuple, list)):
        return describe_spec(spec)
    shape = getattr(spec, "shape", None)
    kind = type(spec).__name__.replace("Spec", "").replace("Tensor", "tensor").lower() or "tensor"
    kind = "tensor" if kind in ("tensor", "") else kind
    text = f"{kind}{'s' if plural else ''}"
    return text if shape is None else f"{text} of shape {shape_text(shape)}"


def shape_text(shape):
    """A shape as a tuple of ints (None for unknown sizes), or `"unknown"` for an unknown rank.

    Args:
        shape: A tuple, a `tf.TensorShape` or any iterable of sizes.

    Returns:
        A tuple, or the string `"unknown"`.

    Example:

    >>> shape_text([None, np.int64(3)])
    (None, 3)
    """
    try:
        return tuple(None if d is None else int(d) for d in shape)
    except TypeError:
        return "unknown"


def _dtype_name(dtype):
    if isinstance(dtype, np.dtype) and not (np.issubdtype(dtype, np.number) or dtype.kind == "b"):
        return str(dtype)  # <U1, object: what NumPy prints
    return getattr(dtype, "name", None) or str(dtype)


def check_sample_count(n, argument="n", fix="e.g. generate(16)"):
    """A positive int number of samples, or a message naming what was passed.

    Args:
        n: The number the user passed.
        argument: Its name in messages.
        fix: What the message proposes.

    Returns:
        `n` as an int.

    Example:

    >>> check_sample_count(np.int64(4))
    4
    """
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, numbers.Integral):
        if isinstance(n, numbers.Real) and float(n).is_integer() and n > 0:
            fix = f"pass int({n!r}) = {int(n)}"
        raise TypeError(
            f"`{argument}` must be a positive int (a number of samples) or an array of latent vectors; "
            f"received {describe(n)}. Fix: {fix}."
        )
    if n <= 0:
        raise ValueError(f"`{argument}` must be a positive number of samples; received {int(n)}. Fix: {fix}.")
    return int(n)


def check_positive_int(value, argument, allow_none=False, minimum=1):
    """`value` if it is an int >= `minimum` (or None where allowed); else a message naming `argument`.

    Args:
        value: The value the user passed.
        argument: Its name in messages.
        allow_none: Whether None is accepted (and returned).
        minimum: The smallest accepted value.

    Returns:
        `value` as an int, or None.

    Example:

    >>> check_positive_int(3, "epochs"), check_positive_int(None, "steps", allow_none=True)
    (3, None)
    """
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"`{argument}` must be an int >= {minimum}{' or None' if allow_none else ''}; "
                        f"received {argument}={value!r} ({describe(value)}).")
    if value < minimum:
        raise ValueError(f"`{argument}` must be an int >= {minimum}{' or None' if allow_none else ''}; "
                         f"received {argument}={int(value)}.")
    return int(value)


def sentence(message):
    """`message` with its first letter capitalized (checks return phrases that may start in lower case).

    Args:
        message: A message.

    Returns:
        The message, starting with a capital letter.

    Example:

    >>> sentence("the critic has batch normalization.")
    'The critic has batch normalization.'
    """
    return message[:1].upper() + message[1:]


def warn_user(message, category=UserWarning):
    """Warns with `message`, attributed to the first caller outside keras-gan (the user's line).

    A warning raised deep inside `compile` or `fit` then points at the
    user's call, however many keras-gan frames lie in between.

    Args:
        message: The warning's text.
        category: The warning class.
    """
    level, frame = 2, sys._getframe(1)  # stacklevel 2 names the frame that called warn_user
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE + os.sep):
        level, frame = level + 1, frame.f_back
    warnings.warn(message, category, stacklevel=level)
