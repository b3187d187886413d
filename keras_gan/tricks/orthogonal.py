"""BigGAN's orthogonal regularization of the generator's kernels."""

import keras
from keras import ops

from keras_gan.tricks.base import Trick
from keras_gan.utils.arguments import check_choice


def orthogonal_penalty(kernel):
    """`||W^T W * (1 - I)||_F^2` for a kernel reshaped to `(fan_in, units)` (BigGAN, Eq. 3).

    Penalizes the cosine-like overlap between different filters, not their norms.

    Args:
        kernel: A layer's kernel, any shape whose last axis is the units.

    Returns:
        A scalar tensor.

    Example:

    >>> float(orthogonal_penalty(np.eye(3, dtype="float32")))
    0.0

    Reference:
        Brock, Donahue and Simonyan, "Large Scale GAN Training for High Fidelity Natural Image
        Synthesis", ICLR 2019.
    """
    w = ops.cast(kernel, "float32")
    w = ops.reshape(w, (-1, ops.shape(w)[-1]))
    gram = ops.matmul(ops.transpose(w), w)
    off_diagonal = gram * (1.0 - ops.eye(ops.shape(gram)[0], dtype="float32"))
    return ops.sum(ops.square(off_diagonal))


@keras.saving.register_keras_serializable(package="keras_gan")
class OrthogonalRegularization(Trick):
    """Adds `beta * sum_W ||W^T W * (1 - I)||_F^2` over a player's kernels (Brock et al., 2019).

    Applies to every trainable variable of rank >= 2 (dense and convolution
    kernels) of the chosen player; BigGAN uses it on the generator with
    beta = 1e-4. Logged as `orthogonal_g` or `orthogonal_d`.

    Args:
        weight: Beta.
        player: `"generator"` (default) or `"discriminator"`.

    Example:

    >>> import keras, keras_gan
    >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8), keras.layers.LeakyReLU(0.2),
    ...                       keras.layers.Dense(1)])
    >>> gan = keras_gan.models.GAN(G, D, latent_dim=4, tricks=[keras_gan.tricks.OrthogonalRegularization(1e-4)])
    >>> gan.compile()
    >>> history = gan.fit(np.random.normal(size=(64, 2)).astype("float32"), batch_size=16, verbose=0)
    >>> "orthogonal_g" in history.history
    True

    Reference:
        Brock et al., "Large Scale GAN Training for High Fidelity Natural
        Image Synthesis", ICLR 2019.
    """

    def __init__(self, weight=1e-4, player="generator", name="orthogonal_regularization", **kwargs):
        super().__init__(weight=weight, name=name, **kwargs)
        self.player = check_choice(player, "player", ("generator", "discriminator"))
        self.term_names = (f"orthogonal_{player[0]}",)

    def _term(self, variables):
        kernels = [v for v in variables if len(v.shape) >= 2]
        total = 0.0
        for kernel in kernels:
            total = total + orthogonal_penalty(kernel)
        return {self.term_names[0]: total}

    def generator_terms(self, model, step):
        return self._term(model.player_variables("generator")) if self.player == "generator" else {}

    def discriminator_terms(self, model, step):
        return self._term(model.player_variables("discriminator")) if self.player == "discriminator" else {}

    def get_config(self):
        config = super().get_config()
        config["player"] = self.player
        return config
