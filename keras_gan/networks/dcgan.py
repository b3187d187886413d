"""DCGAN networks for any image shape (Radford et al., 2016)."""

import keras
from keras import layers


def upsampling_plan(image_shape):
    """How a DCGAN generator reaches `image_shape` by doubling.

    Returns `(n, (h0, w0))`: the number of stride-2 upsamplings and the
    starting spatial size, the largest `n` with `h0, w0 >= 3` integers.

    Args:
        image_shape: `(height, width, channels)`.

    Returns:
        `(n, (h0, w0))`.

    Example:

    >>> upsampling_plan((28, 28, 1))
    (2, (7, 7))
    >>> upsampling_plan((64, 64, 3))
    (4, (4, 4))

    Reference:
        Radford, Metz and Chintala, "Unsupervised Representation Learning with Deep Convolutional
        Generative Adversarial Networks", ICLR 2016.
    """
    if len(image_shape) != 3:
        raise ValueError(
            f"DCGAN needs images of shape (height, width, channels); received {image_shape}."
        )
    height, width = int(image_shape[0]), int(image_shape[1])
    n = 0
    while (
        height % 2 ** (n + 1) == 0
        and width % 2 ** (n + 1) == 0
        and min(height, width) // 2 ** (n + 1) >= 4
        and n < 5
    ):
        n += 1
    if n == 0:
        raise ValueError(
            f"Cannot build a DCGAN for images of size {height}x{width}: height and "
            "width must be divisible by 2 at least once with a side of 4 or more "
            "left (28, 32, 64, ...). Resize the images."
        )
    return n, (height // 2**n, width // 2**n)


def dcgan_generator(image_shape=(28, 28, 1), latent_dim=100, width=64, name="dcgan_generator"):
    """A DCGAN generator: dense projection, then stride-2 transposed convolutions.

    Batch norm and ReLU after every layer but the last, tanh output in
    [-1, 1], no bias before batch norm. For 28x28 images: 100 -> 7x7x128 ->
    14x14x64 -> 28x28x1.

    Args:
        image_shape: `(height, width, channels)` of the images.
        latent_dim: Length of z.
        width: Filters of the last hidden layer; each earlier layer doubles it.
        name: Model name.

    Returns:
        A `keras.Sequential`.

    Example:

    >>> dcgan_generator((28, 28, 1), latent_dim=16).output_shape
    (None, 28, 28, 1)

    Reference:
        Radford, Metz and Chintala, "Unsupervised Representation Learning with Deep Convolutional
        Generative Adversarial Networks", ICLR 2016.
    """
    n, (h0, w0) = upsampling_plan(image_shape)
    top = width * 2 ** (n - 1)
    model = [
        keras.Input((latent_dim,)),
        layers.Dense(h0 * w0 * top, use_bias=False),
        layers.BatchNormalization(),
        layers.ReLU(),
        layers.Reshape((h0, w0, top)),
    ]
    for i in range(1, n):
        model += [
            layers.Conv2DTranspose(top // 2**i, 4, strides=2, padding="same", use_bias=False),
            layers.BatchNormalization(),
            layers.ReLU(),
        ]
    model.append(
        layers.Conv2DTranspose(image_shape[-1], 4, strides=2, padding="same", activation="tanh")
    )
    return keras.Sequential(model, name=name)


def dcgan_discriminator(image_shape=(28, 28, 1), width=64, dropout=0.0, spectral_norm=False,
                        name="dcgan_discriminator"):
    """A DCGAN discriminator: stride-2 convolutions with LeakyReLU(0.2), one logit.

    No batch norm, so a sample's logit does not depend on the rest of its
    batch (which also keeps it valid under a gradient penalty).

    Args:
        image_shape: `(height, width, channels)` of the images.
        width: Filters of the first layer; each later layer doubles it.
        dropout: Dropout rate after each convolution.
        spectral_norm: Wrap every convolution and the output layer in
            `keras.layers.SpectralNormalization` (Miyato et al., 2018), one
            power iteration per step; the weights stay the same in number.
        name: Model name.

    Returns:
        A `keras.Sequential`.

    Example:

    >>> dcgan_discriminator((28, 28, 1)).output_shape
    (None, 1)
    >>> dcgan_discriminator((28, 28, 1), spectral_norm=True).output_shape
    (None, 1)

    Reference:
        Radford, Metz and Chintala, "Unsupervised Representation Learning with Deep Convolutional
        Generative Adversarial Networks", ICLR 2016.
        Miyato, Kataoka, Koyama and Yoshida, "Spectral Normalization for Generative Adversarial
        Networks", ICLR 2018.
    """
    n, _ = upsampling_plan(image_shape)

    def normed(layer):
        return layers.SpectralNormalization(layer) if spectral_norm else layer

    model = [keras.Input(tuple(image_shape))]
    for i in range(n):
        model += [
            normed(layers.Conv2D(width * 2**i, 4, strides=2, padding="same")),
            layers.LeakyReLU(negative_slope=0.2),
        ]
        if dropout:
            model.append(layers.Dropout(dropout))
    model += [layers.Flatten(), normed(layers.Dense(1))]
    return keras.Sequential(model, name=name)


def semi_supervised_discriminator(image_shape=(28, 28, 1), num_classes=10, width=32, dropout=0.3, noise=0.3,
                                  feature_units=128, name="semi_supervised_discriminator"):
    """A K-class discriminator for `SemiSupervisedGAN`: `x -> [class_logits, features]`.

    Gaussian input noise and dropout (the regularization Salimans et al.
    use), two stride-2 convolutions with LeakyReLU 0.2, a dense feature layer
    (the features that feature matching compares) and K class logits.

    Args:
        image_shape: `(height, width, channels)`.
        num_classes: K.
        width: Filters of the first convolution (doubled in the second).
        dropout: Dropout rate after each layer.
        noise: Standard deviation of the Gaussian noise added to the input
            during training.
        feature_units: Width of the feature layer.
        name: Model name.

    Returns:
        A functional `keras.Model` with outputs `[logits (batch, K), features (batch, feature_units)]`.

    Example:

    >>> [tuple(o.shape) for o in semi_supervised_discriminator().outputs]
    [(None, 10), (None, 128)]

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016.
    """
    x = keras.Input(tuple(image_shape))
    h = layers.GaussianNoise(noise)(x) if noise else x
    for filters in (width, 2 * width):
        h = layers.Conv2D(filters, 4, strides=2, padding="same")(h)
        h = layers.LeakyReLU(negative_slope=0.2)(h)
        if dropout:
            h = layers.Dropout(dropout)(h)
    h = layers.Flatten()(h)
    features = layers.LeakyReLU(negative_slope=0.2, name="features")(layers.Dense(feature_units)(h))
    logits = layers.Dense(num_classes, name="class_logits")(features)
    return keras.Model(x, [logits, features], name=name)
