"""Discriminator rejection sampling (Azadi et al., 2019)."""

import keras
import numpy as np
from keras import ops

from keras_gan.errors import GANConfigurationError
from keras_gan.utils.arguments import check_bool, check_int, check_number, check_seed, received
from keras_gan.utils.messages import describe


def _check_gan(gan):
    if not (hasattr(gan, "generate") and hasattr(gan, "trick_chain") and hasattr(gan, "discriminator")):
        raise TypeError(f"`gan` must be a keras_gan GAN (keras_gan.models.GAN or a subclass). {received('gan', gan)}")
    return gan


def _check_discriminator(discriminator, needs_fit=False):
    if discriminator is None:
        return None
    if not callable(discriminator) or (needs_fit and not hasattr(discriminator, "fit")):
        kind = "a Keras model" if needs_fit else "a Keras model or layer"
        raise TypeError(f"`discriminator` must be None or {kind} giving one logit per sample. "
                        f"{received('discriminator', discriminator)}")
    return discriminator


def _check_data(data):
    message = "`data` must be a NumPy array (n, ...) of at least 1 real sample"
    try:
        array = np.asarray(data, "float32")
    except (TypeError, ValueError):
        raise TypeError(f"{message}; received {describe(data)}.") from None
    if array.ndim < 2 or len(array) < 1:
        raise ValueError(f"{message}, one row per sample; received {describe(data)}.")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{message} with finite values; received data with NaN or Inf.")
    return array


def _check_per_sample(gan, discriminator):
    if discriminator is not None:
        return discriminator
    if gan.trick_chain.samples_per_input > 1:
        raise GANConfigurationError(
            f"This GAN's discriminator judges packs of {gan.trick_chain.samples_per_input} samples, and rejection "
            "sampling needs one logit per sample. Train one after the GAN: "
            "`d = keras_gan.sampling.train_density_ratio(gan, data, discriminator=<a fresh per-sample network>)`, "
            "then pass `discriminator=d`.")
    if len(gan.discriminator.inputs or []) != 1:
        raise GANConfigurationError(
            "Rejection sampling calls the discriminator on samples alone; this model's discriminator takes "
            f"{len(gan.discriminator.inputs)} inputs (labels or codes). Pass `discriminator=` a network of the "
            "samples alone (see `train_density_ratio`).")
    return gan.discriminator


def _logits(discriminator, x, batch_size):
    out = [np.asarray(ops.convert_to_numpy(discriminator(x[i:i + batch_size], training=False)), "float64")
           for i in range(0, len(x), batch_size)]
    logits = np.concatenate(out, axis=0)
    if logits.ndim > 2 or logits.shape[0] != len(x) or logits.size != len(x):
        raise ValueError(
            f"Rejection sampling needs one logit per sample; the discriminator returned shape {logits.shape} for "
            f"{len(x)} samples.")
    return logits.reshape(-1)


