"""Gradient penalties on the discriminator: WGAN-GP's two-sided penalty and R1."""


import keras
from keras import ops

from keras_gan.backend import draw_for_replica, input_gradients
from keras_gan.tricks.base import Trick
from keras_gan.utils.arguments import check_number, check_seed


def _per_sample_norms(gradients, group=1):
    """Norm of each discriminator input's gradient: `group` consecutive samples form one input (packing)."""
    flat = ops.reshape(ops.cast(gradients, "float32"), (ops.shape(gradients)[0] // group, -1))
    return ops.sqrt(ops.sum(ops.square(flat), axis=1) + 1e-12)


def interpolate(real, fake, t):
    """`t * real + (1 - t) * fake`, with one weight `t` per sample, shape `(B,)`.

    Args:
        real: Real samples `(B, ...)`.
        fake: Generated samples, the same shape.
        t: Weights `(B,)`, one per sample (WGAN-GP draws them from U[0, 1]).

    Returns:
        The interpolates, shaped like `real`.

    Example:

    >>> import numpy as np
    >>> x_hat = interpolate(np.ones((2, 3), "float32"), np.zeros((2, 3), "float32"), np.array([0.25, 1.0], "float32"))
    >>> np.asarray(x_hat).tolist()
    [[0.25, 0.25, 0.25], [1.0, 1.0, 1.0]]

    Reference:
        Gulrajani et al., "Improved Training of Wasserstein GANs", NeurIPS 2017.
    """
    t = ops.reshape(ops.cast(t, real.dtype), (-1,) + (1,) * (len(real.shape) - 1))
    return t * real + (1.0 - t) * ops.cast(fake, real.dtype)


def gradient_penalty(critic, real, fake, t, target=1.0, group=1):
    """WGAN-GP's penalty `E[(||grad_x D(x_hat)||_2 - target)^2]`.

    `x_hat = t * real + (1 - t) * fake` with one interpolation weight per
    sample, and the gradient norm taken per sample, as in the chapter-13
    seed and Gulrajani et al.'s Algorithm 1.

    Args:
        critic: A callable, batch -> one score per sample.
        real: A batch of real samples.
        fake: A batch of generated samples, same shape.
        t: Interpolation weights, shape `(batch,)`, drawn from U[0, 1].
        target: The gradient norm the penalty pulls towards (1 in the paper).

    Returns:
        The scalar penalty (float32), differentiable with respect to the
        critic's weights.

    Example:

    >>> import numpy as np
    >>> critic = lambda x: 3.0 * keras.ops.sum(x, axis=1)      # gradient norm 3 * sqrt(2) everywhere
    >>> x = np.ones((4, 2), "float32")
    >>> value = float(gradient_penalty(critic, x, -x, np.full(4, 0.5, "float32")))
    >>> round(value, 4) == round((3 * 2 ** 0.5 - 1) ** 2, 4)
    True

    Reference:
        Gulrajani et al., "Improved Training of Wasserstein GANs", NeurIPS 2017.
    """
    x_hat = interpolate(real, fake, t)
    norms = _per_sample_norms(input_gradients(critic, x_hat), group)
    return ops.mean(ops.square(norms - target))


def r1_penalty(critic, real, group=1):
    """The R1 penalty `E[||grad_x D(x)||_2^2]` on real samples (Mescheder et al., 2018).

    Args:
        critic: A callable, batch -> one score per sample.
        real: A batch of real samples.

    Returns:
        The scalar penalty (float32), without the conventional factor gamma / 2.

    Example:

    >>> import numpy as np
    >>> critic = lambda x: 0.5 * keras.ops.sum(x ** 2, axis=1)   # gradient x, squared norm ||x||^2
    >>> float(r1_penalty(critic, np.full((4, 2), 2.0, "float32")))
    8.0

    Reference:
        Mescheder, Geiger and Nowozin, "Which Training Methods for GANs do actually Converge?",
        ICML 2018.
    """
    grads = ops.cast(input_gradients(critic, real), "float32")
    flat = ops.reshape(grads, (ops.shape(grads)[0] // group, -1))
    return ops.mean(ops.sum(ops.square(flat), axis=1))


def _critic_of(model, step):
    def critic(x):
        return model.discriminate(x, step, training=True, role="penalty")

    return critic


@keras.saving.register_keras_serializable(package="keras_gan")
class GradientPenalty(Trick):
    """WGAN-GP's gradient penalty, added to the discriminator's cost of any GAN.

    Each discriminator update adds `weight * E[(||grad D(x_hat)||_2 - 1)^2]`
    with `x_hat` a per-sample random interpolation between the real batch and
    the generated one (`t ~ U[0, 1]`, one `t` per sample). Logged as
    `gradient_penalty` (unweighted). The discriminator should not use batch
    normalization: the penalty is defined per sample (use layer norm or none;
    compile warns). The penalty is taken on one discriminator, so compile
    refuses it on CycleGAN.

    Args:
        weight: Lambda, 10 in the paper.
        target: The gradient norm the penalty pulls towards.
        seed: Seed of the interpolation weights.

    Example:

    >>> import keras, keras_gan
    >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> gan = keras_gan.models.GAN(G, D, latent_dim=4,
    ...                            tricks=[keras_gan.tricks.GradientPenalty(10.0)])
    >>> gan.compile(loss="wasserstein")
    >>> sorted(gan.fit(np.ones((32, 2)), batch_size=16, verbose=0).history)
    ['critic_gap', 'd_loss', 'g_loss', 'gradient_penalty']

    Reference:
        Gulrajani et al., "Improved Training of Wasserstein GANs", NeurIPS 2017.
    """

    term_names = ("gradient_penalty",)
    needs_single_discriminator = True
    single_discriminator_reason = "it penalizes one discriminator's gradient between a real and a generated batch"
    single_discriminator_alternative = ("keras.layers.SpectralNormalization around each discriminator's layers, "
                                        "or InstanceNoise")
    penalizes_input_gradients = True
    keeps_critic_lipschitz = True

    def __init__(self, weight=10.0, target=1.0, seed=None, name="gradient_penalty", **kwargs):
        super().__init__(weight=weight, name=name, **kwargs)
        self.target = check_number(target, "target", low=0,
                                   what="the gradient norm it pulls toward: 1 in WGAN-GP, 0 zero-centred")
        self.seed = check_seed(seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed)

    def interpolation_weights(self, model, step):
        """One weight `t ~ U[0, 1]` per sample of the real batch (override to fix them).

        Data-parallel replicas keep their own rows of the global batch's draw
        (`keras_gan.backend.draw_for_replica`), so they interpolate as one device would.
        """
        group = model.trick_chain.samples_per_input
        t = draw_for_replica(lambda n: keras.random.uniform((n,), seed=self.seed_generator),
                             ops.shape(step.real)[0] // group)
        return t if group == 1 else ops.repeat(t, group, axis=0)  # one weight per pack

    def discriminator_terms(self, model, step):
        t = self.interpolation_weights(model, step)
        fake = ops.stop_gradient(step.fake)
        penalty = gradient_penalty(_critic_of(model, step), step.real, fake, t, self.target,
                                   group=model.trick_chain.samples_per_input)
        return {"gradient_penalty": penalty}

    def get_config(self):
        config = super().get_config()
        config.update({"target": self.target, "seed": self.seed})
        return config


@keras.saving.register_keras_serializable(package="keras_gan")
class R1Penalty(Trick):
    """The R1 penalty on real data, `gamma / 2 * E ||grad D(x)||^2`, for any GAN.

    Logged as `r1_penalty` (the unweighted expectation). The discriminator should not use batch
    normalization: the penalty is defined per sample (compile warns). The penalty is taken on one
    discriminator, so compile refuses it on CycleGAN.

    Args:
        gamma: The penalty's gamma; the cost term is `gamma / 2` times the mean
            squared gradient norm.
        weight: The cost term's multiplier, `gamma / 2` by default; when given
            (a saved config gives it), it wins over `gamma`.

    Example:

    >>> import keras, keras_gan
    >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8), keras.layers.LeakyReLU(0.2),
    ...                       keras.layers.Dense(1)])
    >>> gan = keras_gan.models.GAN(G, D, latent_dim=4, tricks=[keras_gan.tricks.R1Penalty(gamma=10.0)])
    >>> gan.compile()
    >>> history = gan.fit(np.random.normal(size=(64, 2)).astype("float32"), batch_size=16, verbose=0)
    >>> sorted(history.history)
    ['d_loss', 'g_loss', 'p_fake', 'p_real', 'r1_penalty']

    Reference:
        Mescheder et al., "Which Training Methods for GANs do actually
        Converge?", ICML 2018.
    """

    term_names = ("r1_penalty",)
    needs_single_discriminator = True
    single_discriminator_reason = "it penalizes one discriminator's gradient on a real batch"
    single_discriminator_alternative = GradientPenalty.single_discriminator_alternative
    penalizes_input_gradients = True
    keeps_critic_lipschitz = True

    def __init__(self, gamma=10.0, *, weight=None, name="r1_penalty", **kwargs):
        gamma = check_number(gamma, "gamma", low=0, what="R1's strength: gamma / 2 times the squared gradient norm")
        super().__init__(weight=gamma / 2.0 if weight is None else weight, name=name, **kwargs)
        self.gamma = gamma

    def discriminator_terms(self, model, step):
        return {"r1_penalty": r1_penalty(_critic_of(model, step), step.real, model.trick_chain.samples_per_input)}

    def get_config(self):
        config = super().get_config()
        config["gamma"] = self.gamma
        return config
