"""Checks that a model, its networks and its data fit together, with messages that say the fix.

Shared by every adversarial model (`keras_gan.models.base`); each check raises
`GANConfigurationError` (a `ValueError`) or `TypeError` naming what the user passed.
The rules the docstrings state are declared by their owners (models, losses,
tricks, layers, callbacks) in `requirements` tuples; `check_requirements`
collects and runs them. The message helpers live in `keras_gan.utils.messages`
(re-exported here).
"""

import inspect
import math
import numbers
import os
import sys

import keras
import numpy as np

from keras_gan.errors import GANConfigurationError
from keras_gan.utils.messages import (  # noqa: F401 - re-exported: `validation.describe` etc.
    check_positive_int,
    check_sample_count,
    describe,
    describe_spec,
    first_line,
    informative_line,
    leaf_text,
    sentence,
    shape_text,
    warn_user,
)
from keras_gan.utils.requirements import Requirement, declared_requirements, layers_of  # noqa: F401 - re-exported


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


#: The output ranges of Keras's bounded activations (the functions themselves, not their names).
BOUNDED_ACTIVATIONS = {keras.activations.tanh: (-1.0, 1.0), keras.activations.sigmoid: (0.0, 1.0)}


def output_range(network):
    """The output range of a network ending in tanh or sigmoid (through reshapes), else None."""
    layers = getattr(network, "layers", None)
    if not layers:
        return None
    for layer in reversed(layers):
        activation = getattr(layer, "activation", None)
        if activation is not None:
            return BOUNDED_ACTIVATIONS.get(activation)
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
        warn_user(
            f"The data ranges over [{low:g}, {high:g}], but the generator's output layer can only "
            f"produce [{bottom:g}, {top:g}]. Scale the data to that range (images: x / 127.5 - 1 "
            "for tanh, x / 255 for sigmoid), or change the generator's output activation.")


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
    return isinstance(x, _third_party_data_classes()) or hasattr(x, "__next__")


def _third_party_data_classes():
    """PyTorch's `DataLoader` and pandas' `DataFrame`/`Series`, where those libraries are already imported."""
    found = []
    for module, names in (("torch.utils.data", ("DataLoader",)), ("pandas", ("DataFrame", "Series"))):
        loaded = sys.modules.get(module)
        found += [getattr(loaded, name, None) for name in names] if loaded is not None else []
    return tuple(cls for cls in found if isinstance(cls, type))


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
        if _is_ragged_or_sparse(part):
            raise _structure_error(
                model, argument, f"data whose `{spec.rstrip('?')}` part is {leaf_text(part, True)}", expected,
                "Give dense tensors: pad ragged samples to one shape, or call tf.sparse.to_dense.")
    _check_batched(model, parts[0], argument, dataset)


def _is_ragged_or_sparse(part):
    """A TensorFlow ragged or sparse tensor (or spec); TensorFlow is only consulted when already imported."""
    tf = sys.modules.get("tensorflow")
    kinds = tuple(getattr(tf, name, None) for name in ("RaggedTensorSpec", "SparseTensorSpec", "RaggedTensor",
                                                         "SparseTensor")) if tf is not None else ()
    kinds = tuple(kind for kind in kinds if isinstance(kind, type))
    return bool(kinds) and isinstance(part, kinds)


def _check_batched(model, first, argument, dataset):
    """A dataset of single samples (no `.batch`) or one sample without a batch axis."""
    sample_shape = getattr(model, "_sample_shape", None)
    shape = getattr(first, "shape", None)
    if sample_shape is None or shape is None or getattr(shape, "rank", len(shape)) is None:
        return
    shape = shape_text(shape)
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
    known here (matched with `isinstance`).

    Args:
        callback: A Keras callback.

    Returns:
        A list of `(argument, path, kind)`, `kind` `"file"` or `"directory"`.
    """
    own = getattr(callback, "output_locations", None)
    if callable(own):
        return list(own())
    found = []
    for cls, attribute, kind in _keras_writers():
        if isinstance(callback, cls):
            path = getattr(callback, attribute, None)
            if isinstance(path, (str, bytes)) or hasattr(path, "__fspath__"):
                found.append((f"{cls.__name__}({attribute}={str(path)!r})", path, kind))
    return found


def _keras_writers():
    """`(class, attribute, kind)` for Keras's callbacks that write files (those this Keras version has)."""
    known = (
        (getattr(keras.callbacks, "ModelCheckpoint", None), "filepath", "file"),
        (getattr(keras.callbacks, "BackupAndRestore", None), "backup_dir", "directory"),
        (getattr(keras.callbacks, "TensorBoard", None), "log_dir", "directory"),
        (getattr(keras.callbacks, "CSVLogger", None), "filename", "file"),
        (getattr(keras.callbacks, "OrbaxCheckpoint", None), "directory", "directory"),
    )
    return [(cls, attribute, kind) for cls, attribute, kind in known if isinstance(cls, type)]


