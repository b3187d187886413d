"""The hinge objective of geometric GAN, SAGAN and BigGAN."""

import keras
from keras import ops

from keras_gan.losses.base import AdversarialLoss, _flat


def hinge_discriminator_loss(real_scores, fake_scores):
    """`E relu(1 - D(x)) + E relu(1 + D(G(z)))`.

    Args:
        real_scores: Discriminator scores on real samples.
        fake_scores: Discriminator scores on generated samples.

    Returns:
        A scalar tensor.

    Example:

    >>> import numpy as np
    >>> logits = np.array([[-50.0], [0.0], [50.0]], "float32")
    >>> value = float(hinge_discriminator_loss(logits, -logits))
    >>> bool(np.isfinite(value))
    True
    >>> round(value, 4)
    34.6667

    Reference:
        Lim and Ye, "Geometric GAN", arXiv:1705.02894, 2017; Miyato et al., "Spectral Normalization
        for Generative Adversarial Networks", ICLR 2018.
    """
    real_scores, fake_scores = _flat(real_scores), _flat(fake_scores)
    return ops.mean(ops.relu(1.0 - real_scores)) + ops.mean(ops.relu(1.0 + fake_scores))


def hinge_generator_loss(fake_scores):
    """`-E D(G(z))`.

    Args:
        fake_scores: Discriminator scores on generated samples.

    Returns:
        A scalar tensor.

    Example:

    >>> import numpy as np
    >>> logits = np.array([[-50.0], [0.0], [50.0]], "float32")
    >>> value = float(hinge_generator_loss(logits))
    >>> bool(np.isfinite(value))
    True
    >>> round(value, 4)
    -0.0

    Reference:
        Lim and Ye, "Geometric GAN", arXiv:1705.02894, 2017; Miyato et al., "Spectral Normalization
        for Generative Adversarial Networks", ICLR 2018.
    """
    return -ops.mean(_flat(fake_scores))


@keras.saving.register_keras_serializable(package="keras_gan")
class HingeLoss(AdversarialLoss):
    """Hinge loss: `l_D = E relu(1 - D(x)) + E relu(1 + D(G(z)))`, `l_G = -E D(G(z))`.

    Args:
        name: Name of the loss.

    Example:

    >>> loss = HingeLoss()
    >>> float(loss.discriminator_loss([2.0], [-2.0]))
    0.0
    >>> float(loss.discriminator_loss([0.0], [0.0]))
    2.0

    Reference:
        Lim and Ye, "Geometric GAN", 2017; Zhang et al., "Self-Attention
        Generative Adversarial Networks", ICML 2019.
    """

    probabilistic = False

    def __init__(self, name="hinge", **kwargs):
        kwargs.pop("label_smoothing", None)
        super().__init__(label_smoothing=0.0, name=name, **kwargs)

    def call(self, y_true, y_pred):
        sign = 2.0 * ops.cast(y_true, y_pred.dtype) - 1.0
        return ops.relu(1.0 - sign * y_pred)

    def generator_loss(self, fake_logits):
        return hinge_generator_loss(fake_logits)
