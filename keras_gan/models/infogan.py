"""`InfoGAN`: latent codes that the discriminator's Q head must recover."""

import dataclasses
import numbers
from typing import Any

import keras
import numpy as np
from keras import ops

from keras_gan.backend import draw_for_replica, stateless_latent
from keras_gan.errors import GANConfigurationError
from keras_gan.losses.mutual_information import MutualInformationLoss
from keras_gan.models import validation
from keras_gan.models.gan import GAN
from keras_gan.models.step import GANStep


@dataclasses.dataclass
class InfoGANStep(GANStep):
    """A `GANStep` that also carries Q's output on the generated batch.

    Attributes:
        q_fake: The Q head's output on `fake` (set when the discriminator judges it).
    """

    q_fake: Any = None


@keras.saving.register_keras_serializable(package="keras_gan")
class InfoGAN(GAN):
    """A GAN whose latent vector carries codes that a Q head learns to read back.

    The generator's input is `[noise, c_1 (one-hot), ..., c_n (one-hot),
    continuous codes]`, of length `latent_dim = noise_dim + sum(categorical)
    + continuous`. Categorical codes are uniform over their values,
    continuous codes uniform on [-1, 1]. The discriminator returns two
    outputs, `[logit, q]`: Q shares the discriminator's body and adds its own
    head (as the seed's `build_discriminator_and_Q`; see
    `keras_gan.networks.infogan_discriminator`). `q` holds one block of logits
    per categorical code, then the means of the continuous codes, then, with
    `learn_std=True`, their log standard deviations.

    The mutual-information term `L = MutualInformationLoss(codes, Q(G(z, c)))`
    (cross-entropy for categorical codes, Gaussian negative log-likelihood
    for continuous ones) is added with weight `info_weight` to the
    discriminator's cost (which trains Q and the shared body) and to the
    generator's cost: G and Q both minimize it, the seed's `Q_solver` over
    theta_G + theta_Q. Logged: `info_loss` and `categorical_mi`, the
    lower bound `sum log K - cross-entropy` on the mutual information of the
    categorical codes (it approaches `log 10 = 2.30` nats for one 10-way
    code as Q learns to read it).

    Args:
        generator: `[noise, codes]` concatenated (length `latent_dim`) -> samples.
        discriminator: samples -> `[logit, q]`.
        noise_dim: Length of the incompressible noise.
        categorical: Sizes of the categorical codes (`(10,)` for digits).
        continuous: Number of continuous codes.
        learn_std: Whether Q predicts the continuous codes' log std.
        info_weight: Lambda, the weight of the mutual-information term (1).
        continuous_weight: Weight of the continuous codes within it (1).
        **kwargs: Passed to `GAN`.

    Example:

    >>> from keras_gan import networks
    >>> gan = InfoGAN(networks.infogan_mnist_generator(16, width=8),
    ...               networks.infogan_mnist_discriminator(12, width=8),
    ...               noise_dim=4, categorical=(10,), continuous=2)
    >>> gan.compile()
    >>> gan.latent_dim
    16
    >>> gan.generate(2, categorical=[3, 7]).shape
    (2, 28, 28, 1)

    Reference:
        Chen et al., "InfoGAN: Interpretable Representation Learning by
        Information Maximizing Generative Adversarial Nets", NeurIPS 2016.
    """

    def __init__(self, generator, discriminator, noise_dim, *, categorical=(10,), continuous=2,
                 learn_std=False, info_weight=1.0, continuous_weight=1.0, name="infogan", **kwargs):
        kwargs.pop("latent_dim", None)
        if isinstance(noise_dim, bool) or not isinstance(noise_dim, numbers.Integral) or noise_dim < 0:
            raise ValueError(f"`noise_dim` must be an int >= 0. Received: noise_dim={noise_dim!r}.")
        self.noise_dim = int(noise_dim)
        self.info_loss = MutualInformationLoss(categorical, continuous, learn_std, continuous_weight)
        if not self.info_loss.categorical and not self.info_loss.continuous:
            raise ValueError("InfoGAN needs at least one code: give `categorical` sizes or `continuous` > 0.")
        self.info_weight = float(info_weight)
        latent_dim = self.noise_dim + self.info_loss.code_width
        super().__init__(generator, discriminator, latent_dim, name=name, **kwargs)

    @property
    def categorical(self):
        return self.info_loss.categorical

    @property
    def continuous(self):
        return self.info_loss.continuous

    def get_config(self):
        config = super().get_config()
        config.pop("latent_dim", None)
        config.update({
            "noise_dim": self.noise_dim,
            "categorical": list(self.categorical),
            "continuous": self.continuous,
            "learn_std": self.info_loss.learn_std,
            "info_weight": self.info_weight,
            "continuous_weight": self.info_loss.continuous_weight,
        })
        return config

    def extra_log_names(self):
        names = ["info_loss"]
        if self.info_loss.categorical:
            names.append("categorical_mi")
        return tuple(names)

    # ------------------------------------------------------------------ codes

    def codes_of(self, z):
        """The codes part of latent vectors `z` (everything after the noise)."""
        return z[:, self.noise_dim :]

    def _codes_from_uniform(self, u):
        """Codes from uniform draws on [-1, 1]: one column per categorical code, then continuous."""
        parts = []
        for i, k in enumerate(self.categorical):
            index = ops.cast(ops.floor((u[:, i] + 1.0) * 0.5 * k), "int32")
            parts.append(ops.one_hot(ops.clip(index, 0, k - 1), k, dtype="float32"))
        if self.continuous:
            start = len(self.categorical)
            parts.append(u[:, start : start + self.continuous])
        return ops.concatenate(parts, axis=-1)

    def sample_latent_vectors(self, batch_size, seed=None):
        """Noise from the latent distribution, uniform categorical codes, U[-1, 1] continuous codes."""
        n_draws = len(self.categorical) + self.continuous
        if seed is None:
            stream = self._next_stream_seed()
            noise = draw_for_replica(
                lambda n: stateless_latent((n, self.noise_dim), stream, self.latent_distribution), batch_size)
            u = draw_for_replica(
                lambda n: stateless_latent((n, n_draws), stream + ops.convert_to_tensor([7919, 0], "int32"),
                                           "uniform"), batch_size)
        else:
            if self.latent_distribution == "uniform":
                noise = keras.random.uniform((batch_size, self.noise_dim), -1.0, 1.0, seed=seed)
            else:
                noise = keras.random.normal((batch_size, self.noise_dim), seed=seed)
            u = keras.random.uniform((batch_size, n_draws), -1.0, 1.0, seed=seed)
        return ops.concatenate([ops.cast(noise, "float32"), self._codes_from_uniform(u)], axis=-1)

    def latent_vectors(self, n, *, categorical=None, continuous=None, seed=None):
        """Latent vectors with chosen codes (the others drawn at random).

        Args:
            n: Number of vectors.
            categorical: Value of each categorical code: an int (first code,
                same for all), a sequence of `n` ints (first code), or an
                array `(n, number of categorical codes)`.
            continuous: Continuous codes: a float for all, or an array
                `(n, continuous)`.
            seed: Seeds the random parts.

        Returns:
            A NumPy array `(n, latent_dim)`.
        """
        n = validation.check_sample_count(n, "n", fix="latent_vectors(16, categorical=3)")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
            raise TypeError(f"`seed` must be an int or None. Received: seed={seed!r} ({validation.describe(seed)}).")
        sampler = keras.random.SeedGenerator(seed) if seed is not None else keras.random.SeedGenerator()
        z = np.array(ops.convert_to_numpy(self.sample_latent_vectors(n, sampler)))
        start = self.noise_dim
        if categorical is not None:
            if not self.categorical:
                raise ValueError(f"This InfoGAN has no categorical code; received categorical={categorical!r}.")
            values = np.asarray(categorical)
            if values.dtype == bool or not np.issubdtype(values.dtype, np.integer) and not (
                    np.issubdtype(values.dtype, np.floating) and np.all(values == np.round(values))):
                raise TypeError(
                    f"`categorical` must be integer code values in [0, {self.categorical[0]}) (one int, n ints, or "
                    f"an (n, {len(self.categorical)}) array). Received: categorical={categorical!r} "
                    f"({validation.describe(categorical)}).")
            if values.ndim > 2 or (values.ndim == 1 and len(values) not in (1, n)) or (
                    values.ndim == 2 and (values.shape[0] not in (1, n) or values.shape[1] > len(self.categorical))):
                raise ValueError(
                    f"`categorical` must be one int, {n} ints, or an ({n}, {len(self.categorical)}) array (this "
                    f"InfoGAN has categorical codes {list(self.categorical)}). Received an array of shape "
                    f"{values.shape}.")
            values = np.broadcast_to(values.reshape(-1, 1) if values.ndim <= 1 else values,
                                     (n, values.shape[1] if values.ndim == 2 else 1))
            for i, k in enumerate(self.categorical[: values.shape[1]]):
                column = values[:, i].astype(int)
                if column.min() < 0 or column.max() >= k:
                    raise ValueError(f"Categorical code {i} takes values in [0, {k}); received {column.tolist()}.")
                offset = start + sum(self.categorical[:i])
                z[:, offset : offset + k] = np.eye(k, dtype="float32")[column]
        if continuous is not None:
            offset = start + sum(self.categorical)
            z[:, offset : offset + self.continuous] = np.broadcast_to(
                np.asarray(continuous, dtype="float32"), (n, self.continuous)
            )
        return z

    def generate(self, n_or_z, *, categorical=None, continuous=None, seed=None, batch_size=256):
        """Generates samples, optionally with chosen codes (see `latent_vectors`)."""
        if categorical is not None or continuous is not None:
            if not isinstance(n_or_z, numbers.Integral):
                raise ValueError("With `categorical` or `continuous`, pass a number of samples.")
            n_or_z = self.latent_vectors(n_or_z, categorical=categorical, continuous=continuous, seed=seed)
        return super().generate(n_or_z, seed=seed, batch_size=batch_size)

    def traversal_inputs(self, steps=10, code=0, seed=0):
        """A latent-traversal grid: one row per value of categorical code 0, `code` swept.

        Args:
            steps: Columns: values of the continuous code `code` from -1 to 1
                (or, without continuous codes, samples with fresh noise).
            code: Index of the continuous code to sweep.
            seed: Seeds the noise, shared by all cells.

        Returns:
            `(z, rows)`: latent vectors `(rows * steps, latent_dim)` and the row count.
        """
        rows = self.categorical[0] if self.categorical else 1
        base = self.latent_vectors(1, seed=seed)[0]
        z = np.repeat(base[None], rows * steps, axis=0)
        if self.categorical:
            k = self.categorical[0]
            z[:, self.noise_dim : self.noise_dim + k] = np.eye(k, dtype="float32")[
                np.repeat(np.arange(rows), steps)
            ]
        if self.continuous:
            offset = self.noise_dim + sum(self.categorical) + code
            z[:, offset] = np.tile(np.linspace(-1.0, 1.0, steps), rows)
        elif self.noise_dim:
            z[:, : self.noise_dim] = np.tile(self.latent_vectors(steps, seed=seed + 1)[:, : self.noise_dim],
                                             (rows, 1))
        return z, rows

    def grid_inputs(self, n, seed=0):
        steps = max(1, n // (self.categorical[0] if self.categorical else 1))
        z, rows = self.traversal_inputs(steps=steps, seed=seed)
        return {"n_or_z": z}, rows

    # ------------------------------------------------------------------- hooks

    def call_discriminator(self, x, step, training, role, network):
        outputs = self.discriminator(x, training=training)
        if not isinstance(outputs, (list, tuple)) or len(outputs) != 2:
            raise GANConfigurationError(
                "InfoGAN's discriminator must return two outputs, `[logit, q]` (Q "
                "shares its body); build it with keras_gan.networks.infogan_mnist_discriminator "
                "or as keras.Model(x, [logit, q])."
            )
        logits, q = outputs
        if q.shape[-1] is not None and q.shape[-1] != self.info_loss.q_width:
            raise GANConfigurationError(
                f"InfoGAN's Q head returns {q.shape[-1]} values per sample, but the codes "
                f"(categorical={list(self.categorical)}, continuous={self.continuous}, "
                f"learn_std={self.info_loss.learn_std}) need {self.info_loss.q_width}: "
                "one logit per categorical value, one mean per continuous code"
                + (" and one log std per continuous code." if self.info_loss.learn_std else ".")
            )
        if role == "fake":
            step.q_fake = q
        return logits

    step_class = InfoGANStep

    def _info_term(self, step):
        codes = self.codes_of(step.z)
        return codes, ops.mean(self.info_loss.call(codes, step.q_fake))

    def discriminator_objective(self, step):
        """The GAN's cost plus `info_weight` times the information term (it trains Q and the shared body)."""
        loss, logs = super().discriminator_objective(step)
        _, info = self._info_term(step)
        return loss + self.info_weight * info, logs

    def generator_objective(self, step):
        """The GAN's cost plus `info_weight` times the information term; logs `info_loss`, `categorical_mi`."""
        loss, logs = super().generator_objective(step)
        codes, info = self._info_term(step)
        logs = dict(logs, info_loss=info)
        if self.categorical:
            logs["categorical_mi"] = self.info_loss.categorical_mutual_information(codes, step.q_fake)
        return loss + self.info_weight * info, logs
