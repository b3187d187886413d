"""The base class of every adversarial objective."""

import keras
from keras import ops


class AdversarialLoss(keras.losses.Loss):
    """A GAN objective: the discriminator's cost and the generator's cost.

    A two-player game needs two costs. An `AdversarialLoss` is a
    `keras.losses.Loss` whose `call(y_true, y_pred)` is the discriminator's
    per-sample cost for a target `y_true` (1 for real, 0 for generated) and the
    discriminator output `y_pred` (a logit or critic score), so it works as an
    ordinary Keras loss in any pipeline. On top of that it offers the two costs
    a GAN's training step needs:

    - `discriminator_loss(real_logits, fake_logits)`: the mean cost on a real
      batch (target `1 - label_smoothing`) plus the mean cost on a generated
      batch (target 0);
    - `generator_loss(fake_logits)`: the generator's cost, which subclasses
      define.

    Args:
        label_smoothing: One-sided label smoothing: real samples get the
            target `1 - label_smoothing` in the discriminator's cost, generated
            samples keep 0 (Salimans et al., 2016). `0.1` gives targets 0.9.
        name: Name of the loss.
        reduction: Keras reduction used by `__call__`.
        dtype: Dtype of the loss computation.

    Example:

    >>> import keras
    >>> from keras import ops
    >>> @keras.saving.register_keras_serializable(package="doc")
    ... class SoftplusGap(AdversarialLoss):
    ...     # A made-up objective: D minimizes softplus(fake - real), G the opposite.
    ...     def discriminator_loss(self, real_logits, fake_logits):
    ...         return ops.mean(ops.softplus(fake_logits - real_logits))
    ...     def generator_loss(self, fake_logits):
    ...         return ops.mean(ops.softplus(-fake_logits))
    >>> float(SoftplusGap().discriminator_loss(ops.ones((2, 1)), ops.ones((2, 1))))   # log 2
    0.693...
    """

    #: Whether `sigmoid(output)` reads as the probability that a sample is
    #: real. False for critics (Wasserstein, hinge), whose scores are unbounded.
    probabilistic = True

    def __init__(
        self,
        label_smoothing=0.0,
        name=None,
        reduction="sum_over_batch_size",
        dtype=None,
    ):
        label_smoothing = float(label_smoothing)
        if not 0.0 <= label_smoothing < 1.0:
            raise ValueError(
                "`label_smoothing` must be in [0, 1): the real target becomes "
                f"1 - label_smoothing. Received: label_smoothing={label_smoothing}"
            )
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.label_smoothing = label_smoothing

    def call(self, y_true, y_pred):
        """Per-sample discriminator cost for targets `y_true`."""
        raise NotImplementedError

    def discriminator_loss(self, real_logits, fake_logits):
        """The discriminator's cost on a real and a generated batch.

        Args:
            real_logits: Discriminator outputs on real samples, shape `(B,)`
                or `(B, 1)`.
            fake_logits: Discriminator outputs on generated samples.

        Returns:
            A scalar tensor.
        """
        real_logits = _flat(real_logits)
        fake_logits = _flat(fake_logits)
        real_target = ops.full_like(real_logits, 1.0 - self.label_smoothing)
        fake_target = ops.zeros_like(fake_logits)
        return ops.mean(self.call(real_target, real_logits)) + ops.mean(
            self.call(fake_target, fake_logits)
        )

    def generator_loss(self, fake_logits):
        """The generator's cost, from the discriminator's outputs on generated samples.

        Args:
            fake_logits: Discriminator outputs on generated samples.

        Returns:
            A scalar tensor.
        """
        raise NotImplementedError

    def get_config(self):
        config = super().get_config()
        config["label_smoothing"] = self.label_smoothing
        return config


def _flat(x):
    x = ops.convert_to_tensor(x)
    return ops.reshape(x, (-1,))
