"""`DCGAN`: a working DCGAN for a given image shape in one line."""

import keras

from keras_gan.models.gan import GAN
from keras_gan.networks.dcgan import dcgan_discriminator, dcgan_generator


@keras.saving.register_keras_serializable(package="keras_gan")
class DCGAN(GAN):
    """A `GAN` with DCGAN networks built for `image_shape`.

    The generator projects z, then doubles the spatial size with transposed
    convolutions (batch norm, ReLU, tanh output); the discriminator halves it
    with strided convolutions (LeakyReLU 0.2, no batch norm). Pass your own
    `generator` or `discriminator` to replace either.

    Args:
        image_shape: `(height, width, channels)`, e.g. `(28, 28, 1)`.
        latent_dim: Length of z.
        width: Base number of filters of both networks.
        dropout: Dropout rate in the discriminator.
        generator: Optional generator replacing the built one.
        discriminator: Optional discriminator replacing the built one.
        **kwargs: Passed to `GAN` (`latent_distribution`,
            `discriminator_steps`, `simultaneous`, `seed`, `name`).

    Example:

    >>> gan = DCGAN(image_shape=(28, 28, 1), latent_dim=64)
    >>> gan.compile()
    >>> gan.generate(2).shape
    (2, 28, 28, 1)

    Reference:
        Radford et al., "Unsupervised Representation Learning with Deep
        Convolutional Generative Adversarial Networks", ICLR 2016.
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=100,
        width=64,
        dropout=0.0,
        generator=None,
        discriminator=None,
        name="dcgan",
        **kwargs,
    ):
        image_shape = tuple(int(d) for d in image_shape)
        if generator is None:
            generator = dcgan_generator(image_shape, latent_dim, width)
        if discriminator is None:
            discriminator = dcgan_discriminator(image_shape, width, dropout)
        super().__init__(generator, discriminator, latent_dim, name=name, **kwargs)
        self.image_shape = image_shape
        self.width = width
        self.dropout = dropout

    def get_config(self):
        config = super().get_config()
        config.update({"image_shape": self.image_shape, "width": self.width, "dropout": self.dropout})
        return config
