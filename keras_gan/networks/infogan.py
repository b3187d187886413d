"""The InfoGAN networks of the article seed (MNIST), at any width.

Generator: `[z, c]` -> Dense 1024, ReLU, BN -> Dense 7x7x128, ReLU, BN ->
4x4 stride-2 transposed conv to 14x14x64, ReLU -> to 28x28x1 (tanh here; the
seed's sigmoid is for [0, 1] pixels). Discriminator and Q
(`build_discriminator_and_Q`): 4x4 stride-2 conv 64, LeakyReLU -> conv 128,
BN, LeakyReLU -> Dense 1024, BN, LeakyReLU, shared by the discriminator's
one-logit head and Q's head (Dense 128, BN, LeakyReLU -> Dense q_units).
`width` scales every layer (1024, 128 and 64 at `width=64`).

One deliberate change from the seed: batch norm comes before the LeakyReLU
(the InfoGAN paper's order), not after it. The training step runs the
discriminator on an all-real and an all-generated batch separately; with
batch norm (in training mode) as the last operation before the linear logit
head, every batch's mean logit equals the same constant, so the
discriminator could not tell the two batches apart on average (p_real and
p_fake were both stuck at 0.500 when we tried the seed's order).
"""

import keras
from keras import layers


def infogan_mnist_generator(latent_dim=74, width=64, name="infogan_generator"):
    """The seed's InfoGAN generator, for 28x28x1 images.

    Args:
        latent_dim: Length of `[noise, codes]` (62 + 10 + 2 = 74 in the paper).
        width: Scale: hidden sizes are `16 * width`, `7 * 7 * 2 * width`, `width`.
        name: Model name.

    Returns:
        A `keras.Sequential`.

    Example:

    >>> infogan_mnist_generator(74).output_shape
    (None, 28, 28, 1)

    Reference:
        Chen et al., "InfoGAN: Interpretable Representation Learning by Information Maximizing
        Generative Adversarial Nets", NeurIPS 2016.
    """
    return keras.Sequential(
        [
            keras.Input((latent_dim,)),
            layers.Dense(16 * width, activation="relu"),
            layers.BatchNormalization(),
            layers.Dense(7 * 7 * 2 * width, activation="relu"),
            layers.BatchNormalization(),
            layers.Reshape((7, 7, 2 * width)),
            layers.Conv2DTranspose(width, 4, strides=2, padding="same", activation="relu"),
            layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh"),
        ],
        name=name,
    )


def infogan_mnist_discriminator(q_units=12, width=64, input_shape=(28, 28, 1), name="infogan_discriminator"):
    """The seed's discriminator with its Q head: `x -> [logit, q]`.

    Args:
        q_units: Width of Q's output (`InfoGAN(...).info_loss.q_width`: 12 for
            one 10-way code and two continuous codes with fixed std).
        width: Scale (filters `width`, `2 * width`; dense `16 * width`).
        input_shape: Shape of one image.
        name: Model name.

    Returns:
        A functional `keras.Model` with outputs `[logit (batch, 1), q (batch, q_units)]`.

    Example:

    >>> [tuple(o.shape) for o in infogan_mnist_discriminator(12).outputs]
    [(None, 1), (None, 12)]

    Reference:
        Chen et al., "InfoGAN: Interpretable Representation Learning by Information Maximizing
        Generative Adversarial Nets", NeurIPS 2016.
    """
    x = keras.Input(tuple(input_shape))
    h = layers.Conv2D(width, 4, strides=2, padding="same")(x)
    h = layers.LeakyReLU(0.2)(h)
    h = layers.Conv2D(2 * width, 4, strides=2, padding="same")(h)
    h = layers.BatchNormalization()(h)
    h = layers.LeakyReLU(0.2)(h)
    h = layers.Flatten()(h)
    h = layers.Dense(16 * width)(h)
    h = layers.BatchNormalization()(h)
    body = layers.LeakyReLU(0.2)(h)
    logit = layers.Dense(1, name="logit")(body)
    q = layers.Dense(2 * width)(body)
    q = layers.BatchNormalization()(q)
    q = layers.LeakyReLU(0.2)(q)
    q = layers.Dense(q_units, name="q")(q)
    return keras.Model(x, [logit, q], name=name)
