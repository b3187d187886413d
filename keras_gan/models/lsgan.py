"""`LSGAN`: the least-squares GAN."""

import keras

from keras_gan.models.gan import GAN


@keras.saving.register_keras_serializable(package="keras_gan")
class LSGAN(GAN):
    """A `GAN` whose `compile()` defaults to the least-squares objective.

    The discriminator regresses real samples to 1 and generated ones to 0 on
    its raw output; the generator pulls its samples' scores to 1
    (`keras_gan.losses.LeastSquaresLoss`, a = 0, b = c = 1). The same as
    `GAN(...).compile(loss="least_squares")`; this class is there to be
    found.

    Args:
        generator: Maps latent vectors to samples.
        discriminator: Maps samples to one raw score each (no sigmoid).
        latent_dim: Length of the latent vectors.
        name: Model name.
        **kwargs: Passed to `GAN` (`tricks`, `discriminator_steps`, ...).

    Example:

    >>> import keras, keras_gan
    >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> gan = keras_gan.models.LSGAN(G, D, latent_dim=4)
    >>> gan.compile()
    >>> gan.loss_fn.name
    'least_squares'

    Reference:
        Mao et al., "Least Squares Generative Adversarial Networks", ICCV 2017.
    """

    def __init__(self, generator, discriminator, latent_dim, *, name="lsgan", **kwargs):
        super().__init__(generator, discriminator, latent_dim, name=name, **kwargs)

    default_loss = "least_squares"
