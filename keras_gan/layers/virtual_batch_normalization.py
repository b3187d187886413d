"""Virtual batch normalization: a sample's normalization independent of the rest of its batch."""

import keras
import numpy as np
from keras import ops

from keras_gan.utils.arguments import check_bool, check_int, check_number, received
from keras_gan.utils.messages import describe, shape_text


@keras.saving.register_keras_serializable(package="keras_gan")
class VirtualBatchNormalization(keras.layers.Layer):
    """Virtual batch normalization (Salimans et al., 2016, Section 3.5).

    Each sample is normalized with statistics of a *reference batch*, fixed
    at the start of training, mixed with its own, so a sample's output no
    longer depends on which other samples share its batch. The layer reads
    the reference batch from the first `reference_size` rows of its input:
    the network runs on `concat([reference, batch])` (wrap it in
    `WithReferenceBatch`, which does that and drops the reference rows from
    the output), so the reference statistics are recomputed by the current
    network at every step and gradients flow through them.

    As in the reference implementation: the reference rows are normalized
    with the reference batch's own mean `mu_ref` and second moment `s_ref`
    (over the batch and spatial axes, per channel); every other sample `i`,
    with its own mean `mu_i` and second moment `s_i` over its spatial axes,
    is normalized with `mu = mu_i / (N + 1) + N mu_ref / (N + 1)` and
    `s = s_i / (N + 1) + N s_ref / (N + 1)`, `var = s - mu^2`, where N is
    `reference_size`. Then `gamma * (x - mu) / sqrt(var + epsilon) + beta`.
    Statistics are computed in float32 (also under mixed precision).

    Args:
        reference_size: N, the number of leading rows that are the reference batch.
        epsilon: Added to the variance.
        center: Learn a shift `beta`.
        scale: Learn a scale `gamma`.

    Example:

    >>> vbn = VirtualBatchNormalization(reference_size=4)
    >>> tuple(vbn(np.random.normal(size=(6, 3)).astype("float32")).shape)
    (6, 3)

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016.
    """

    def __init__(self, reference_size, epsilon=1e-5, center=True, scale=True, **kwargs):
        super().__init__(**kwargs)
        self.reference_size = check_int(reference_size, "reference_size",
                                        what="N, the leading rows that are the reference batch")
        self.epsilon = check_number(epsilon, "epsilon", low=0, what="added to the variance")
        self.center = check_bool(center, "center")
        self.scale = check_bool(scale, "scale")

    def _check_batch(self, rows):
        if rows is not None and rows < self.reference_size:
            raise ValueError(
                f"VirtualBatchNormalization layer '{self.name}' reads its first reference_size="
                f"{self.reference_size} rows as the reference batch, but received a batch of {rows} rows. Call "
                f"it on concat([reference, batch]): wrap the network in WithReferenceBatch(network, reference) "
                f"with a reference of {self.reference_size} rows."
            )

    def build(self, input_shape):
        shape = shape_text(input_shape)
        if shape == "unknown" or len(shape) < 2 or shape[-1] is None:
            raise ValueError(
                f"VirtualBatchNormalization layer '{self.name}' expects inputs of shape (batch, ..., channels) "
                f"with a known number of channels, the reference batch in its first reference_size="
                f"{self.reference_size} rows; received an input of shape {shape}."
            )
        self._check_batch(shape[0])
        channels = shape[-1]
        self.gamma = self.add_weight(shape=(channels,), initializer="ones", name="gamma") if self.scale else None
        self.beta = self.add_weight(shape=(channels,), initializer="zeros", name="beta") if self.center else None

    def call(self, inputs):
        self._check_batch(inputs.shape[0])
        dtype = inputs.dtype
        x = ops.cast(inputs, "float32")
        n = self.reference_size
        rank = len(x.shape)
        spatial = tuple(range(1, rank - 1))
        reference = x[:n]
        ref_mean = ops.mean(reference, axis=(0,) + spatial, keepdims=True)
        ref_sq = ops.mean(ops.square(reference), axis=(0,) + spatial, keepdims=True)
        others = x[n:]
        if spatial:
            own_mean = ops.mean(others, axis=spatial, keepdims=True)
            own_sq = ops.mean(ops.square(others), axis=spatial, keepdims=True)
        else:
            own_mean, own_sq = others, ops.square(others)
        new = 1.0 / (n + 1.0)
        mean = new * own_mean + (1.0 - new) * ref_mean
        sq = new * own_sq + (1.0 - new) * ref_sq
        out = ops.concatenate(
            [self._normalize(reference, ref_mean, ref_sq), self._normalize(others, mean, sq)], axis=0
        )
        return ops.cast(out, dtype)

    def _normalize(self, x, mean, mean_sq):
        variance = ops.maximum(mean_sq - ops.square(mean), 0.0)
        out = (x - mean) * ops.rsqrt(variance + self.epsilon)
        if self.gamma is not None:
            out = out * ops.cast(self.gamma, "float32")
        if self.beta is not None:
            out = out + ops.cast(self.beta, "float32")
        return out

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"reference_size": self.reference_size, "epsilon": self.epsilon,
                       "center": self.center, "scale": self.scale})
        return config


