"""The cross-entropy game of Goodfellow et al. (2014) and its three generator costs.

The discriminator minimizes the binary cross-entropy
`-E log D(x) - E log(1 - D(G(z)))`, with `D = sigmoid(logit)`. The three
generator costs differ in their gradient when the discriminator rejects the
generated samples (`D(G(z)) -> 0`):

- minimax (saturating): `J = E log(1 - D(G(z)))`, the negated discriminator
  term; its gradient vanishes as `D(G(z)) -> 0`.
- non-saturating: `J = -E log D(G(z))`; strong gradient as `D(G(z)) -> 0`.
- maximum likelihood: `J = -1/2 E exp(sigma^-1(D(G(z))))`, which equals
  `-1/2 E exp(logit)`; its gradient vanishes as `D(G(z)) -> 0` and is
  dominated by the samples the discriminator already takes for real.

Everything is computed from logits with softplus, so no `log(0)` appears.
"""

import keras
from keras import ops

from keras_gan.losses.base import AdversarialLoss, _flat


def binary_cross_entropy_from_logits(y_true, logits):
    """Per-sample binary cross-entropy `-y log s(l) - (1-y) log(1-s(l))`, stably.

    Uses `softplus(l) - y l`, which equals the definition for every finite
    logit and never evaluates `log(0)`.

    Args:
        y_true: Targets in [0, 1].
        logits: Discriminator logits, same shape.

    Returns:
        A tensor of the logits' shape.

    Example:

    >>> import numpy as np
    >>> values = binary_cross_entropy_from_logits(1.0, np.array([-50.0, 0.0, 50.0], "float32"))
    >>> np.round(np.asarray(values), 4).tolist()   # -log sigmoid(l): 50, log 2, ~0, never inf
    [50.0, 0.6931, 0.0]
    """
    logits = ops.convert_to_tensor(logits)
    y_true = ops.cast(y_true, logits.dtype)
    return ops.softplus(logits) - y_true * logits


def discriminator_cross_entropy(real_logits, fake_logits, label_smoothing=0.0):
    """The discriminator's cost `-E log D(x) - E log(1 - D(G(z)))`.

    Args:
        real_logits: Logits on real samples.
        fake_logits: Logits on generated samples.
        label_smoothing: One-sided smoothing; real targets are
            `1 - label_smoothing`.

    Returns:
        A scalar tensor.

    Example:

    >>> float(discriminator_cross_entropy([0.0], [0.0]))  # 2 log 2
    1.386...

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.
    """
    real_logits, fake_logits = _flat(real_logits), _flat(fake_logits)
    real = binary_cross_entropy_from_logits(1.0 - label_smoothing, real_logits)
    fake = binary_cross_entropy_from_logits(0.0, fake_logits)
    return ops.mean(real) + ops.mean(fake)


def minimax_generator_loss(fake_logits):
    """The saturating generator cost `E log(1 - D(G(z))) = -E softplus(logit)`.

    Args:
        fake_logits: Logits on generated samples.

    Returns:
        A scalar tensor.

    Example:

    >>> import numpy as np
    >>> logits = np.array([[-50.0], [0.0], [50.0]], "float32")
    >>> value = float(minimax_generator_loss(logits))
    >>> bool(np.isfinite(value))
    True
    >>> round(value, 4)
    -16.8977

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.
    """
    return -ops.mean(ops.softplus(_flat(fake_logits)))


def non_saturating_generator_loss(fake_logits):
    """The non-saturating generator cost `-E log D(G(z)) = E softplus(-logit)`.

    Args:
        fake_logits: Logits on generated samples.

    Returns:
        A scalar tensor.

    Example:

    >>> import numpy as np
    >>> logits = np.array([[-50.0], [0.0], [50.0]], "float32")
    >>> value = float(non_saturating_generator_loss(logits))
    >>> bool(np.isfinite(value))
    True
    >>> round(value, 4)
    16.8977

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.
    """
    return ops.mean(ops.softplus(-_flat(fake_logits)))


