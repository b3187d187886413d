"""`WGAN` (weight clipping) and `WGANGP` (gradient penalty)."""

import keras

from keras_gan.models.gan import GAN
from keras_gan.tricks import GradientPenalty, WeightClipping
from keras_gan.utils.requirements import Requirement, batch_norm_problem


def _paper_steps(steps, kwargs):
    """The paper's 5 critic updates per generator update, unless k or a schedule is given."""
    return 5 if steps is None and kwargs.get("schedule") is None else steps


def _has(tricks, kind):
    return any(isinstance(trick, kind) for trick in tricks)


def _no_batch_norm(model, _, context):
    """WGANGP's critic with batch normalization: an error here (its GradientPenalty alone would only warn)."""
    problem = batch_norm_problem(model)
    return problem and f"{type(model).__name__}: {problem}"


@keras.saving.register_keras_serializable(package="keras_gan")
class WGAN(GAN):
    """Wasserstein GAN with weight clipping, with the paper's defaults.

    A `GAN` whose objective is the Wasserstein loss (the critic maximizes
    `E D(x) - E D(G(z))`), whose critic's weights are clipped to
    `[-clip_value, clip_value]` after every update (a `WeightClipping`
    trick), which makes `discriminator_steps=5` critic updates per generator
    update, and whose `compile()` defaults to RMSProp(5e-5) for both players.
    The logged `critic_gap`, `E D(x) - E D(G(z))` on the batch, is the
    critic's estimate of the Wasserstein distance (up to the Lipschitz
    constant): it should fall as the generator improves.

    Args:
        generator: Latent vectors -> samples.
        discriminator: The critic: samples -> one unbounded score each.
        latent_dim: Length of a latent vector.
        clip_value: The clipping bound c (0.01 in the paper).
        discriminator_steps: Critic updates per generator update (5, unless a
            `schedule` is given).
        **kwargs: Passed to `GAN` (`tricks`, `seed`, ...).

    Example:

    >>> import keras, keras_gan
    >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> wgan = keras_gan.models.WGAN(G, D, latent_dim=4)
    >>> wgan.compile()
    >>> type(wgan.d_optimizer).__name__, int(wgan.discriminator_steps)
    ('RMSprop', 5)

    Reference:
        Arjovsky et al., "Wasserstein GAN", ICML 2017.
    """

    default_learning_rate = 5e-5

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim,
        *,
        clip_value=0.01,
        discriminator_steps=None,
        tricks=None,
        name="wgan",
        **kwargs,
    ):
        tricks = list(tricks or [])
        if clip_value is not None and not _has(tricks, WeightClipping):
            tricks.insert(0, WeightClipping(clip_value))
        super().__init__(
            generator,
            discriminator,
            latent_dim,
            discriminator_steps=_paper_steps(discriminator_steps, kwargs),
            tricks=tricks,
            name=name,
            **kwargs,
        )
        self.clip_value = clip_value

    default_loss = "wasserstein"

    def default_optimizer(self, role):
        """RMSProp(5e-5) for both players, as in the paper."""
        return keras.optimizers.RMSprop(self.default_learning_rate)

    def get_config(self):
        config = super().get_config()
        # The clipping trick travels in `tricks` (the paper's or one the user gave, with its own bound);
        # from it, `__init__` adds no second one.
        config["clip_value"] = self.clip_value
        return config


@keras.saving.register_keras_serializable(package="keras_gan")
class WGANGP(GAN):
    """WGAN with gradient penalty (WGAN-GP), with the paper's defaults.

    A `GAN` with the Wasserstein objective, a `GradientPenalty` trick
    (lambda 10, one interpolation weight per sample, per-sample gradient
    norm), `discriminator_steps=5`, and `compile()` defaulting to
    Adam(1e-4, beta_1=0.0, beta_2=0.9) for both players. Logs `critic_gap`
    (the Wasserstein estimate) and `gradient_penalty`. The critic must not
    use batch normalization (the penalty is per sample).

    Args:
        generator: Latent vectors -> samples.
        discriminator: The critic: samples -> one unbounded score each.
        latent_dim: Length of a latent vector.
        penalty_weight: Lambda (10).
        discriminator_steps: Critic updates per generator update (5, unless a
            `schedule` is given).
        **kwargs: Passed to `GAN`.

    Example:

    >>> import keras, keras_gan
    >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> gan = keras_gan.models.WGANGP(G, D, latent_dim=4)
    >>> gan.compile()
    >>> [m.name for m in gan.metrics]
    ['d_loss', 'g_loss', 'critic_gap', 'gradient_penalty']

    Reference:
        Gulrajani et al., "Improved Training of Wasserstein GANs", NeurIPS 2017.
    """

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim,
        *,
        penalty_weight=10.0,
        discriminator_steps=None,
        tricks=None,
        name="wgan_gp",
        **kwargs,
    ):
        tricks = list(tricks or [])
        if not _has(tricks, GradientPenalty):
            tricks.insert(0, GradientPenalty(penalty_weight, seed=kwargs.get("seed")))
        super().__init__(
            generator,
            discriminator,
            latent_dim,
            discriminator_steps=_paper_steps(discriminator_steps, kwargs),
            tricks=tricks,
            name=name,
            **kwargs,
        )
        self.penalty_weight = penalty_weight

    default_loss = "wasserstein"
    requirements = (
        Requirement("wgangp_no_batch_norm", "The critic must not use batch normalization", "compile", _no_batch_norm),
    )

    def default_optimizer(self, role):
        """Adam(1e-4, beta_1=0, beta_2=0.9) for both players, as in the paper."""
        return keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9)

    def get_config(self):
        config = super().get_config()
        config["penalty_weight"] = self.penalty_weight
        return config
