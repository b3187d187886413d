"""The Wasserstein (earth-mover) objective of WGAN (Arjovsky et al., 2017)."""

import keras
from keras import ops

from keras_gan.losses.base import AdversarialLoss, _flat


def wasserstein_critic_loss(real_scores, fake_scores):
    """`E D(G(z)) - E D(x)`: the negated estimate of the Wasserstein distance.

    Args:
        real_scores: Critic scores on real samples.
        fake_scores: Critic scores on generated samples.

    Returns:
        A scalar tensor.

    Example:

    >>> import numpy as np
    >>> logits = np.array([[-50.0], [0.0], [50.0]], "float32")
    >>> value = float(wasserstein_critic_loss(logits, -logits))
    >>> bool(np.isfinite(value))
    True
    >>> round(value, 4)
    0.0

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

    >>> import numpy as np
    >>> logits = np.array([[-50.0], [0.0], [50.0]], "float32")
    >>> value = float(wasserstein_generator_loss(logits))
    >>> bool(np.isfinite(value))
    True
    >>> round(value, 4)
    -0.0

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

    def __init__(self, name="wasserstein", **kwargs):
        kwargs.pop("label_smoothing", None)
        super().__init__(label_smoothing=0.0, name=name, **kwargs)

    def call(self, y_true, y_pred):
        return (1.0 - 2.0 * ops.cast(y_true, y_pred.dtype)) * y_pred

    def generator_loss(self, fake_logits):
        return wasserstein_generator_loss(fake_logits)
