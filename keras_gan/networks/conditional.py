"""Conditional generators and discriminators: the label joins the input.

The article seed's CGAN concatenates the one-hot label to z (generator) and
to the flattened image (discriminator), with one hidden layer of 128 units.
The convolutional builders tile the one-hot label over the image as extra
channels (the same concatenation, in image form) and reuse the DCGAN
networks, so the label reaches every filter of the first layer.
"""

import math

import keras
from keras import layers

from keras_gan.networks.dcgan import dcgan_discriminator, dcgan_generator


def conditional_mlp_generator(latent_dim=100, num_classes=10, output_shape=(28, 28, 1), hidden=128,
                              name="conditional_mlp_generator"):
    """The seed's CGAN generator: `[z, y]` -> Dense(hidden, ReLU) -> Dense(tanh).

    The seed ends with a sigmoid for pixels in [0, 1]; this one ends with tanh,
    for data scaled to [-1, 1] like the rest of the package.

    Args:
        latent_dim: Length of z (100 in the seed).
        num_classes: Width of the one-hot label (10).
        output_shape: Shape of one sample.
        hidden: Hidden units (128 in the seed).
        name: Model name.

    Returns:
        A two-input functional `keras.Model`.

    Example:

    >>> conditional_mlp_generator().count_params()  # (100 + 10) * 128 + 128 + 128 * 784 + 784
    115344

    Reference:
        Mirza and Osindero, "Conditional Generative Adversarial Nets", arXiv:1411.1784, 2014.
    """
    z = keras.Input((latent_dim,), name="z")
    y = keras.Input((num_classes,), name="label")
    h = layers.Concatenate()([z, y])
    h = layers.Dense(hidden, activation="relu", kernel_initializer="he_normal")(h)
    h = layers.Dense(math.prod(output_shape), activation="tanh")(h)
    out = layers.Reshape(tuple(output_shape))(h)
    return keras.Model([z, y], out, name=name)


def conditional_mlp_discriminator(input_shape=(28, 28, 1), num_classes=10, hidden=128,
                                  name="conditional_mlp_discriminator"):
    """The seed's CGAN discriminator: `[flatten(x), y]` -> Dense(hidden, ReLU) -> logit.

    Args:
        input_shape: Shape of one sample.
        num_classes: Width of the one-hot label.
        hidden: Hidden units (128 in the seed).
        name: Model name.

    Returns:
        A two-input functional `keras.Model` returning one logit per sample.

    Example:

    >>> conditional_mlp_discriminator().count_params()  # (784 + 10) * 128 + 128 + 129
    101889

    Reference:
        Mirza and Osindero, "Conditional Generative Adversarial Nets", arXiv:1411.1784, 2014.
    """
    x = keras.Input(tuple(input_shape), name="x")
    y = keras.Input((num_classes,), name="label")
    h = layers.Concatenate()([layers.Flatten()(x), y])
    h = layers.Dense(hidden, activation="relu", kernel_initializer="he_normal")(h)
    out = layers.Dense(1)(h)
    return keras.Model([x, y], out, name=name)


def conditional_dcgan_generator(image_shape=(28, 28, 1), latent_dim=100, num_classes=10, width=64,
                                name="conditional_dcgan_generator"):
    """A DCGAN generator on `[z, y]` concatenated.

    Args:
        image_shape: `(height, width, channels)`.
        latent_dim: Length of z.
        num_classes: Width of the one-hot label.
        width: Base filters (see `dcgan_generator`).
        name: Model name.

    Returns:
        A two-input functional `keras.Model`.

    Example:

    >>> conditional_dcgan_generator(latent_dim=16, width=8).output_shape
    (None, 28, 28, 1)

    Reference:
        Mirza and Osindero, "Conditional Generative Adversarial Nets", arXiv:1411.1784, 2014.
        Radford, Metz and Chintala, "Unsupervised Representation Learning with Deep Convolutional
        Generative Adversarial Networks", ICLR 2016.
    """
    z = keras.Input((latent_dim,), name="z")
    y = keras.Input((num_classes,), name="label")
    body = dcgan_generator(image_shape, latent_dim + num_classes, width, name=f"{name}_body")
    return keras.Model([z, y], body(layers.Concatenate()([z, y])), name=name)


def conditional_dcgan_discriminator(image_shape=(28, 28, 1), num_classes=10, width=64, dropout=0.0,
                                    conditioning="projection", name="conditional_dcgan_discriminator"):
    """A DCGAN discriminator that also reads the one-hot label.

    Two ways to give it the label:

    - `"projection"` (default): the convolutional features `phi(x)` give an
      unconditional logit, plus the inner product of `phi(x)` with a learned
      embedding of the label (Miyato & Koyama's projection discriminator). The
      label acts on every feature, and in our runs the generator learned to
      obey it much sooner than with concatenation.
    - `"concat"`: the one-hot label tiled over the image as extra channels
      (the seed's concatenation, in image form).

    Args:
        image_shape: `(height, width, channels)`.
        num_classes: Width of the one-hot label.
        width: Base filters (see `dcgan_discriminator`).
        dropout: Dropout rate.
        conditioning: `"projection"` or `"concat"`.
        name: Model name.

    Returns:
        A two-input functional `keras.Model` returning one logit per sample.

    Example:

    >>> conditional_dcgan_discriminator(width=8).output_shape
    (None, 1)

    Reference:
        Miyato & Koyama, "cGANs with Projection Discriminator", ICLR 2018.
    """
    height, wide, channels = image_shape
    x = keras.Input(tuple(image_shape), name="x")
    y = keras.Input((num_classes,), name="label")
    if conditioning == "concat":
        tiled = layers.UpSampling2D(size=(height, wide))(layers.Reshape((1, 1, num_classes))(y))
        body = dcgan_discriminator((height, wide, channels + num_classes), width, dropout, name=f"{name}_body")
        return keras.Model([x, y], body(layers.Concatenate()([x, tiled])), name=name)
    if conditioning != "projection":
        raise ValueError(f"`conditioning` must be 'projection' or 'concat'. Received: {conditioning!r}.")
    body = dcgan_discriminator(image_shape, width, dropout, name=f"{name}_body")
    features = keras.Model(body.inputs, body.layers[-2].output, name=f"{name}_features")(x)
    embedding = layers.Dense(features.shape[-1], use_bias=False, name="label_embedding")(y)
    projection = layers.Dot(axes=1)([features, embedding])
    logit = layers.Add()([layers.Dense(1)(features), projection])
    return keras.Model([x, y], logit, name=name)
