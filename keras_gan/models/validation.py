"""Checks that a model, its networks and its data fit together, with messages that say the fix.

Shared by every adversarial model (`keras_gan.models.base`); each check raises
`GANConfigurationError` (a `ValueError`) or `TypeError` naming what the user passed.
"""

import dataclasses
import inspect
import math
import numbers
import os
import re
import warnings

import keras
import numpy as np

from keras_gan.errors import GANConfigurationError


def resolve_optimizer(identifier, role, default):
    """An optimizer from `identifier` (an instance, a Keras name, or `"auto"`: `default()`)."""
    if identifier is None or (isinstance(identifier, str) and identifier == "auto"):
        return default()
    try:
        optimizer = keras.optimizers.get(identifier)
    except ValueError as error:
        raise ValueError(
            f"`{role}={identifier!r}` is not an optimizer: pass a "
            "`keras.optimizers.Optimizer` instance, a Keras optimizer name such "
            f"as 'adam', or 'auto' (this model's default). ({error})"
        ) from None
    return optimizer


#: Keras's `compile` arguments that a GAN's `compile` does not take, and what to do instead.
_KERAS_COMPILE_ARGUMENTS = {
    "optimizer": "a GAN has two players, each with its own optimizer: pass d_optimizer=... and "
                 "g_optimizer=... (or leave both 'auto' for the model's defaults)",
    "metrics": "a GAN logs its own values (d_loss, g_loss, ...); to measure sample quality add "
               "keras_gan.callbacks.Evaluate(real_images, metrics=[...]) to fit's callbacks",
    "weighted_metrics": "a GAN logs its own values; see keras_gan.callbacks.Evaluate for sample-quality metrics",
    "loss_weights": "a GAN's cost terms are weighted by its tricks' `weight` arguments",
}


def check_compile_arguments(model, unknown, run_eagerly, steps_per_execution, jit_compile):
    """Refuses Keras `compile` arguments a GAN does not take, and execution options of the wrong type."""
    import difflib

    known = ["d_optimizer", "g_optimizer", "loss", "run_eagerly", "steps_per_execution", "jit_compile",
             "auto_scale_loss"]
    for key, value in unknown.items():
        if key in _KERAS_COMPILE_ARGUMENTS:
            raise TypeError(f"{type(model).__name__}.compile() takes no `{key}=`: {_KERAS_COMPILE_ARGUMENTS[key]}.")
        close = difflib.get_close_matches(key, known, n=1)
        hint = f"Did you mean `{close[0]}`?" if close else f"It takes: {', '.join(known)}."
        raise TypeError(f"{type(model).__name__}.compile() got an unknown argument `{key}={value!r}`. {hint}")
    if not isinstance(run_eagerly, (bool, np.bool_)):
        raise TypeError(f"`run_eagerly` must be True or False; received run_eagerly={run_eagerly!r}.")
    check_positive_int(steps_per_execution, "steps_per_execution")
    if not isinstance(jit_compile, (bool, np.bool_)) and jit_compile != "auto":
        raise TypeError(f"`jit_compile` must be True, False or 'auto'; received jit_compile={jit_compile!r}.")


def check_latent_dim(latent_dim):
    if isinstance(latent_dim, bool) or not isinstance(latent_dim, numbers.Integral):
        raise TypeError(
            "`latent_dim` must be a positive int, the length of one latent "
            f"vector. Received: latent_dim={latent_dim!r} of type "
            f"{type(latent_dim).__name__}."
        )
    if latent_dim <= 0:
        raise ValueError(
            f"`latent_dim` must be a positive int. Received: latent_dim={latent_dim}."
        )
    return int(latent_dim)


def check_tricks(tricks):
    from keras_gan.tricks import Trick

    if isinstance(tricks, Trick):
        raise TypeError(f"`tricks` must be a list of tricks; received one {type(tricks).__name__}. Pass "
                        f"tricks=[{type(tricks).__name__}(...)].")
    if tricks is not None and not isinstance(tricks, (list, tuple)):
        raise TypeError(f"`tricks` must be a list of keras_gan.tricks.Trick; received {describe(tricks)}.")
    tricks = list(tricks or [])
    for trick in tricks:
        if not isinstance(trick, Trick):
            raise TypeError(
                "Each of `tricks` must be a `keras_gan.tricks.Trick` instance, e.g. "
                f"keras_gan.tricks.GradientPenalty(10.0). Received: {trick!r}"
                + (" (a class: instantiate it)." if inspect.isclass(trick) else ".")
            )
    return tricks


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Lines Keras wraps around the line that says what went wrong.
_BOILERPLATE = ("Exception encountered when calling", "Arguments received by", "Call arguments received",
                "Traceback", "\u2022", "During handling of")


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


def check_logits_shape(logits):
    """Refuses a discriminator output that is not one logit per sample."""
    shape = tuple(logits.shape)
    if not (len(shape) == 1 or (len(shape) == 2 and shape[1] == 1)):
        raise ValueError(
            "The discriminator must return one logit per sample, of shape "
            f"(batch, 1) or (batch,); it returned shape {shape}. End it with "
            "`keras.layers.Dense(1)` and no activation (the losses expect logits)."
        )


