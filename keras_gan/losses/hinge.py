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

    Real scores 2 and 0.5 cost (relu(1 - 2) + relu(1 - 0.5)) / 2 = 0.25;
    generated scores -3 and 0 cost (relu(1 - 3) + relu(1 + 0)) / 2 = 0.5;
    the loss is 0.75 (the reverse sign convention would give 2.25 + 2.5 = 4.75):

    >>> import numpy as np
    >>> real = np.array([[2.0], [0.5]], "float32")
    >>> fake = np.array([[-3.0], [0.0]], "float32")
    >>> float(hinge_discriminator_loss(real, fake))
    0.75

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

    The generator lowers its loss by raising the discriminator's scores of
    its samples: scores -1, 0 and 4 (mean 1) give -(-1 + 0 + 4) / 3 = -1.0:

    >>> import numpy as np
    >>> fake = np.array([[-1.0], [0.0], [4.0]], "float32")
    >>> float(hinge_generator_loss(fake))
    -1.0

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