def check_callbacks(model, callbacks, epochs=None):
    """Runs every callback's own checks against `model` before any callback starts.

    First where each callback writes (`check_output_locations`), then, for
    callbacks that define it, `check_before_training(model)` (`SampleSaver`:
    the samples make images; `Evaluate`: the metrics take the generator's
    and the real images). Keras calls `on_train_begin` callback by callback,
    so a check there would come after an earlier callback (TensorBoard,
    BackupAndRestore) has written its folder; here nothing has run yet.
    Callbacks with `check_epochs(epochs)` (`DiscriminatorSteps`) check their
    schedule over the run's epochs here too.
    """
    check_output_locations(callbacks)
    for callback in getattr(callbacks, "callbacks", callbacks) or []:
        check = getattr(callback, "check_before_training", None)
        if callable(check):
            check(model)
        plan = getattr(callback, "check_epochs", None)  # a schedule's value at every epoch of the run
        if callable(plan) and epochs:
            plan(epochs)


def check_output_locations(callbacks):
    """Checks every location the callbacks will write, before any of them writes (see `output_locations`)."""
    from keras_gan.utils.files import check_output_location

    for callback in getattr(callbacks, "callbacks", callbacks) or []:
        for argument, path, kind in output_locations(callback):
            path = os.fspath(path)
            if kind == "file" and "{" in path:  # a formatted name (ModelCheckpoint "{epoch:02d}"): check its folder
                path, kind = os.path.dirname(path.split("{", 1)[0] + "x") or ".", "directory"
            check_output_location(path, argument, kind)


# ----------------------------------------------------------- the rules their owners declare


def _callback_list(callbacks):
    return list(getattr(callbacks, "callbacks", callbacks) or [])


def collect_requirements(model, callbacks=()):
    """Every rule that applies to `model`, as `(owner, requirement)` pairs, from the owners that declare them.

    The owners are the model (the `requirements` of each class of its
    hierarchy), its loss (`model.loss_fn`, once compiled), each of its
    tricks, every layer of its players' networks (nested layers included)
    and the given callbacks; each owner's rules are
    `keras_gan.utils.requirements.declared_requirements(owner)`. Nothing is
    looked up by name: an owner that declares no rule contributes none.

    Args:
        model: A keras-gan model.
        callbacks: The callbacks of a run (a list or a `keras.callbacks.CallbackList`).

    Returns:
        A list of `(owner, Requirement)`, in the order above.

    Example:

    >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> gan = keras_gan.models.WGANGP(G, D, latent_dim=4)
    >>> sorted({type(owner).__name__ for owner, _ in collect_requirements(gan)})
    ['GradientPenalty', 'WGANGP']
    """
    owners = [model, getattr(model, "loss_fn", None), *getattr(model, "tricks", ())]
    seen = set()
    for role in ("discriminator", "generator"):
        for network in model.player_networks(role):
            for layer in layers_of(network):
                if id(layer) not in seen:
                    seen.add(id(layer))
                    owners.append(layer)
    owners += _callback_list(callbacks)
    return [(owner, requirement) for owner in owners if owner is not None
            for requirement in declared_requirements(owner)]


def check_requirements(model, stage, **context):
    """Runs the declared rules of `stage` (`collect_requirements`): raises on the first error, then warns.

    Every error-severity rule is checked before any warning is given, so a
    refused model is refused without warnings about what a fix would change
    (WGANGP refuses batch normalization in its critic; its `GradientPenalty`
    would only warn about it).

    Args:
        model: The model.
        stage: `"compile"` or `"fit"`.
        **context: What the stage knows, handed to each check (`fit`:
            `batch_sizes`, `batch_text`, `callbacks`).

    Raises:
        GANConfigurationError: The message of the first rule that fails.
    """
    pairs = [(owner, requirement) for owner, requirement in collect_requirements(model, context.get("callbacks"))
             if requirement.stage == stage and requirement.check is not None]
    for severity in ("error", "warning"):
        for owner, requirement in pairs:
            if requirement.severity != severity:
                continue
            message = requirement.check(owner, model, context)
            if not message:
                continue
            if severity == "error":
                raise GANConfigurationError(sentence(message))
            warn_user(sentence(message))


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


def check_run(model, method, x, y=None, kwargs=None, seen=None):
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
        seen: The `keras_gan.utils.sources.Checkable` `x` and `y` come from
            (a stream's first batch as a dataset), or None.
    """
    kwargs = dict(kwargs or {})
    if kwargs or method == "fit":
        check_run_arguments(model, method, x if seen is None or not seen.stream else seen.fit_x, kwargs)
    check_structure(model, x, y)
    check_callbacks(model, kwargs.get("callbacks"), kwargs.get("epochs", 1) if method == "fit" else None)
    validation = kwargs.get("validation_data")
    if validation is not None:  # its values too: a bad validation set would fail after the first epoch
        parts = tuple(validation) if isinstance(validation, (tuple, list)) else (validation,)
        model.check_data(parts[0], parts[1] if len(parts) > 1 else None)
    sizes, text = batch_sizes(x, kwargs) if getattr(model, "batch_structure", None) else (set(), "")
    if seen is not None and seen.stream:  # a stream cuts its own batches
        sizes = seen.batch_sizes or sizes
        text = f"{seen.source} ({'its batch sizes' if seen.batch_sizes else 'its first batch'})"
    check_requirements(model, "fit", batch_sizes=sizes, batch_text=text,
                       callbacks=_callback_list(kwargs.get("callbacks")))