def train_density_ratio(gan, data, discriminator=None, *, steps=2000, batch_size=256, learning_rate=1e-3,
                        seed=0, verbose=0):
    """Trains a discriminator to tell `data` from the GAN's samples, the generator frozen.

    At its optimum, a discriminator trained with the cross-entropy has the
    logit `log p_data(x) / p_g(x)`: what `rejection_sample` needs. Azadi et
    al. fine-tune the GAN's own discriminator this way after training; a
    packed discriminator (PacGAN) has no per-sample logit, so pass a fresh
    per-sample network instead.

    Args:
        gan: A trained unconditional `keras_gan.models.GAN`.
        data: Real samples, a NumPy array `(n, ...)`.
        discriminator: The network to train (one logit per sample). Default:
            a copy of the GAN's discriminator, with its weights (the GAN's
            own network is left as it is).
        steps: Updates, each on `batch_size` real and `batch_size` generated samples.
        batch_size: Samples of each kind per update.
        learning_rate: Adam's learning rate.
        seed: Seeds the generated samples (the shuffling follows Keras's
            global seed, `keras.utils.set_random_seed`).
        verbose: Keras's `fit` verbosity.

    Returns:
        The trained discriminator.

    Example:

    >>> G = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
    >>> gan = keras_gan.models.GAN(G, D, latent_dim=2, seed=0)
    >>> points = np.random.default_rng(0).normal(3.0, 0.1, (256, 2)).astype("float32")
    >>> d = keras_gan.sampling.train_density_ratio(gan, points, steps=50, batch_size=64)
    >>> d is gan.discriminator  # a trained copy; the GAN's own network is left as it is
    False
    >>> keras_gan.sampling.rejection_sample(gan, 8, discriminator=d, burn_in=256, batch_size=256, seed=0).shape
    (8, 2)

    Reference:
        Azadi, Olsson, Darrell, Goodfellow and Odena, "Discriminator Rejection
        Sampling", ICLR 2019.
    """
    _check_gan(gan)
    discriminator = _check_discriminator(discriminator, needs_fit=True)
    data = _check_data(data)
    steps = check_int(steps, "steps", what="updates")
    batch_size = check_int(batch_size, "batch_size", what="samples of each kind per update")
    learning_rate = check_number(learning_rate, "learning_rate", low=0, low_open=True)
    seed = check_seed(seed)
    if verbose != "auto":
        verbose = check_int(verbose, "verbose", minimum=0, maximum=2, what="Keras's fit verbosity")
    if discriminator is None:
        own = _check_per_sample(gan, None)
        discriminator = keras.models.clone_model(own)
        discriminator.set_weights(own.get_weights())
    n = min(len(data), steps * batch_size)
    fake = gan.generate(max(n, batch_size), seed=seed)
    if fake.shape[1:] != data.shape[1:]:
        raise ValueError(f"`data` holds samples of shape {data.shape[1:]}; the generator makes {fake.shape[1:]}.")
    x = np.concatenate([data, fake], axis=0)
    y = np.concatenate([np.ones(len(data), "float32"), np.zeros(len(fake), "float32")])
    discriminator.compile(optimizer=keras.optimizers.Adam(learning_rate),
                          loss=keras.losses.BinaryCrossentropy(from_logits=True))
    steps_per_epoch = max(1, len(x) // (2 * batch_size))
    discriminator.fit(x, y, batch_size=2 * batch_size, epochs=max(1, steps // steps_per_epoch),
                      shuffle=True, verbose=verbose)
    return discriminator


def rejection_sample(gan, n, *, discriminator=None, gamma=0.0, burn_in=10_000, batch_size=1_000,
                     max_draws=None, seed=None, return_info=False):
    """Discriminator rejection sampling: keeps each generated sample with probability `sigmoid(F(x))`.

    With `D(x)` the discriminator's logit (an estimate of
    `log p_data(x) / p_g(x)`) and `D_M` its largest value seen so far (from
    `burn_in` samples, raised whenever a larger one appears),

        F(x) = D(x) - D_M - log(1 - exp(D(x) - D_M - 1e-6)) - gamma,

    so that with `gamma = 0` a sample is kept with probability
    `exp(D(x) - D_M)`: exact rejection sampling of `p_data` from `p_g` when
    the discriminator is optimal. A negative `gamma` keeps more samples (closer
    to the plain generator), a positive one fewer.

    Args:
        gan: A trained `keras_gan.models.GAN` (unconditional).
        n: Samples to return.
        discriminator: The network whose logit is used (default: the GAN's
            own; see `train_density_ratio`).
        gamma: Shift of the acceptance logit.
        burn_in: Generated samples used to estimate `D_M` first.
        batch_size: Samples generated per round.
        max_draws: Give up after this many generated samples (default
            `1000 * n`), with an error that reports the acceptance rate.
        seed: Seeds the latent vectors and the acceptance draws.
        return_info: Also return `{"acceptance": kept / drawn, "log_m": D_M}`.

    Returns:
        A NumPy array of `n` samples (and the info dict, with `return_info`).

    Example:

    >>> G = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> gan = keras_gan.models.GAN(G, D, latent_dim=2, seed=0)
    >>> samples, info = keras_gan.sampling.rejection_sample(gan, 8, burn_in=256, batch_size=256, seed=0,
    ...                                                     return_info=True)
    >>> samples.shape, bool(0.0 < info["acceptance"] <= 1.0)
    ((8, 2), True)

    Reference:
        Azadi, Olsson, Darrell, Goodfellow and Odena, "Discriminator Rejection
        Sampling", ICLR 2019.
    """
    _check_gan(gan)
    n = check_int(n, "n", what="samples to return")
    discriminator = _check_discriminator(discriminator)
    gamma = check_number(gamma, "gamma", what="shift of the acceptance logit")
    burn_in = check_int(burn_in, "burn_in", what="generated samples that estimate D_M first")
    batch_size = check_int(batch_size, "batch_size", what="samples generated per round")
    max_draws = check_int(max_draws, "max_draws", allow_none=True, what="generated samples before giving up")
    seed = check_seed(seed)
    return_info = check_bool(return_info, "return_info")
    discriminator = _check_per_sample(gan, discriminator)
    max_draws = 1000 * n if max_draws is None else max_draws
    rng = np.random.default_rng(seed)
    stream = int(rng.integers(2**31))

    def draw(count):
        nonlocal stream
        stream += 1
        x = gan.generate(int(count), seed=stream, batch_size=batch_size)
        return x, _logits(discriminator, x, batch_size)

    _, burn = draw(burn_in)
    log_m = float(np.max(burn))
    kept, drawn, total = [], 0, 0
    while total < n:
        if drawn >= max_draws:
            raise RuntimeError(
                f"Rejection sampling kept {total} of {drawn} samples ({total / drawn:.2%}) before reaching "
                f"max_draws={max_draws}. Lower `gamma` (negative keeps more) or raise `max_draws`.")
        x, logits = draw(batch_size)
        drawn += len(x)
        log_m = max(log_m, float(np.max(logits)))
        gap = logits - log_m
        f = gap - np.log1p(-np.exp(gap - 1e-6)) - gamma
        accept = rng.uniform(size=len(x)) < 0.5 * (1.0 + np.tanh(f / 2.0))  # sigmoid(f), overflow-free
        kept.append(x[accept])
        total += int(accept.sum())
    samples = np.concatenate(kept, axis=0)[:n]
    if return_info:
        return samples, {"acceptance": total / drawn, "log_m": log_m}
    return samples
