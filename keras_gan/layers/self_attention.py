"""`SelfAttention` (SAGAN): every position of a feature map attends to every other."""

import keras
from keras import ops

from keras_gan.utils.arguments import check_int
from keras_gan.utils.messages import shape_text


@keras.saving.register_keras_serializable(package="keras_gan")
class SelfAttention(keras.layers.Layer):
    """The self-attention block of SAGAN (Zhang et al., 2019), as chapter 13 describes it.

    With 1x1 projections `f(x) = W_f x`, `g(x) = W_g x` (C / `reduction`
    channels) and `h(x) = W_h x` (C channels), the attention of position j
    to position i is `beta_{j,i} = softmax_i(f(x_i)^T g(x_j))`, the attended
    features are `o_j = sum_i beta_{j,i} h(x_i)`, and the output is
    `gamma * o + x` with `gamma` a learned scalar starting at 0 (the block
    starts as the identity and learns how much non-local evidence to use).

    Args:
        reduction: Channel reduction of the query and key projections (8),
            an int >= 1.

    Input shape:
        `(batch, height, width, channels)`, with known height, width and
        channels; any other input is refused when the layer is built, with
        a message naming the layer and the shape received.

    Output shape:
        Same as the input.

    Example:

    >>> tuple(SelfAttention()(np.ones((2, 4, 4, 16), "float32")).shape)
    (2, 4, 4, 16)

    Reference:
        Zhang et al., "Self-Attention Generative Adversarial Networks", ICML 2019.
    """

    def __init__(self, reduction=8, **kwargs):
        super().__init__(**kwargs)
        self.reduction = check_int(reduction, "reduction", what="channel reduction of the query and key")

    def build(self, input_shape):
        shape = shape_text(input_shape)
        if shape == "unknown" or len(shape) != 4 or any(d is None for d in shape[1:]):
            raise ValueError(
                f"SelfAttention layer '{self.name}' expects feature maps of shape (batch, height, width, "
                f"channels) with known height, width and channels; received an input of shape {shape}. "
                "Put it after a convolution (on a 4-D feature map), or reshape flat features into one first "
                "(keras.layers.Reshape((height, width, channels)))."
            )
        channels = int(shape[-1])
        inner = max(1, channels // self.reduction)
        # The projections compute in this layer's dtype policy (a layer given dtype="mixed_float16" has float16
        # inputs, not only under a global mixed policy).
        self.query = keras.layers.Dense(inner, use_bias=False, name="query", dtype=self.dtype_policy)
        self.key = keras.layers.Dense(inner, use_bias=False, name="key", dtype=self.dtype_policy)
        self.value = keras.layers.Dense(channels, use_bias=False, name="value", dtype=self.dtype_policy)
        for layer in (self.query, self.key, self.value):
            layer.build((None, channels))
        self.gamma = self.add_weight(shape=(), initializer="zeros", name="gamma")

    def call(self, inputs):
        height, width, channels = inputs.shape[1], inputs.shape[2], inputs.shape[3]
        x = ops.reshape(inputs, (-1, height * width, channels))
        f, g, h = self.query(x), self.key(x), self.value(x)
        # scores[j, i] = g(x_j) . f(x_i); softmax over the attended positions i.
        attention = ops.softmax(ops.matmul(g, ops.transpose(f, (0, 2, 1))), axis=-1)
        attended = ops.matmul(attention, h)
        out = ops.cast(self.gamma, inputs.dtype) * attended + x
        return ops.reshape(out, (-1, height, width, channels))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["reduction"] = self.reduction
        return config
