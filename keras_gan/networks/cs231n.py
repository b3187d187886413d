"""The networks of the cs231n GAN notebook (Stanford CS231n, 2018).

Parameter counts, as the notebook checks them (counting batch-norm moving
statistics, as `tf.global_variables` did): MLP discriminator 267,009; MLP
generator 1,858,320 with noise dimension 4; DCGAN discriminator 1,102,721;
InfoGAN-paper generator 6,595,521 with noise dimension 4.
"""

import math

import keras
from keras import layers


def mlp_discriminator(input_shape=(28, 28, 1), name="mlp_discriminator"):
    """The cs231n fully connected discriminator: 256 - 256 - 1, LeakyReLU(0.01).

    Args:
        input_shape: Shape of one sample; flattened on entry.
        name: Model name.

    Returns:
        A `keras.Sequential` returning one logit per sample (267,009
        parameters for 28x28 inputs).

    Example:

    >>> mlp_discriminator().count_params()
    267009

    Reference:
        Stanford CS231n, "Generative Adversarial Networks" notebook (assignment 3).
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.
    """
    return keras.Sequential(
        [
            keras.Input(input_shape),
            layers.Flatten(),
            layers.Dense(256),
            layers.LeakyReLU(negative_slope=0.01),
            layers.Dense(256),
            layers.LeakyReLU(negative_slope=0.01),
            layers.Dense(1),
        ],
        name=name,
    )


def mlp_generator(latent_dim=96, output_shape=(28, 28, 1), name="mlp_generator"):
    """The cs231n fully connected generator: 1024 - 1024 - 784, ReLU, tanh output.

    Args:
        latent_dim: Noise dimension.
        output_shape: Shape of one generated sample.
        name: Model name.

    Returns:
        A `keras.Sequential` (1,858,320 parameters with `latent_dim=4`).

    Example:

    >>> mlp_generator(latent_dim=4).count_params()
    1858320

    Reference:
        Stanford CS231n, "Generative Adversarial Networks" notebook (assignment 3).
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.
    """
    return keras.Sequential(
        [
            keras.Input((latent_dim,)),
            layers.Dense(1024, activation="relu"),
            layers.Dense(1024, activation="relu"),
            layers.Dense(math.prod(output_shape), activation="tanh"),
            layers.Reshape(output_shape),
        ],
        name=name,
    )


def dcgan_discriminator(input_shape=(28, 28, 1), name="cs231n_dcgan_discriminator"):
    """The cs231n convolutional discriminator (after the TensorFlow MNIST tutorial).

    Conv 32 5x5 valid - LeakyReLU(0.01) - max-pool 2 - conv 64 5x5 valid -
    LeakyReLU - max-pool 2 - dense 4*4*64 - LeakyReLU - dense 1.

    Args:
        input_shape: Shape of one image.
        name: Model name.

    Returns:
        A `keras.Sequential` (1,102,721 parameters for 28x28x1).

    Example:

    >>> dcgan_discriminator().count_params()
    1102721

    Reference:
        Stanford CS231n, "Generative Adversarial Networks" notebook (assignment 3).
        Radford, Metz and Chintala, "Unsupervised Representation Learning with Deep Convolutional
        Generative Adversarial Networks", ICLR 2016.
    """
    return keras.Sequential(
        [
            keras.Input(input_shape),
            layers.Conv2D(32, 5, padding="valid"),
            layers.LeakyReLU(negative_slope=0.01),
            layers.MaxPooling2D(2, strides=2),
            layers.Conv2D(64, 5, padding="valid"),
            layers.LeakyReLU(negative_slope=0.01),
            layers.MaxPooling2D(2, strides=2),
            layers.Flatten(),
            layers.Dense(4 * 4 * 64),
            layers.LeakyReLU(negative_slope=0.01),
            layers.Dense(1),
        ],
        name=name,
    )


def infogan_generator(latent_dim=96, channels=1, name="infogan_generator"):
    """The InfoGAN paper's MNIST generator (appendix C.1), as in cs231n.

    Dense 1024 - ReLU - BN - dense 7*7*128 - ReLU - BN - reshape - transposed
    conv 64 4x4 stride 2 - ReLU - BN - transposed conv `channels` 4x4 stride 2
    - tanh. Output 28x28x`channels`.

    Args:
        latent_dim: Noise dimension.
        channels: Output channels.
        name: Model name.

    Returns:
        A `keras.Sequential` (6,595,521 parameters with `latent_dim=4`,
        counting batch-norm statistics).

    Example:

    >>> infogan_generator(latent_dim=4).count_params()
    6595521

    Reference:
        Chen et al., "InfoGAN: Interpretable Representation Learning by Information Maximizing
        Generative Adversarial Nets", NeurIPS 2016.
        Stanford CS231n, "Generative Adversarial Networks" notebook (assignment 3).
    """
    return keras.Sequential(
        [
            keras.Input((latent_dim,)),
            layers.Dense(1024, activation="relu"),
            layers.BatchNormalization(),
            layers.Dense(7 * 7 * 128, activation="relu"),
            layers.BatchNormalization(),
            layers.Reshape((7, 7, 128)),
            layers.Conv2DTranspose(64, 4, strides=2, padding="same", activation="relu"),
            layers.BatchNormalization(),
            layers.Conv2DTranspose(channels, 4, strides=2, padding="same", activation="tanh"),
        ],
        name=name,
    )