def maximum_likelihood_generator_loss(fake_logits):
    """The maximum-likelihood generator cost `-1/2 E exp(sigma^-1(D(G(z))))`.

    `sigma^-1(D(G(z)))` is the logit itself, so the cost is
    `-1/2 E exp(logit)`. It is finite for logits up to about 88 in float32.

    Args:
        fake_logits: Logits on generated samples.

    Returns:
        A scalar tensor.

    Example:

    >>> import numpy as np
    >>> logits = np.array([[-50.0], [0.0], [50.0]], "float32")
    >>> value = float(maximum_likelihood_generator_loss(logits))
    >>> bool(np.isfinite(value))
    True
    >>> round(value, 4)
    -8.641175528213431e+20

    Reference:
        Goodfellow, "NIPS 2016 Tutorial: Generative Adversarial Networks", arXiv:1701.00160.
    """
    return -0.5 * ops.mean(ops.exp(_flat(fake_logits)))


class _CrossEntropyGame(AdversarialLoss):
    def call(self, y_true, y_pred):
        return binary_cross_entropy_from_logits(y_true, y_pred)


@keras.saving.register_keras_serializable(package="keras_gan")
class MinimaxLoss(_CrossEntropyGame):
    """The original minimax game: cross-entropy discriminator, saturating generator.

    The generator minimizes `E log(1 - D(G(z)))`, the negated discriminator
    cost on generated samples: the zero-sum game analysed by Goodfellow et
    al. Its gradient vanishes when the discriminator confidently rejects the
    generated samples, which makes early training slow; prefer
    `NonSaturatingLoss` in practice.

    Args:
        label_smoothing: One-sided label smoothing of the real targets.
        name: Name of the loss.

    Example:

    >>> loss = MinimaxLoss()
    >>> float(loss.generator_loss([0.0]))  # log(1/2)
    -0.693...

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.
    """

    def __init__(self, label_smoothing=0.0, name="minimax", **kwargs):
        super().__init__(label_smoothing=label_smoothing, name=name, **kwargs)

    def generator_loss(self, fake_logits):
        return minimax_generator_loss(fake_logits)


@keras.saving.register_keras_serializable(package="keras_gan")
class NonSaturatingLoss(_CrossEntropyGame):
    """Cross-entropy discriminator, non-saturating generator `-E log D(G(z))`.

    The standard GAN objective, and keras-gan's default.

    Args:
        label_smoothing: One-sided label smoothing of the real targets.
        name: Name of the loss.

    Example:

    >>> loss = NonSaturatingLoss()
    >>> float(loss.discriminator_loss([0.0], [0.0]))  # 2 log 2
    1.386...
    >>> float(loss.generator_loss([0.0]))  # log 2
    0.693...

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.
    """

    def __init__(self, label_smoothing=0.0, name="non_saturating", **kwargs):
        super().__init__(label_smoothing=label_smoothing, name=name, **kwargs)

    def generator_loss(self, fake_logits):
        return non_saturating_generator_loss(fake_logits)


@keras.saving.register_keras_serializable(package="keras_gan")
class MaximumLikelihoodLoss(_CrossEntropyGame):
    """Cross-entropy discriminator, maximum-likelihood generator cost.

    The generator minimizes `-1/2 E exp(sigma^-1(D(G(z))))`; with an optimal
    discriminator its expected gradient equals that of maximum likelihood.

    Args:
        label_smoothing: One-sided label smoothing of the real targets.
        name: Name of the loss.

    Example:

    >>> float(MaximumLikelihoodLoss().generator_loss([0.0]))
    -0.5

    Reference:
        Goodfellow, "NIPS 2016 Tutorial: Generative Adversarial Networks", 2016.
    """

    def __init__(self, label_smoothing=0.0, name="maximum_likelihood", **kwargs):
        super().__init__(label_smoothing=label_smoothing, name=name, **kwargs)

    def generator_loss(self, fake_logits):
        return maximum_likelihood_generator_loss(fake_logits)
