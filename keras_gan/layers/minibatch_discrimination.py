"""`MinibatchDiscrimination`: lets the discriminator compare a sample with the rest of its batch."""

import keras
from keras import ops

from keras_gan.utils.arguments import check_choice, check_int, received
from keras_gan.utils.messages import shape_text


@keras.saving.register_keras_serializable(package="keras_gan")
class MinibatchDiscrimination(keras.layers.Layer):
    """Minibatch discrimination (Salimans et al., 2016, Section 3.2).

    For features `f(x_i)` in R^A (the input, flattened), a learned tensor `T`
    in R^{A x B x C} gives `M_i = f(x_i) T` in R^{B x C}. For each of the B
    kernels, `c_b(x_i, x_j) = exp(-||M_{i,b} - M_{j,b}||_1)` and
    `o(x_i)_b = sum_{j != i} c_b(x_i, x_j)`. The output is
    `[f(x_i), o(x_i)]` in R^{A + B}: a discriminator can see that a batch of
    generated samples is too alike (mode collapse). A sample's distance to
    itself is excluded, as in the reference implementation (which adds 1e6
    to the diagonal before the exponential).

    The paper's sum grows with the batch: a batch of `n` copies gives
    `o = n - 1`, and an untrained layer on a batch of 64 similar samples
    gives features near 60, so the next layer starts with large inputs.
    `reduction="mean"` divides the sum by `n - 1`: `o` is then the mean
    closeness to the other samples, in [0, 1] at every batch size (a
    discriminator trained at one batch size sees the same scale at
    another). On the embedded digits the paper's sum trained better
    (`digit_fd` 23.3 against 35.5 after 10 epochs, two seeds; the mean led
    after 5 epochs, 77.9 against 101.2), so it is the default;
    `benchmarks/minibatch_discrimination.py` reproduces the comparison.

    Args:
        num_kernels: B, the number of kernels (output features added).
        kernel_dim: C, the dimension of each kernel's projection.
        kernel_initializer: Initializer of `T` (normal, stddev 0.05, as the
            reference implementation).
        reduction: `"sum"` (the paper's `o(x_i)_b`) or `"mean"` (the sum
            divided by `n - 1`, the batch size less one).

    Input shape:
        `(batch, ...)`; flattened to `(batch, A)`.

    Output shape:
        `(batch, A + num_kernels)`.

    Example:

    >>> layer = MinibatchDiscrimination(num_kernels=5, kernel_dim=3)
    >>> tuple(layer(np.zeros((4, 8), "float32")).shape)
    (4, 13)

    A batch of copies: each feature is n - 1 (sum) or 1 (mean):

    >>> copies = np.ones((4, 8), "float32")
    >>> float(MinibatchDiscrimination(5, 3)(copies)[0, -1])
    3.0
    >>> float(MinibatchDiscrimination(5, 3, reduction="mean")(copies)[0, -1])
    1.0

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016.
    """

    def __init__(self, num_kernels=100, kernel_dim=5, kernel_initializer=None, reduction="sum", **kwargs):
        super().__init__(**kwargs)
        self.num_kernels = check_int(num_kernels, "num_kernels", what="B, the kernels added as features")
        self.kernel_dim = check_int(kernel_dim, "kernel_dim", what="C, the dimension of each kernel's projection")
        self.reduction = check_choice(reduction, "reduction", ("sum", "mean"))
        try:
            self.kernel_initializer = keras.initializers.get(
                kernel_initializer or keras.initializers.RandomNormal(stddev=0.05)
            )
        except (ValueError, TypeError):
            raise ValueError(
                "`kernel_initializer` must be a Keras initializer, its name (e.g. 'glorot_uniform') or None. "
                + received("kernel_initializer", kernel_initializer)
            ) from None

    def build(self, input_shape):
        shape = shape_text(input_shape)
        if shape == "unknown" or len(shape) < 2 or any(d is None for d in shape[1:]):
            raise ValueError(
                f"MinibatchDiscrimination layer '{self.name}' expects inputs of shape (batch, features) or "
                f"(batch, ...) with every axis but the batch known (they are flattened to (batch, A)); received "
                f"an input of shape {shape}. Give it features of a fixed size (e.g. after keras.layers.Flatten())."
            )
        features = 1
        for d in shape[1:]:
            features *= int(d)
        self.features = features
        self.kernel = self.add_weight(
            shape=(features, self.num_kernels * self.kernel_dim),
            initializer=self.kernel_initializer,
            name="kernel",
        )

    def call(self, inputs):
        x = ops.reshape(inputs, (-1, self.features))
        m = ops.reshape(ops.matmul(x, self.kernel), (-1, self.num_kernels, self.kernel_dim))
        # Pairwise L1 distances per kernel: (N, N, B).
        distances = ops.sum(ops.abs(ops.expand_dims(m, 1) - ops.expand_dims(m, 0)), axis=-1)
        n = ops.shape(x)[0]
        others = 1.0 - ops.expand_dims(ops.eye(n, dtype=distances.dtype), -1)
        o = ops.sum(ops.exp(-distances) * others, axis=1)
        if self.reduction == "mean":
            # A batch of one sample has no other samples: its closeness is 0.
            o = o / ops.cast(ops.maximum(n - 1, 1), o.dtype)
        return ops.concatenate([x, o], axis=-1)

    @classmethod
    def from_config(cls, config):
        # Layers saved before `reduction` existed computed the paper's sum.
        return super().from_config({"reduction": "sum", **config})

    def compute_output_shape(self, input_shape):
        features = 1
        for d in input_shape[1:]:
            features *= int(d)
        return (input_shape[0], features + self.num_kernels)

    def get_config(self):
        config = super().get_config()
        config.update({
            "num_kernels": self.num_kernels,
            "kernel_dim": self.kernel_dim,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "reduction": self.reduction,
        })
        return config
