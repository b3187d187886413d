"""The 64x64 DCGAN generator and discriminator of the chapter-13 seed.

The generator reshapes z to 1x1, then five transposed convolutions (no bias,
batch norm and ReLU between) grow it 1 -> 4 -> 8 -> 16 -> 32 -> 64; the
discriminator's five convolutions (no bias, batch norm, LeakyReLU 0.2) shrink
64 -> 31 -> 14 -> 6 -> 4 -> 2, then global average pooling and one logit.
"""

import keras
from keras import layers


def dcgan64_generator(latent_dim=100, channels=3, filters=64, name="dcgan64_generator"):
    """The chapter-13 DCGAN generator, latent vector -> 64x64 image in [-1, 1].

    Args:
        latent_dim: Length of z (100 in the seed).
        channels: Output channels (3 in the seed).
        filters: Base width; layers have 8, 4, 2, 1 times this many filters.
        name: Model name.

    Returns:
        A `keras.Sequential`.

    Example:

    >>> dcgan64_generator().output_shape
    (None, 64, 64, 3)

    Reference:
        The source material's chapter 13 ("Generative Adversarial Networks"), after Radford et al.,
        ICLR 2016.
    """
    model = [keras.Input((latent_dim,)), layers.Reshape((1, 1, latent_dim)), layers.ReLU()]
    model += [
        layers.Conv2DTranspose(filters * 8, 4, strides=1, padding="valid", use_bias=False),
        layers.BatchNormalization(),
        layers.ReLU(),
    ]
    for multiple in (4, 2, 1):
        model += [
            layers.Conv2DTranspose(filters * multiple, 4, strides=2, padding="same", use_bias=False),
            layers.BatchNormalization(),
            layers.ReLU(),
        ]
    model += [
        layers.Conv2DTranspose(channels, 4, strides=2, padding="same", use_bias=False),
        layers.Activation("tanh"),
    ]
    return keras.Sequential(model, name=name)


def dcgan64_discriminator(input_shape=(64, 64, 3), filters=64, name="dcgan64_discriminator"):
    """The chapter-13 DCGAN discriminator, 64x64 image -> one logit.

    Args:
        input_shape: Shape of one image.
        filters: Base width; layers have 1, 2, 4, 8, 16 times this many filters.
        name: Model name.

    Returns:
        A `keras.Sequential`.

    Example:

    >>> dcgan64_discriminator().output_shape
    (None, 1)

    Reference:
        The source material's chapter 13 ("Generative Adversarial Networks"), after Radford et al.,
        ICLR 2016.
    """
    model = [keras.Input(input_shape)]
    for multiple, kernel, stride in ((1, 4, 2), (2, 4, 2), (4, 4, 2), (8, 3, 1), (16, 3, 1)):
        model += [
            layers.Conv2D(filters * multiple, kernel, strides=stride, padding="valid", use_bias=False),
            layers.BatchNormalization(),
            layers.LeakyReLU(negative_slope=0.2),
        ]
    model += [layers.GlobalAveragePooling2D(), layers.Flatten(), layers.Dense(1)]
    return keras.Sequential(model, name=name)