def check_logits_shape_map(scores, name):
    """A CycleGAN discriminator may return `(batch, 1)`, `(batch,)` or a map of patch scores."""
    shape = tuple(scores.shape)
    if len(shape) >= 3 and shape[-1] != 1:
        raise GANConfigurationError(
            f"`{name}` must return one score per image or per patch (last axis 1); it "
            f"returned shape {shape}. End it with a 1-filter convolution or Dense(1)."
        )
    if len(shape) == 2 and shape[1] != 1:
        raise GANConfigurationError(
            f"`{name}` must return one score per image, shape (batch, 1); it returned {shape}."
        )


def first_array(x):
    """A NumPy view of the data (an array, a tuple's first array, or a dataset's first batch)."""
    if isinstance(x, (tuple, list)) and x:
        return first_array(x[0])
    if hasattr(x, "element_spec"):
        for batch in x.take(1):
            return first_array(batch)
        raise GANConfigurationError(
            "The dataset yields no batches: check its source, filters and `take`/`skip`, and that "
            "`batch(..., drop_remainder=True)` leaves at least one full batch."
        )
    if isinstance(x, np.ndarray):
        return x
    if hasattr(x, "numpy") and hasattr(x, "dtype"):
        return np.asarray(x)
    return None


BOUNDED_ACTIVATIONS = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}


def output_range(network):
    """The output range of a network ending in tanh or sigmoid (through reshapes), else None."""
    layers = getattr(network, "layers", None)
    if not layers:
        return None
    for layer in reversed(layers):
        activation = getattr(layer, "activation", None)
        if activation is not None:
            return BOUNDED_ACTIVATIONS.get(getattr(activation, "__name__", ""))
        if isinstance(layer, keras.Model):
            return output_range(layer)
        if not isinstance(layer, (keras.layers.Reshape, keras.layers.Flatten, keras.layers.Cropping2D)):
            return None
    return None


