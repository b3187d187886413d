"""The least-squares GAN objective (Mao et al., 2017), as in the cs231n notebook."""

import keras
from keras import ops

from keras_gan.losses.base import AdversarialLoss, _flat


def least_squares_discriminator_loss(real_scores, fake_scores, label_smoothing=0.0):
    """`1/2 E (D(x) - 1)^2 + 1/2 E D(G(z))^2`, with raw (not squashed) scores.

    Args:
        real_scores: Discriminator outputs on real samples.
        fake_scores: Discriminator outputs on generated samples.
        label_smoothing: One-sided smoothing; the real target becomes
            `1 - label_smoothing`.

    Returns:
        A scalar tensor.

    Example:

    >>> import numpy as np
    >>> logits = np.array([[-50.0], [0.0], [50.0]], "float32")
    >>> value = float(least_squares_discriminator_loss(logits, -logits))
    >>> bool(np.isfinite(value))
    True
    >>> round(value, 4)
    1667.1666

    Reference:
        Mao et al., "Least Squares Generative Adversarial Networks", ICCV 2017.
    """
    real_scores, fake_scores = _flat(real_scores), _flat(fake_scores)
    real = 0.5 * ops.square(real_scores - (1.0 - label_smoothing))
    return ops.mean(real) + ops.mean(0.5 * ops.square(fake_scores))


def least_squares_generator_loss(fake_scores):
    """`1/2 E (D(G(z)) - 1)^2`.

    Args:
        fake_scores: Discriminator outputs on generated samples.

    Returns:
        A scalar tensor.

    Example:

    >>> import numpy as np
    >>> logits = np.array([[-50.0], [0.0], [50.0]], "float32")
    >>> value = float(least_squares_generator_loss(logits))
    >>> bool(np.isfinite(value))
    True
    >>> round(value, 4)
    833.8333

    Reference:
        Mao et al., "Least Squares Generative Adversarial Networks", ICCV 2017.
    """
    return ops.mean(0.5 * ops.square(_flat(fake_scores) - 1.0))


@keras.saving.register_keras_serializable(package="keras_gan")
class LeastSquaresLoss(AdversarialLoss):
    """Least-squares GAN: the discriminator regresses real to 1 and generated to 0.

    Equation (9) of the LSGAN paper with `a = 0, b = c = 1`, on the
    discriminator's raw output: `l_D = 1/2 E (D(x) - 1)^2 + 1/2 E D(G(z))^2`,
    `l_G = 1/2 E (D(G(z)) - 1)^2`.

    Args:
        label_smoothing: One-sided label smoothing of the real targets.
        name: Name of the loss.

    Example:

    >>> loss = LeastSquaresLoss()
    >>> float(loss.discriminator_loss([1.0], [0.0]))
    0.0
    >>> float(loss.generator_loss([0.0]))
    0.5

    Reference:
        Mao et al., "Least Squares Generative Adversarial Networks", ICCV 2017.
    """

    def __init__(self, label_smoothing=0.0, name="least_squares", **kwargs):
        super().__init__(label_smoothing=label_smoothing, name=name, **kwargs)

    def call(self, y_true, y_pred):
        return 0.5 * ops.square(y_pred - ops.cast(y_true, y_pred.dtype))

    def generator_loss(self, fake_logits):
        return least_squares_generator_loss(fake_logits)
