"""The Wasserstein (earth-mover) objective of WGAN (Arjovsky et al., 2017)."""

import keras
from keras import ops

from keras_gan.losses.base import AdversarialLoss, _flat
from keras_gan.utils.requirements import Requirement, layers_of


def _lipschitz_critic(loss, model, context):
    """Nothing keeps the critic Lipschitz: no trick that declares it, no spectral normalization, no constraint."""
    if any(trick.keeps_critic_lipschitz for trick in model.tricks):
        return None
    for network in model.player_networks("discriminator"):
        for layer in layers_of(network):
            if isinstance(layer, keras.layers.SpectralNormalization) or getattr(layer, "kernel_constraint", None):
                return None
    return ("the Wasserstein loss needs a (roughly) 1-Lipschitz critic, and nothing here keeps it so: the "
            "critic's scores can grow without bound. Add tricks=[keras_gan.tricks.GradientPenalty(10.0)] or "
            "[keras_gan.tricks.WeightClipping(0.01)], wrap the critic's layers in "
            "keras.layers.SpectralNormalization, or use keras_gan.models.WGANGP / WGAN.")


def wasserstein_critic_loss(real_scores, fake_scores):
    """`E D(G(z)) - E D(x)`: the negated estimate of the Wasserstein distance.

    Args:
        real_scores: Critic scores on real samples.
        fake_scores: Critic scores on generated samples.

    Returns:
        A scalar tensor.

    Example:

    A critic scoring the real samples higher (mean (1 + 3) / 2 = 2) than the
    generated ones (mean (-1 + 0) / 2 = -0.5) gets a negative loss,
    -0.5 - 2 = -2.5 (the reverse sign convention would give +2.5):

    >>> import numpy as np
    >>> real = np.array([[1.0], [3.0]], "float32")
    >>> fake = np.array([[-1.0], [0.0]], "float32")
    >>> float(wasserstein_critic_loss(real, fake))
    -2.5

    Reference:
        Arjovsky, Chintala and Bottou, "Wasserstein Generative Adversarial Networks", ICML 2017.
    """
    return ops.mean(_flat(fake_scores)) - ops.mean(_flat(real_scores))


def wasserstein_generator_loss(fake_scores):
    """`-E D(G(z))`.

    Args:
        fake_scores: Critic scores on generated samples.

    Returns:
        A scalar tensor.

    Example:

    The generator lowers its loss by raising the critic's scores of its
    samples: scores -1, 0 and 4 (mean 1) give -(-1 + 0 + 4) / 3 = -1.0:

    >>> import numpy as np
    >>> fake = np.array([[-1.0], [0.0], [4.0]], "float32")
    >>> float(wasserstein_generator_loss(fake))
    -1.0

    Reference:
        Arjovsky, Chintala and Bottou, "Wasserstein Generative Adversarial Networks", ICML 2017.
    """
    return -ops.mean(_flat(fake_scores))


@keras.saving.register_keras_serializable(package="keras_gan")
class WassersteinLoss(AdversarialLoss):
    """The WGAN objective: the critic maximizes `E D(x) - E D(G(z))`.

    The critic must be kept (approximately) 1-Lipschitz, by weight clipping
    (WGAN) or a gradient penalty (WGAN-GP); the loss alone does not do it.
    As a per-sample Keras loss, `call(y_true, y_pred)` is `-y_pred` for real
    targets and `y_pred` for generated ones.

    Args:
        name: Name of the loss.

    Example:

    >>> loss = WassersteinLoss()
    >>> float(loss.discriminator_loss([3.0], [1.0]))
    -2.0
    >>> float(loss.generator_loss([1.0]))
    -1.0

    Reference:
        Arjovsky et al., "Wasserstein GAN", ICML 2017.
    """

    probabilistic = False
    requirements = (
        Requirement("wasserstein_lipschitz", "The critic must be kept (approximately) 1-Lipschitz", "compile",
                    _lipschitz_critic, severity="warning"),
    )

    def __init__(self, name="wasserstein", **kwargs):
        kwargs.pop("label_smoothing", None)
        super().__init__(label_smoothing=0.0, name=name, **kwargs)

    def call(self, y_true, y_pred):
        return (1.0 - 2.0 * ops.cast(y_true, y_pred.dtype)) * y_pred

    def generator_loss(self, fake_logits):
        return wasserstein_generator_loss(fake_logits)
