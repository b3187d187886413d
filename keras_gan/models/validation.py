"""Checks that a model, its networks and its data fit together, with messages that say the fix.

Shared by every adversarial model (`keras_gan.models.base`); each check raises
`GANConfigurationError` (a `ValueError`) or `TypeError` naming what the user passed.
"""

import numbers
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

    tricks = list(tricks or [])
    for trick in tricks:
        if not isinstance(trick, Trick):
            raise TypeError(
                "Each of `tricks` must be a `keras_gan.tricks.Trick` instance, e.g. "
                f"keras_gan.tricks.GradientPenalty(10.0). Received: {trick!r}."
            )
    return tricks


def first_line(error):
    text = str(error)
    return text.splitlines()[0] if text else repr(error)


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
        return
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
