"""WGAN's weight clipping of the critic."""

import keras
from keras import ops

from keras_gan.tricks.base import Trick
from keras_gan.utils.arguments import check_number


@keras.saving.register_keras_serializable(package="keras_gan")
class WeightClipping(Trick):
    """Clips every trainable weight of the discriminator to `[-clip_value, clip_value]`.

    Runs after each discriminator update, as in Algorithm 1 of the WGAN
    paper (clip 0.01), to keep the critic (roughly) Lipschitz. The trick
    adds no cost term, so it takes no `weight`.

    Args:
        clip_value: The bound c of the clipping.

    Example:

    >>> import keras, keras_gan
    >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8), keras.layers.LeakyReLU(0.2),
    ...                       keras.layers.Dense(1)])
    >>> gan = keras_gan.models.GAN(G, D, latent_dim=4, tricks=[keras_gan.tricks.WeightClipping(0.01)])
    >>> gan.compile(loss="wasserstein")
    >>> history = gan.fit(np.random.normal(size=(64, 2)).astype("float32"), batch_size=16, verbose=0)
    >>> max(float(np.abs(w).max()) for w in D.get_weights()) <= 0.01
    True

    Reference:
        Arjovsky et al., "Wasserstein GAN", ICML 2017.
    """

    keeps_critic_lipschitz = True
    weighted = False

    def __init__(self, clip_value=0.01, name="weight_clipping", **kwargs):
        super().__init__(name=name, **kwargs)
        self.clip_value = check_number(clip_value, "clip_value", low=0, low_open=True,
                                       what="c: every discriminator weight is clipped to [-c, c]")

    def after_discriminator_update(self, model):
        for variable in model.player_variables("discriminator"):
            variable.assign(ops.clip(variable, -self.clip_value, self.clip_value))

    def get_config(self):
        config = super().get_config()
        config["clip_value"] = self.clip_value
        return config
