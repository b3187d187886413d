"""CycleGAN's networks, scaled down: a ResNet generator and a PatchGAN discriminator.

As in Zhu et al. (2017), Appendix 7.2, with zero "same" padding instead of
reflection padding and instance normalization as
`keras.layers.GroupNormalization(groups=-1)`. `width` is the first layer's
filters (64 in the paper); for 28x28 digits 16-32 is plenty.
"""

import keras
from keras import layers


def _instance_norm():
    return layers.GroupNormalization(groups=-1, epsilon=1e-5)


def cyclegan_generator(image_shape=(28, 28, 1), width=32, residual_blocks=3, downsamplings=2,
                       name="cyclegan_generator"):
    """The ResNet generator: c7s1-w, `downsamplings` stride-2 convs, residual blocks, back up, c7s1 tanh.

    Args:
        image_shape: `(height, width, channels)`; height and width divisible by
            `2 ** downsamplings`.
        width: Filters of the first layer (doubled at each downsampling).
        residual_blocks: Residual blocks at the bottleneck (6 or 9 in the paper).
        downsamplings: Stride-2 convolutions (2 in the paper).
        name: Model name.

    Returns:
        A functional `keras.Model`, images -> images of the same shape in [-1, 1].

    Example:

    >>> cyclegan_generator((28, 28, 1), width=8).output_shape
    (None, 28, 28, 1)

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial
        Networks", ICCV 2017.
    """
    height, wide, channels = image_shape
    if height % 2**downsamplings or wide % 2**downsamplings:
        raise ValueError(
            f"Image sides {height}x{wide} must be divisible by 2**downsamplings={2**downsamplings}."
        )
    x = keras.Input(tuple(image_shape))
    h = layers.Conv2D(width, 7, padding="same")(x)
    h = layers.ReLU()(_instance_norm()(h))
    filters = width
    for _ in range(downsamplings):
        filters *= 2
        h = layers.Conv2D(filters, 3, strides=2, padding="same")(h)
        h = layers.ReLU()(_instance_norm()(h))
    for _ in range(residual_blocks):
        r = layers.Conv2D(filters, 3, padding="same")(h)
        r = layers.ReLU()(_instance_norm()(r))
        r = layers.Conv2D(filters, 3, padding="same")(r)
        h = layers.Add()([h, _instance_norm()(r)])
    for _ in range(downsamplings):
        filters //= 2
        h = layers.Conv2DTranspose(filters, 3, strides=2, padding="same")(h)
        h = layers.ReLU()(_instance_norm()(h))
    out = layers.Conv2D(channels, 7, padding="same", activation="tanh")(h)
    return keras.Model(x, out, name=name)


def patchgan_discriminator(image_shape=(28, 28, 1), width=32, name="patchgan_discriminator"):
    """The PatchGAN discriminator: C-w (no norm), C-2w, C-4w (stride 1), then one score per patch.

    Args:
        image_shape: `(height, width, channels)`.
        width: Filters of the first layer.
        name: Model name.

    Returns:
        A `keras.Sequential`, images -> a map of patch scores `(batch, h, w, 1)`.

    Example:

    >>> patchgan_discriminator((28, 28, 1), width=8).output_shape
    (None, 7, 7, 1)

    Reference:
        Isola et al., "Image-to-Image Translation with Conditional Adversarial Networks", CVPR 2017.
        Zhu et al., "Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial
        Networks", ICCV 2017.
    """
    return keras.Sequential(
        [
            keras.Input(tuple(image_shape)),
            layers.Conv2D(width, 4, strides=2, padding="same"),
            layers.LeakyReLU(0.2),
            layers.Conv2D(2 * width, 4, strides=2, padding="same"),
            _instance_norm(),
            layers.LeakyReLU(0.2),
            layers.Conv2D(4 * width, 4, strides=1, padding="same"),
            _instance_norm(),
            layers.LeakyReLU(0.2),
            layers.Conv2D(1, 4, strides=1, padding="same"),
        ],
        name=name,
    )