def check_values(x, output_range=None):
    """Refuses integer, NaN or Inf data; warns about data outside a bounded generator's range."""
    array = first_array(x)
    if array is None or array.size == 0:
        if array is not None:
            raise GANConfigurationError("The data holds no samples.")
        return
    if np.issubdtype(array.dtype, np.integer) or array.dtype == bool:
        raise GANConfigurationError(
            f"The data is of integer type ({array.dtype}); GANs train on floats scaled like the "
            "generator's output. Convert it, e.g. images.astype('float32') / 127.5 - 1 for a tanh "
            "generator (keras_gan.datasets.load does this)."
        )
    if not np.issubdtype(array.dtype, np.floating):
        raise GANConfigurationError(
            f"The data is of dtype {array.dtype}; GANs train on real floating-point samples scaled like the "
            "generator's output. Convert it, e.g. np.asarray(x, dtype='float32')"
            + (" (keeping the real part: x.real)." if np.issubdtype(array.dtype, np.complexfloating) else ".")
        )
    sample = array if array.size <= 10_000_000 else array[: max(1, len(array) // 10)]
    if not np.all(np.isfinite(sample)):
        bad = int(np.size(sample) - np.count_nonzero(np.isfinite(sample)))
        raise GANConfigurationError(
            f"The data contains {bad} NaN or Inf values; training on them makes every loss NaN. "
            "Remove or replace them (e.g. np.nan_to_num) before `fit`."
        )
    if output_range is None:
        return
    low, high = float(np.min(sample)), float(np.max(sample))
    bottom, top = output_range
    margin = 0.05 * (top - bottom)
    if high > top + margin or low < bottom - margin:
        warnings.warn(
            f"The data ranges over [{low:g}, {high:g}], but the generator's output layer can only "
            f"produce [{bottom:g}, {top:g}]. Scale the data to that range (images: x / 127.5 - 1 "
            "for tanh, x / 255 for sigmoid), or change the generator's output activation.",
            UserWarning,
            stacklevel=4,
        )


def sample_shape_of(x):
    """The per-sample shape of fit's `x` (array, tuple or tf.data.Dataset), if known."""
    if x is None:
        return None
    if isinstance(x, (tuple, list)) and x:
        return sample_shape_of(x[0])
    if isinstance(x, dict):
        return None
    shape = getattr(x, "shape", None)
    if shape is not None and not callable(shape):
        return tuple(shape[1:])
    spec = getattr(x, "element_spec", None)
    if spec is not None:
        if isinstance(spec, (tuple, list)):
            spec = spec[0]
        shape = getattr(spec, "shape", None)
        if shape is not None and shape.rank:
            dims = tuple(shape[1:])
            return None if any(d is None for d in dims) else tuple(int(d) for d in dims)
    return None


# ------------------------------------------------------------ what the user passed


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
        return f"{kind} of shape {_shape(shape)} and dtype {_dtype_name(dtype)}"
    if isinstance(value, (list, tuple)):
        kinds = sorted({type(v).__name__ for v in value})
        return f"a {type(value).__name__} of {len(value)} item{'s' if len(value) != 1 else ''}" + (
            f" ({', '.join(kinds)})" if kinds else "")
    return f"a {type(value).__name__}"


def describe_spec(spec):
    """A dataset's element structure in words: `dicts with keys [...]`, `2-tuples`, `tensors of shape ...`."""
    if isinstance(spec, dict):
        return f"dicts with keys {sorted(str(k) for k in spec)}"
    if isinstance(spec, (tuple, list)):
        return f"{len(spec)}-tuples ({', '.join(_leaf_text(s) for s in spec)})"
    return _leaf_text(spec, plural=True)


def _leaf_text(spec, plural=False):
    if isinstance(spec, (dict, tuple, list)):
        return describe_spec(spec)
    shape = getattr(spec, "shape", None)
    kind = type(spec).__name__.replace("Spec", "").replace("Tensor", "tensor").lower() or "tensor"
    kind = "tensor" if kind in ("tensor", "") else kind
    text = f"{kind}{'s' if plural else ''}"
    return text if shape is None else f"{text} of shape {_shape(shape)}"


def _shape(shape):
    try:
        return tuple(None if d is None else int(d) for d in shape)
    except TypeError:
        return "unknown"


def _dtype_name(dtype):
    if isinstance(dtype, np.dtype) and not (np.issubdtype(dtype, np.number) or dtype.kind == "b"):
        return str(dtype)  # <U1, object: what NumPy prints
    return getattr(dtype, "name", None) or str(dtype)


def check_sample_count(n, argument="n", fix="e.g. generate(16)"):
    """A positive int number of samples, or a message naming what was passed."""
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
    """`value` if it is an int >= `minimum` (or None where allowed); else a message naming `argument`."""
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"`{argument}` must be an int >= {minimum}{' or None' if allow_none else ''}; "
                        f"received {argument}={value!r} ({describe(value)}).")
    if value < minimum:
        raise ValueError(f"`{argument}` must be an int >= {minimum}{' or None' if allow_none else ''}; "
                         f"received {argument}={int(value)}.")
    return int(value)


# ------------------------------------------------ the structure of the data and of fit's arguments
#
# Each model declares the batches it trains on as `batch_structure`: a tuple of names, one per
# element of a batch, "?" marking an optional one and a nested tuple a nested element, e.g.
# `("x", "labels?")` for GAN, `("x", "labels")` for ConditionalGAN, `("a", "b")` for CycleGAN.
# `check_structure` compares the data (arrays, `fit`'s `x`/`y`, a tf.data element spec) with it.


def structure_text(structure):
    """`("x", "labels?")` -> "`x` or `(x, labels)`"."""
    def render(part):
        if isinstance(part, tuple):
            return "(" + ", ".join(render(p) for p in part) + ")"
        return part.rstrip("?")

    required = [p for p in structure if not (isinstance(p, str) and p.endswith("?"))]
    forms = []
    for n in range(len(required), len(structure) + 1):
        parts = structure[:n]
        forms.append(f"`{render(parts[0])}`" if n == 1 else f"`{render(tuple(parts))}`")
    return " or ".join(forms)


def _arity(structure):
    required = sum(1 for p in structure if not (isinstance(p, str) and p.endswith("?")))
    return required, len(structure)


def _is_leaf(value):
    shape, dtype = getattr(value, "shape", None), getattr(value, "dtype", None)
    return shape is not None and dtype is not None and not callable(shape)


def _is_keras_data_object(x):
    """Data Keras reads batch by batch whose structure is known only by iterating: not checked here."""
    if inspect.isgenerator(x) or isinstance(x, keras.utils.PyDataset):
        return True
    return type(x).__name__ in ("DataLoader", "DataFrame", "Series") or hasattr(x, "__next__")


def _structure_error(model, argument, received, expected, fix):
    return GANConfigurationError(
        f"{_trains_on(model, expected)}; `{argument}` is {received}. {fix}"
    )


def _trains_on(model, expected):
    """`GAN trains on batches of ...`, with the model's `batch_structure_note` saying what they are."""
    note = getattr(model, "batch_structure_note", "")
    return f"{type(model).__name__} trains on batches of {expected}" + (f": {note}" if note else "")


def check_structure(model, x, y=None, argument="x"):
    """Checks that `fit`'s data has the structure the model's batches need, before any step.

    Refuses what Keras accepts but the model cannot use: datasets yielding
    dicts, tuples of the wrong length (a third, sample-weight element),
    single samples instead of batches, a tuple `x` where the model takes
    `fit(x, y)`, lists, strings, None. The message names the structure the
    model expects (its `batch_structure`) and how to get it.

    Args:
        model: A keras-gan model (with `batch_structure`; others pass).
        x: `fit`'s `x` (arrays, a tf.data.Dataset, ...).
        y: `fit`'s `y`.
        argument: How `x` is named in messages (`"x"`, `"validation_data"`).
    """
    structure = getattr(model, "batch_structure", None)
    if structure is None:
        return
    expected = structure_text(structure)
    low, high = _arity(structure)
    name = type(model).__name__
    if x is None:
        raise _structure_error(model, argument, "None", expected, f"Pass the training data: {name}.fit(x, ...).")
    if hasattr(x, "element_spec"):
        if y is not None:
            raise _structure_error(
                model, "y", f"{describe(y)} besides a dataset", expected,
                "A dataset carries its own labels: leave `y` out, and let the dataset yield the tuples.")
        _check_element(model, x.element_spec, structure, argument, expected, dataset=True)
        return
    if _is_keras_data_object(x):
        return
    if isinstance(x, dict):
        raise _structure_error(model, argument, describe(x), expected,
                               f"Pass arrays: {name}.fit(x{', y' if low > 1 else ''}).")
    if isinstance(x, (str, bytes)) or isinstance(x, numbers.Number):
        raise _structure_error(model, argument, describe(x), expected, "Pass an array of samples, shape (n, ...).")
    if isinstance(x, (tuple, list)):
        if x and all(_is_leaf(v) for v in x) and getattr(model, "accepts_tuple_x", False) and y is None:
            _check_element(model, tuple(x), structure, argument, expected)
            return
        if not x or not all(_is_leaf(v) for v in x):
            raise _structure_error(
                model, argument, describe(x), expected,
                "Convert it to one array first: np.asarray(x, dtype='float32').")
        second = structure[1].rstrip("?") if len(structure) > 1 and isinstance(structure[1], str) else "y"
        raise _structure_error(
            model, argument, f"a {type(x).__name__} of {len(x)} arrays", expected,
            f"Pass the parts as separate arguments: fit(x, {second}), or a tf.data.Dataset of tuples.")
    if not _is_leaf(x):
        raise _structure_error(model, argument, describe(x), expected, "Pass an array of samples, shape (n, ...).")
    _check_element(model, (x,) if y is None else (x, y), structure, argument, expected)


def _check_element(model, element, structure, argument, expected, dataset=False):
    low, high = _arity(structure)
    if isinstance(element, dict):
        keys = sorted(str(k) for k in element)
        wanted = [p.rstrip("?") if isinstance(p, str) else "..." for p in structure[: max(low, 1)]]
        lookup = ", ".join(f"d[{k!r}]" for k in keys[: len(wanted)])
        example = f"({lookup})" if len(wanted) > 1 else lookup
        order = f" with the parts in the order {', '.join(wanted)}" if len(wanted) > 1 else ""
        raise _structure_error(
            model, argument, f"a dataset of dicts with keys {keys}" if dataset else describe(element), expected,
            f"Map each element to {'a tuple' if len(wanted) > 1 else 'its samples'}, e.g. "
            f"dataset.map(lambda d: {example}){order}.")
    parts = tuple(element) if isinstance(element, (tuple, list)) else (element,)
    if len(parts) < low:
        names = [structure_text((p,)).strip("`") for p in structure[:low]]
        missing = " and ".join(f"`{n}`" for n in names[len(parts):])
        given = "the dataset's elements come" if dataset else f"`{argument}` comes"
        raise GANConfigurationError(
            f"{_trains_on(model, expected)}; {given} without {missing}. Pass them: fit({', '.join(names)}), or a "
            f"dataset of `({', '.join(names)})` {'pairs' if len(names) == 2 else 'tuples'}.")
    if not low <= len(parts) <= high:
        extra = ""
        if len(parts) == 3 and high == 2:
            extra = " (Keras reads a third element as sample weights, which an adversarial game does not use.)"
        got = f"a dataset of {len(parts)}-tuples" if dataset else f"data of {len(parts)} parts"
        raise _structure_error(
            model, argument, got, expected,
            f"Keep only the parts listed, e.g. dataset.map(lambda *parts: parts[:{high}]){extra}")
    for part, spec in zip(parts, structure):
        if isinstance(spec, tuple):
            if not isinstance(part, (tuple, list)) or len(part) != len(spec):
                raise _structure_error(model, argument, f"data whose element is {describe_spec(part)}", expected,
                                       f"Give the nested part as a {len(spec)}-tuple.")
            continue
        if isinstance(part, dict) or isinstance(part, (tuple, list)):
            raise _structure_error(
                model, argument, f"data whose `{spec.rstrip('?')}` part is {describe_spec(part)}", expected,
                f"Give `{spec.rstrip('?')}` as one array (or tensor) per batch.")
        kind = type(part).__name__
        if kind in ("RaggedTensorSpec", "SparseTensorSpec", "RaggedTensor", "SparseTensor"):
            raise _structure_error(
                model, argument, f"data whose `{spec.rstrip('?')}` part is {_leaf_text(part, True)}", expected,
                "Give dense tensors: pad ragged samples to one shape, or call tf.sparse.to_dense.")
    _check_batched(model, parts[0], argument, dataset)


def _check_batched(model, first, argument, dataset):
    """A dataset of single samples (no `.batch`) or one sample without a batch axis."""
    sample_shape = getattr(model, "_sample_shape", None)
    shape = getattr(first, "shape", None)
    if sample_shape is None or shape is None or getattr(shape, "rank", len(shape)) is None:
        return
    shape = _shape(shape)
    if shape == "unknown" or shape != tuple(sample_shape):  # exactly one sample's shape: no batch axis
        return
    if dataset:
        raise GANConfigurationError(
            f"The dataset yields single samples of shape {shape}, not batches (the model's samples have "
            f"shape {tuple(sample_shape)}); `{argument}` needs batches: call dataset.batch(batch_size, "
            "drop_remainder=True).")
    raise GANConfigurationError(
        f"`{argument}` has shape {shape}, the shape of one sample ({tuple(sample_shape)}), with no batch "
        f"axis; pass an array of shape (n,) + {tuple(sample_shape)}, e.g. {argument}[None] for a single one.")


#: fit's arguments checked before Keras sees them, and what each must be.
_FIT_INT_ARGUMENTS = {
    "batch_size": (1, True), "epochs": (1, False), "steps_per_epoch": (1, True), "initial_epoch": (0, False),
    "validation_steps": (1, True), "validation_batch_size": (1, True), "validation_freq": (1, False),
    "steps": (1, True),
}


def check_run_arguments(model, method, x, kwargs):
    """Checks `fit`'s (or `evaluate`'s) keyword arguments before Keras sees them.

    Unknown names (with the nearest known one), counts that are not
    positive ints, `validation_split` outside [0, 1) or with a dataset,
    `sample_weight` and `class_weight` (an adversarial game weighs no
    sample), `callbacks` that is not a list of callbacks, `verbose` and
    `shuffle` values Keras would ignore or fail on late.

    Args:
        model: The model.
        method: `"fit"` or `"evaluate"`.
        x: The data.
        kwargs: The keyword arguments given (besides `x` and `y`).
    """
    import difflib

    name = type(model).__name__
    allowed = [p for p in inspect.signature(getattr(keras.Model, method)).parameters
               if p not in ("self", "x", "y", "kwargs")]
    for key in kwargs:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f" Did you mean `{close[0]}`?" if close else f" {method} takes: {', '.join(allowed)}."
            raise TypeError(f"`{method}()` got an unknown argument `{key}={kwargs[key]!r}`.{hint}")
    for key, (minimum, allow_none) in _FIT_INT_ARGUMENTS.items():
        if key in kwargs:
            check_positive_int(kwargs[key], key, allow_none=allow_none, minimum=minimum)
    epochs, initial = kwargs.get("epochs", 1), kwargs.get("initial_epoch", 0)
    if method == "fit" and epochs <= initial:
        raise ValueError(
            f"`epochs={epochs}` with `initial_epoch={initial}` trains no epoch (`epochs` is the index of the "
            f"last epoch, not a count); pass epochs > initial_epoch, e.g. epochs={initial + 1}.")
    for key in ("sample_weight", "class_weight"):
        if kwargs.get(key) is not None:
            raise ValueError(
                f"`{key}` is not supported by {name}: each step compares a batch of real samples with a batch "
                f"of generated ones, and no per-sample or per-class weight enters the adversarial losses. "
                f"Remove `{key}=` (to emphasise samples, repeat them in the data).")
    split = kwargs.get("validation_split", 0.0)
    if split:
        if isinstance(split, bool) or not isinstance(split, numbers.Real) or not 0.0 < float(split) < 1.0:
            raise ValueError(f"`validation_split` must be a fraction in [0, 1); received validation_split={split!r}.")
        if not isinstance(x, np.ndarray) and not (hasattr(x, "shape") and not hasattr(x, "element_spec")):
            raise ValueError(
                f"`validation_split` works on arrays only; `x` is {describe(x)}. Hold out a dataset yourself "
                "(dataset.take(k) / dataset.skip(k)) and pass it as `validation_data`.")
        n = len(x)
        if int(n * (1.0 - float(split))) < 1:
            raise ValueError(f"`validation_split={split}` leaves no training sample of the {n} in `x`.")
    callbacks = kwargs.get("callbacks")
    if callbacks is not None and not isinstance(callbacks, keras.callbacks.CallbackList):
        if isinstance(callbacks, keras.callbacks.Callback):
            raise TypeError(f"`callbacks` must be a list; received one {type(callbacks).__name__}. "
                            f"Pass callbacks=[{type(callbacks).__name__}(...)].")
        if not isinstance(callbacks, (list, tuple)):
            raise TypeError(f"`callbacks` must be a list of keras.callbacks.Callback; received {describe(callbacks)}.")
        for callback in callbacks:
            if not isinstance(callback, keras.callbacks.Callback):
                hint = " (a class: instantiate it)" if inspect.isclass(callback) else ""
                raise TypeError(f"Each of `callbacks` must be a keras.callbacks.Callback instance; received "
                                f"{describe(callback) if not inspect.isclass(callback) else callback.__name__}{hint}.")
    verbose = kwargs.get("verbose", "auto")
    if verbose != "auto" and (isinstance(verbose, bool) or verbose not in (0, 1, 2)):
        raise ValueError(f"`verbose` must be 'auto', 0, 1 or 2; received verbose={verbose!r}.")
    shuffle = kwargs.get("shuffle", True)
    if not isinstance(shuffle, (bool, np.bool_)) and shuffle != "batch":
        raise ValueError(f"`shuffle` must be True, False or 'batch'; received shuffle={shuffle!r}.")
    validation = kwargs.get("validation_data")
    if validation is not None:
        if hasattr(validation, "element_spec") or _is_keras_data_object(validation):
            check_structure(model, validation, None, "validation_data")
        elif isinstance(validation, (tuple, list)) and validation and all(_is_leaf(v) for v in validation):
            if len(validation) > 2:
                check_structure(model, tuple(validation), None, "validation_data")
            check_structure(model, validation[0], validation[1] if len(validation) > 1 else None,
                            "validation_data")
        else:
            check_structure(model, validation, None, "validation_data")


# ------------------------------------------------------------------ where a run writes


def output_locations(callback):
    """`[(argument, path, kind)]`: the folders and files a callback will write.

    A callback declares its own with an `output_locations()` method (as
    `keras_gan.callbacks.SampleSaver` does); Keras's writing callbacks
    (`ModelCheckpoint`, `BackupAndRestore`, `TensorBoard`, `CSVLogger`) are
    known here.
    """
    own = getattr(callback, "output_locations", None)
    if callable(own):
        return list(own())
    known = (
        ("ModelCheckpoint", "filepath", "file"), ("BackupAndRestore", "backup_dir", "directory"),
        ("TensorBoard", "log_dir", "directory"), ("CSVLogger", "filename", "file"),
        ("OrbaxCheckpoint", "directory", "directory"),
    )
    found = []
    for class_name, attribute, kind in known:
        cls = getattr(keras.callbacks, class_name, None)
        if cls is not None and isinstance(callback, cls):
            path = getattr(callback, attribute, None)
            if isinstance(path, (str, bytes)) or hasattr(path, "__fspath__"):
                found.append((f"{class_name}({attribute}={str(path)!r})", path, kind))
    return found


def check_callbacks(model, callbacks):
    """Runs every callback's own checks against `model` before any callback starts.

    First where each callback writes (`check_output_locations`), then, for
    callbacks that define it, `check_before_training(model)` (`SampleSaver`:
    the samples make images; `Evaluate`: the metrics take the generator's
    and the real images). Keras calls `on_train_begin` callback by callback,
    so a check there would come after an earlier callback (TensorBoard,
    BackupAndRestore) has written its folder; here nothing has run yet.
    """
    check_output_locations(callbacks)
    for callback in getattr(callbacks, "callbacks", callbacks) or []:
        check = getattr(callback, "check_before_training", None)
        if callable(check):
            check(model)


def check_output_locations(callbacks):
    """Checks every location the callbacks will write, before any of them writes (see `output_locations`)."""
    from keras_gan.utils.files import check_output_location

    for callback in getattr(callbacks, "callbacks", callbacks) or []:
        for argument, path, kind in output_locations(callback):
            path = os.fspath(path)
            if kind == "file" and "{" in path:  # a formatted name (ModelCheckpoint "{epoch:02d}"): check its folder
                path, kind = os.path.dirname(path.split("{", 1)[0] + "x") or ".", "directory"
            check_output_location(path, argument, kind)


# ----------------------------------------------------------- the docstrings' rules, declared


@dataclasses.dataclass(frozen=True)
class Requirement:
    """A rule a docstring states ("must", "should not", "requires"), and where it is enforced.

    Attributes:
        name: A short identifier (tests name it).
        source: The public object whose docstring states the rule.
        quote: The docstring's words (a test checks they are still there).
        stage: When it is checked: `"construction"`, `"compile"`, `"fit"`,
            or `"trace"` (the first trace of the step, before any update).
        check: `check(model, context) -> message or None`; None when the
            rule is enforced in place (see `enforced_by`).
        severity: `"error"` (raise `GANConfigurationError`) or `"warning"`.
        enforced_by: Where a rule with no `check` is enforced.
    """

    name: str
    source: str
    quote: str
    stage: str
    check: object = None
    severity: str = "error"
    enforced_by: str = ""


def _layers_of(network):
    if hasattr(network, "_flatten_layers"):
        return list(network._flatten_layers(include_self=True, recursive=True))
    return [network]


def _batch_norm_in_discriminator(model, context):
    found = []
    for network in model.player_networks("discriminator"):
        found += [layer.name for layer in _layers_of(network) if isinstance(layer, keras.layers.BatchNormalization)]
    if not found:
        return None
    return (f"the discriminator (critic) has batch normalization ({', '.join(found[:3])}), but a gradient penalty "
            "is defined per sample and batch normalization makes each score depend on the whole batch "
            "(Gulrajani et al., section 4). Use keras.layers.LayerNormalization, or no normalization, in the critic.")


def _is_model(model, name):
    from keras_gan import models

    return isinstance(model, getattr(models, name))


def _wgangp_batch_norm(model, context):
    if not _is_model(model, "WGANGP"):
        return None
    problem = _batch_norm_in_discriminator(model, context)
    return problem and f"WGANGP: {problem}"


def _penalty_batch_norm(owner):
    """The batch-norm check for the tricks that declare `penalizes_input_gradients`, of class `owner`."""
    def check(model, context):
        penalties = [trick for trick in model.tricks if trick.penalizes_input_gradients
                     and owner in (cls.__name__ for cls in type(trick).__mro__)]
        if _is_model(model, "WGANGP") or not penalties:
            return None
        problem = _batch_norm_in_discriminator(model, context)
        return problem and f"{owner}: {problem}"
    return check


def _feature_matching_discriminator(model, context):
    from keras_gan.tricks import FeatureMatching

    for trick in model.tricks:
        if not isinstance(trick, FeatureMatching):
            continue
        discriminator = getattr(model, "discriminator", None)
        inputs = getattr(discriminator, "inputs", None)
        if not inputs:
            return ("FeatureMatching needs a Sequential or functional discriminator (with `keras.Input`), to read "
                    f"its layer {trick.layer!r}; the discriminator is a subclassed {type(discriminator).__name__}.")
        if len(inputs) != 1:
            return (f"FeatureMatching needs a discriminator with one input; this one takes {len(inputs)} "
                    f"({type(model).__name__} passes labels too). Use a model whose discriminator takes only "
                    "the samples, or OrthogonalRegularization/HistoricalAveraging instead.")
        trick.feature_model(discriminator)  # raises, naming the layer, when it cannot read it
    return None


def _wasserstein_lipschitz(model, context):
    loss = getattr(model, "loss_fn", None)
    if type(loss).__name__ != "WassersteinLoss":
        return None
    if any(trick.keeps_critic_lipschitz for trick in model.tricks):
        return None
    for network in model.player_networks("discriminator"):
        for layer in _layers_of(network):
            if isinstance(layer, keras.layers.SpectralNormalization) or getattr(layer, "kernel_constraint", None):
                return None
    return ("the Wasserstein loss needs a (roughly) 1-Lipschitz critic, and nothing here keeps it so: the "
            "critic's scores can grow without bound. Add tricks=[keras_gan.tricks.GradientPenalty(10.0)] or "
            "[keras_gan.tricks.WeightClipping(0.01)], wrap the critic's layers in "
            "keras.layers.SpectralNormalization, or use keras_gan.models.WGANGP / WGAN.")


def _packing_batches(model, context):
    sizes = context.get("batch_sizes")
    for trick in model.tricks:
        m = int(trick.batch_multiple)  # declared on Trick: m for Packing(m)
        if not sizes or m == 1:
            continue
        bad = sorted(s for s in sizes if s % m)
        label = f"{type(trick).__name__}(m={m})"
        if not bad and "not fixed" in context.get("batch_text", ""):
            return (f"{label} needs every batch to hold a multiple of {m} samples, and the dataset's batch "
                    "size is not fixed (its last batch may be partial). Batch it with "
                    f"dataset.batch(batch_size, drop_remainder=True), batch_size a multiple of {m}.")
        if bad:
            return (f"{label} needs batches of a multiple of {m} samples; {context['batch_text']} gives "
                    f"batches of {', '.join(map(str, sorted(sizes)))}. Choose `batch_size` as a multiple of {m} "
                    f"and drop the last partial batch (x[: len(x) - len(x) % batch_size], or "
                    "dataset.batch(batch_size, drop_remainder=True)).")
    return None


#: Every rule the docstrings state, with its check. `tests/test_error_catalogue_kinds.py` finds each
#: "must" / "should not" / "requires" sentence of the public docstrings here, and provokes each rule.
REQUIREMENTS = (
    Requirement("distinct_optimizers", "AdversarialModel.compile", "Must be a different instance from `d_optimizer`",
                "compile", enforced_by="AdversarialModel.compile"),
    Requirement("one_logit_per_sample", "GAN", "The discriminator must return one logit (or critic score) per sample",
                "compile", enforced_by="GAN.build (check_logits_shape)"),
    Requirement("wgangp_no_batch_norm", "WGANGP", "The critic must not use batch normalization", "compile",
                _wgangp_batch_norm),
    Requirement("gradient_penalty_no_batch_norm", "GradientPenalty",
                "The discriminator should not use batch normalization", "compile",
                _penalty_batch_norm("GradientPenalty"), severity="warning"),
    Requirement("r1_no_batch_norm", "R1Penalty", "The discriminator should not use batch normalization", "compile",
                _penalty_batch_norm("R1Penalty"), severity="warning"),
    Requirement("feature_matching_one_input", "FeatureMatching",
                "Needs a Sequential or functional discriminator with one input", "compile",
                _feature_matching_discriminator),
    Requirement("packing_batch_multiple", "Packing", "The batch size must be a multiple of `m`", "fit",
                _packing_batches),
    Requirement("wasserstein_lipschitz", "WassersteinLoss", "The critic must be kept (approximately) 1-Lipschitz",
                "compile", _wasserstein_lipschitz, severity="warning"),
    Requirement("trick_term_names", "Trick", "Each logged name must be listed in `term_names`", "trace",
                enforced_by="AdversarialModel.update_metrics, at the first trace of the step (a trick author's rule)"),
    Requirement("inception_probabilities", "InceptionScore", "`network` must output class probabilities",
                "construction", enforced_by="ClassifierScore.update_probabilities (every update)"),
    Requirement("digit_image_shape", "DigitFrechetDistance", "Images must be `(n, 28, 28, 1)` in [-1, 1]",
                "fit", enforced_by="_ImageMetric._check_images (shape and expected_range); Evaluate runs it "
                "in on_train_begin"),
    Requirement("digit_image_shape_score", "DigitClassifierScore", "Images must be `(n, 28, 28, 1)` in [-1, 1]",
                "fit", enforced_by="_ImageMetric._check_images (shape and expected_range); Evaluate runs it "
                "in on_train_begin"),
)


def check_requirements(model, stage, **context):
    """Runs the declared rules of `stage` on `model`: raises on the first error, warns for the others.

    Args:
        model: The model.
        stage: `"compile"` or `"fit"`.
        **context: What the stage knows (`fit`: `batch_sizes`, `batch_text`).
    """
    for requirement in REQUIREMENTS:
        if requirement.stage != stage or requirement.check is None:
            continue
        message = requirement.check(model, context)
        if not message:
            continue
        if requirement.severity == "error":
            raise GANConfigurationError(message[0].upper() + message[1:])
        warnings.warn(message[0].upper() + message[1:], UserWarning, stacklevel=3)


def batch_sizes(x, kwargs):
    """The sizes of the batches `fit` will cut from `x` (a set), and how to say where they come from.

    Counts the validation batches too (`validation_split`, `validation_data`): the evaluation
    step runs the discriminator on them like the training step.
    """
    if hasattr(x, "element_spec"):
        spec = x.element_spec
        while isinstance(spec, (tuple, list)) and spec:
            spec = spec[0]
        shape = getattr(spec, "shape", None)
        if shape is not None and shape.rank and shape[0] is not None:
            return {int(shape[0])}, "the dataset"
        first = first_array(x) if not isinstance(spec, dict) else None
        sizes = {len(first)} if first is not None and first.ndim else set()
        return sizes, "the dataset (its first batch; its batch size is not fixed)"
    if isinstance(x, (tuple, list)) and x:
        x = x[0]
    if not _is_leaf(x) or not getattr(x, "shape", None):
        return set(), ""
    n = int(x.shape[0])

    def cut(count, size, steps=None):
        # As Keras's array adapter: without a batch size, `steps` batches (or batches of 32).
        size = size or (math.ceil(count / steps) if steps else 32)
        return {min(size, count)} | ({count % size} if count > size and count % size else set())

    validation = kwargs.get("validation_data")
    split = 0.0 if validation is not None else kwargs.get("validation_split") or 0.0  # Keras: data overrides split
    train = int(n * (1.0 - split)) if split else n
    size = kwargs.get("batch_size")
    sizes = cut(train, size, kwargs.get("steps_per_epoch"))
    steps = kwargs.get("steps_per_epoch")
    effective = size or (math.ceil(train / steps) if steps else 32)
    text = f"fit(batch_size={effective}{'' if size else ' by default'}) on {train} samples"
    held_out = n - train if split else (len(validation[0]) if isinstance(validation, (tuple, list)) and validation
                                        and _is_leaf(validation[0]) and validation[0].shape else 0)
    if held_out:
        sizes |= cut(held_out, kwargs.get("validation_batch_size") or size, kwargs.get("validation_steps"))
        text += f" and {held_out} validation samples"
    return {s for s in sizes if s}, text


def check_run(model, method, x, y=None, kwargs=None):
    """Everything checked before Keras's `fit`/`evaluate` runs: arguments, structure, outputs, rules.

    Nothing is written and no step runs before these pass: the arguments
    (`check_run_arguments`), the structure of the data (`check_structure`),
    every callback's checks and the locations it will write (`check_callbacks`) and the
    declared rules of the `"fit"` stage (`check_requirements`).

    Args:
        model: The model.
        method: `"fit"` or `"evaluate"`.
        x: The data.
        y: `fit`'s `y`.
        kwargs: The other keyword arguments, or None.
    """
    kwargs = dict(kwargs or {})
    if kwargs or method == "fit":
        check_run_arguments(model, method, x, kwargs)
    check_structure(model, x, y)
    check_callbacks(model, kwargs.get("callbacks"))
    validation = kwargs.get("validation_data")
    if validation is not None:  # its values too: a bad validation set would fail after the first epoch
        parts = tuple(validation) if isinstance(validation, (tuple, list)) else (validation,)
        model.check_data(parts[0], parts[1] if len(parts) > 1 else None)
    sizes, text = batch_sizes(x, kwargs) if getattr(model, "batch_structure", None) else (set(), "")
    check_requirements(model, "fit", batch_sizes=sizes, batch_text=text)
