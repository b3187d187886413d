"""`MinibatchStandardDeviation` (ProGAN): the batch's variety as an extra feature map."""

import numbers

import keras
from keras import ops

from keras_gan.utils.arguments import check_int, check_number
from keras_gan.utils.messages import shape_text


@keras.saving.register_keras_serializable(package="keras_gan")
class MinibatchStandardDeviation(keras.layers.Layer):
    """Appends the minibatch standard deviation as one more channel (Karras et al., 2018).

    The batch is split into groups of `group_size` samples; within each
    group, the standard deviation of every feature over the group's samples
    is averaged over all features and positions into one number, which is
    appended as a constant channel to every sample of the group. Generated
    batches with too little variety then stand out to the discriminator.

    Args:
        group_size: Largest number of samples per group (4 in ProGAN). A
            batch whose size it does not divide uses the largest group size
            below it that does (a batch of 30 with `group_size=4`: groups of
            3; a batch of 7: groups of 1, whose standard deviation is 0); a
            batch smaller than the group forms one group. Keep the batch
            size a multiple of `group_size` to get the groups you asked for.
        epsilon: Added to the variance before the square root.

    Input shape:
        `(batch, height, width, channels)` or `(batch, features)`.

    Output shape:
        One more channel (or feature).

    Example:

    >>> tuple(MinibatchStandardDeviation(2)(np.zeros((4, 3, 3, 2), "float32")).shape)
    (4, 3, 3, 3)
    >>> MinibatchStandardDeviation(4).group_size_for(30)  # the largest divisor of 30 up to 4
    3

    Reference:
        Karras et al., "Progressive Growing of GANs for Improved Quality,
        Stability, and Variation", ICLR 2018.
    """

    def __init__(self, group_size=4, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.group_size = check_int(group_size, "group_size", what="the largest number of samples per group")
        self.epsilon = check_number(epsilon, "epsilon", low=0, what="added to the variance")

    def build(self, input_shape):
        shape = shape_text(input_shape)
        if shape == "unknown" or len(shape) < 2 or any(d is None for d in shape[1:]):
            raise ValueError(
                f"MinibatchStandardDeviation layer '{self.name}' expects inputs of shape (batch, height, width, "
                f"channels) or (batch, features), every axis but the batch known; received an input of shape "
                f"{shape}. Put it where the feature map's size is fixed (after a convolution or a Dense layer)."
            )

    def group_size_for(self, batch_size):
        """The group size used for a batch of `batch_size` samples.

        Args:
            batch_size: The batch size, an int or a scalar tensor.

        Returns:
            The largest divisor of `batch_size` not above `group_size` (an
            int for an int, a tensor for a tensor).
        """
        if isinstance(batch_size, numbers.Integral):
            batch_size = int(batch_size)
            return max(g for g in range(1, min(self.group_size, batch_size) + 1) if batch_size % g == 0)
        sizes = ops.arange(1, self.group_size + 1, dtype="int32")
        batch = ops.cast(batch_size, "int32")
        return ops.max(ops.where(ops.equal(ops.mod(batch, sizes), 0), sizes, ops.ones_like(sizes)))

    def call(self, inputs):
        x = ops.cast(inputs, "float32")
        batch = ops.shape(x)[0]
        group = self.group_size_for(batch)
        feature_shape = tuple(x.shape[1:])
        grouped = ops.reshape(x, (group, -1) + feature_shape)  # sample j of group g at [j, g]
        variance = ops.mean(ops.square(grouped - ops.mean(grouped, axis=0, keepdims=True)), axis=0)
        std = ops.sqrt(variance + self.epsilon)
        per_group = ops.mean(ops.reshape(std, (ops.shape(std)[0], -1)), axis=1)  # (groups,)
        per_sample = ops.tile(per_group, (group,))  # row r belongs to group r % groups
        shape = (-1,) + (1,) * (len(feature_shape) - 1) + (1,)
        extra = ops.ones_like(x[..., :1]) * ops.reshape(per_sample, shape)
        return ops.cast(ops.concatenate([x, extra], axis=-1), inputs.dtype)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (input_shape[-1] + 1,)

    def get_config(self):
        config = super().get_config()
        config.update({"group_size": self.group_size, "epsilon": self.epsilon})
        return config
