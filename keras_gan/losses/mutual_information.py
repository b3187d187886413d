"""InfoGAN's mutual-information term: how well Q recovers the latent codes."""

import math

import keras
from keras import ops

LOG_2PI = math.log(2.0 * math.pi)


def categorical_code_loss(codes, logits):
    """Mean cross-entropy `-E sum_k c_k log Q(k | x)` of one categorical code.

    Minimizing it maximizes InfoGAN's lower bound on the mutual information,
    `L_I = H(c) - cross-entropy` (H(c) = log K for a uniform code).

    Args:
        codes: One-hot codes the generator received, `(batch, K)`.
        logits: Q's unnormalized log-probabilities for that code, `(batch, K)`.

    Returns:
        A scalar tensor.

    Example:

    >>> float(categorical_code_loss([[0.0, 1.0]], [[0.0, 0.0]]))  # log 2
    0.6931...

    Reference:
        Chen et al., "InfoGAN: Interpretable Representation Learning by Information Maximizing
        Generative Adversarial Nets", NeurIPS 2016.
    """
    codes = ops.cast(ops.convert_to_tensor(codes), "float32")
    log_q = ops.log_softmax(ops.cast(ops.convert_to_tensor(logits), "float32"), axis=-1)
    return ops.mean(-ops.sum(codes * log_q, axis=-1))


def gaussian_code_loss(codes, mean, log_std=None):
    """Mean negative log-likelihood of continuous codes under Q's factorized Gaussian.

    `-log N(c; mu, sigma^2) = 1/2 log(2 pi) + log sigma + (c - mu)^2 / (2 sigma^2)`,
    summed over the code's dimensions. With `log_std=None` the standard
    deviation is fixed at 1, as the seed does.

    Args:
        codes: The continuous codes the generator received, `(batch, d)`.
        mean: Q's predicted means, `(batch, d)`.
        log_std: Q's predicted log standard deviations, or None for sigma = 1.

    Returns:
        A scalar tensor.

    Example:

    >>> round(float(gaussian_code_loss([[0.5]], [[0.5]])), 4)  # 1/2 log(2 pi)
    0.9189

    Reference:
        Chen et al., "InfoGAN: Interpretable Representation Learning by Information Maximizing
        Generative Adversarial Nets", NeurIPS 2016.
    """
    codes = ops.cast(ops.convert_to_tensor(codes), "float32")
    mean = ops.cast(ops.convert_to_tensor(mean), "float32")
    if log_std is None:
        log_std = ops.zeros_like(mean)
    log_std = ops.cast(ops.convert_to_tensor(log_std), "float32")
    z = (codes - mean) * ops.exp(-log_std)
    nll = 0.5 * LOG_2PI + log_std + 0.5 * ops.square(z)
    return ops.mean(ops.sum(nll, axis=-1))


@keras.saving.register_keras_serializable(package="keras_gan")
class MutualInformationLoss(keras.losses.Loss):
    """InfoGAN's `-L_I` (up to the constant code entropy) for a set of codes.

    `y_true` holds the codes as the generator received them: the one-hot
    categorical codes one after the other, then the continuous codes.
    `y_pred` is Q's output: one block of logits per categorical code, then the
    continuous means, then (with `learn_std=True`) their log standard
    deviations. The loss is the categorical cross-entropies plus
    `continuous_weight` times the Gaussian negative log-likelihood.

    Args:
        categorical: Sizes of the categorical codes, e.g. `(10,)`.
        continuous: Number of continuous codes.
        learn_std: Whether Q predicts the Gaussian's log standard deviation
            (else it is fixed at 1).
        continuous_weight: Weight of the continuous codes' term.
        name: Name of the loss.

    Example:

    >>> loss = MutualInformationLoss(categorical=(2,), continuous=1)
    >>> round(float(loss([[0.0, 1.0, 0.5]], [[0.0, 0.0, 0.5]])), 4)  # log 2 + 1/2 log(2 pi)
    1.6121

    Reference:
        Chen et al., "InfoGAN: Interpretable Representation Learning by
        Information Maximizing Generative Adversarial Nets", NeurIPS 2016.
    """

    def __init__(self, categorical=(10,), continuous=0, learn_std=False, continuous_weight=1.0,
                 name="mutual_information", reduction="sum_over_batch_size", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.categorical = tuple(int(k) for k in categorical)
        if any(k < 2 for k in self.categorical):
            raise ValueError(f"Each categorical code needs >= 2 values. Received: {self.categorical}.")
        self.continuous = int(continuous)
        if self.continuous < 0:
            raise ValueError(f"`continuous` must be >= 0. Received: {continuous}.")
        self.learn_std = bool(learn_std)
        self.continuous_weight = float(continuous_weight)

    @property
    def code_width(self):
        """Width of `y_true`: the one-hot categorical codes plus the continuous codes."""
        return sum(self.categorical) + self.continuous

    @property
    def q_width(self):
        """Width of Q's output this loss expects."""
        return sum(self.categorical) + self.continuous * (2 if self.learn_std else 1)

    def split(self, codes, q):
        """Splits codes and Q outputs into `[(one_hot, logits), ...]` and `(c, mean, log_std)`."""
        pairs, start = [], 0
        for k in self.categorical:
            pairs.append((codes[:, start : start + k], q[:, start : start + k]))
            start += k
        c = codes[:, start : start + self.continuous]
        mean = q[:, start : start + self.continuous]
        log_std = q[:, start + self.continuous :] if self.learn_std else None
        return pairs, (c, mean, log_std)

    def call(self, y_true, y_pred):
        codes = ops.cast(y_true, "float32")
        q = ops.cast(y_pred, "float32")
        pairs, (c, mean, log_std) = self.split(codes, q)
        per_sample = ops.zeros_like(q[:, 0])
        for one_hot, logits in pairs:
            per_sample += -ops.sum(one_hot * ops.log_softmax(logits, axis=-1), axis=-1)
        if self.continuous:
            if log_std is None:
                log_std = ops.zeros_like(mean)
            z = (c - mean) * ops.exp(-log_std)
            nll = ops.sum(0.5 * LOG_2PI + log_std + 0.5 * ops.square(z), axis=-1)
            per_sample += self.continuous_weight * nll
        return per_sample

    def categorical_mutual_information(self, codes, q):
        """The lower bound `sum_k (log K_k - cross-entropy_k)` in nats, batch mean."""
        pairs, _ = self.split(ops.cast(codes, "float32"), ops.cast(q, "float32"))
        total = 0.0
        for one_hot, logits in pairs:
            total += math.log(one_hot.shape[-1]) - categorical_code_loss(one_hot, logits)
        return total

    def get_config(self):
        config = super().get_config()
        config.update({
            "categorical": list(self.categorical),
            "continuous": self.continuous,
            "learn_std": self.learn_std,
            "continuous_weight": self.continuous_weight,
        })
        return config