@keras.saving.register_keras_serializable(package="keras_gan")
class WithReferenceBatch(keras.layers.Layer):
    """Runs `network` on `concat([reference, inputs])` and returns the rows of `inputs`.

    The companion of `VirtualBatchNormalization`: the reference batch (for a
    generator, a fixed batch of latent vectors drawn once) is stored in a
    non-trainable variable, saved with the model, and prepended to every
    call, so each VBN layer inside `network` sees it as its first
    `reference_size` rows.

    Args:
        network: A Keras model or layer whose VBN layers have
            `reference_size == len(reference)`.
        reference: The reference inputs, an array `(N, ...)`.

    Example:

    >>> inner = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8),
    ...                           VirtualBatchNormalization(16), keras.layers.Dense(2)])
    >>> generator = WithReferenceBatch(inner, np.random.normal(size=(16, 4)))
    >>> tuple(generator(np.zeros((3, 4), "float32")).shape)
    (3, 2)
    """

    def __init__(self, network, reference, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(network, keras.layers.Layer):  # it is built, flattened and serialized as one
            raise TypeError("`network` must be a Keras model or layer (Sequential, functional or subclassed) "
                            f"holding the VirtualBatchNormalization layers. {received('network', network)}")
        self.network = network
        reference = _reference_array(reference)
        _check_reference_sizes(network, len(reference))
        self.reference = self.add_weight(
            shape=reference.shape,
            initializer=keras.initializers.Constant(reference),
            trainable=False,
            name="reference",
        )
        self._reference_shape = tuple(reference.shape)

    def build(self, input_shape):
        shape = shape_text(input_shape)
        rows = self._reference_shape[1:]
        if shape == "unknown" or len(shape) != len(rows) + 1 or any(
                d is not None and d != r for d, r in zip(shape[1:], rows)):
            raise ValueError(
                f"WithReferenceBatch layer '{self.name}' prepends its reference batch, rows of shape {rows}, to "
                f"its input, so the input must be (batch,) + {rows}; received an input of shape {shape}. Pass a "
                "reference drawn like the inputs (e.g. latent vectors of the generator's latent_dim)."
            )
        self.network.build((None,) + tuple(input_shape[1:]))

    def call(self, inputs, training=None):
        n = self._reference_shape[0]
        x = ops.concatenate([ops.cast(self.reference, inputs.dtype), inputs], axis=0)
        return self.network(x, training=training)[n:]

    def compute_output_shape(self, input_shape):
        return self.network.compute_output_shape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({
            "network": keras.saving.serialize_keras_object(self.network),
            "reference": ops.convert_to_numpy(self.reference).tolist(),
        })
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["network"] = keras.saving.deserialize_keras_object(config["network"])
        return cls(**config)


def _reference_array(reference):
    """`reference` as a float32 array `(N, ...)`, N >= 1, of finite values; else a message naming it."""
    message = "`reference` must be an array (N, ...) of N >= 1 reference inputs with finite values"
    try:
        array = np.asarray(ops.convert_to_numpy(reference))
    except Exception:  # noqa: BLE001 - anything that is not array-like
        raise TypeError(f"{message}. {received('reference', reference)}") from None
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise TypeError(f"{message}. {received('reference', reference)}")
    if array.ndim < 2 or len(array) < 1:
        raise ValueError(f"{message}; received {describe(array)}. E.g. np.random.normal(size=(N, latent_dim)).")
    array = array.astype("float32")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{message}; received an array with NaN or Inf values.")
    return array


def _check_reference_sizes(network, rows):
    """Every `VirtualBatchNormalization` inside `network` must read `rows` reference rows."""
    wrong = [layer for layer in network._flatten_layers(include_self=True, recursive=True)
             if isinstance(layer, VirtualBatchNormalization) and layer.reference_size != rows]
    if wrong:
        found = ", ".join(f"'{layer.name}' (reference_size={layer.reference_size})" for layer in wrong)
        raise ValueError(
            f"WithReferenceBatch: the reference batch has {rows} rows, but the VirtualBatchNormalization "
            f"layer(s) {found} inside `network` read a different number of leading rows as their reference. "
            f"Build them with reference_size={rows} (len(reference)), or pass a reference of that many rows."
        )
