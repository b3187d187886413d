"""`HealthMonitor`: watches a GAN while it trains and says, in one line, what went wrong and what to try."""

import math
import types

import keras
import numpy as np

from keras_gan.utils.arguments import check_bool, check_int, check_number, check_seed, received
from keras_gan.utils.data import first_samples

#: The numeric flags written into each epoch's logs (1.0 while the failure is seen, else 0.0).
FLAGS = ("health_d_wins", "health_collapse", "health_oscillation", "health_vanishing_gradient")

# Generator costs whose gradient vanishes where the discriminator confidently rejects the samples.
_SATURATING = ("minimax", "maximum_likelihood")


class HealthMonitor(keras.callbacks.Callback):
    """Detects the classic GAN failures while training runs, and says what to try.

    At the end of every epoch it reads the epoch's logs (`p_real`,
    `p_fake`, or `critic_gap` for critic objectives), measures the
    diversity of a fixed batch of generated samples against real data's and
    the generator's gradient norm, and checks four failures:

    - **the discriminator wins outright**: `p_real >= confident` and
      `p_fake <= 1 - confident` for `patience` epochs (critic objectives:
      `critic_gap` rose in each of the last `patience` epochs, to at least
      twice its value before them);
    - **mode collapse**: the generated samples' diversity (mean pairwise
      distance in a feature space) is below `collapse_ratio` times the
      real data's in each of the last `collapse_patience` measurements;
    - **oscillation without progress**: over the last `window` epochs the
      discriminator's margin (`p_real - p_fake`, or `critic_gap`) swings up
      and down (at least 3 reversals of direction) by at least
      `oscillation_swing` (critic objectives: by at least its mean size),
      with no trend, swings that do not die out and, when measured, no gain
      in diversity;
    - **vanishing generator gradient**: the generator's cost saturates
      (`loss="minimax"` or `"maximum_likelihood"`) and `p_fake <=
      vanishing_p_fake` for `patience` epochs: the cost is flat where the
      discriminator rejects the samples.

    Each finding is printed once when it appears, as one line naming what
    was seen and what to try, and kept in `findings`. Every epoch's logs get
    the flags `health_d_wins`, `health_collapse`, `health_oscillation` and
    `health_vanishing_gradient` (1.0 while seen, else 0.0), `diversity`
    (generated / real mean pairwise distance; 1 is real data's spread) and
    `g_grad_norm` (the global norm of the generator's gradient on a fixed
    latent batch, under the model's own loss), so `History`, `TensorBoard`
    (list the monitor before it) and `plot_history` see them.

    Diversity is measured in the shipped digit classifier's feature space
    for 28x28x1 samples (`features="auto"`), in the raw, flattened sample
    space otherwise, or in any feature space given as a callable. Without
    `real_data` the collapse check is off (`diversity` is not logged).
    Opt-in for `fit`; `keras-gan train` adds one.

    Args:
        real_data: Real samples, an array `(n, ...)` or a `tf.data.Dataset`
            of samples or `(samples, labels)` batches; the first
            `num_samples` are the diversity reference. None: no collapse check.
        num_samples: Generated (and real) samples in the diversity batch.
        features: `"auto"`, `"digits"` (the shipped classifier's 128
            features), `"raw"`, or a callable `samples -> (n, d) features`.
        every: Measure diversity every this many epochs (and at the last).
        patience: Epochs a condition must hold before it is reported
            (winning discriminator, vanishing gradient).
        collapse_patience: Consecutive low-diversity measurements before
            mode collapse is reported.
        confident: The probability beyond which the discriminator counts as
            certain (p_real above it, p_fake below `1 - confident`).
        collapse_ratio: Diversity, as a fraction of real data's, below
            which the samples count as collapsed.
        window: Epochs over which oscillation is judged.
        oscillation_swing: The swing of `p_real - p_fake` (max - min over
            the window) that counts as an oscillation.
        vanishing_p_fake: The `p_fake` below which a saturating generator
            cost has (almost) no gradient.
        measure_gradient: Also log `g_grad_norm` (one extra forward and
            backward pass on `gradient_samples` latent vectors per epoch;
            TensorFlow backend, and models whose generator takes latent
            vectors alone: elsewhere it is skipped).
        gradient_samples: Latent vectors of that pass.
        verbose: Print each finding (and a closing summary) when 1.
        seed: Seed of the fixed latent vectors.

    Attributes:
        findings: A list of dicts `{"epoch", "kind", "message"}`, one per
            finding, in order (`kind` is a flag name without `health_`).

    Example:

    >>> G = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, trainable=False,
    ...     kernel_initializer="zeros", bias_initializer="ones")])   # a constant: total collapse
    >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, activation="relu"),
    ...                       keras.layers.Dense(1)])
    >>> ring = keras_gan.datasets.ring_of_gaussians(512, seed=0)
    >>> gan = keras_gan.models.GAN(G, D, latent_dim=2)
    >>> gan.compile()
    >>> monitor = keras_gan.callbacks.HealthMonitor(ring, verbose=0)
    >>> history = gan.fit(ring, batch_size=64, epochs=3, verbose=0, callbacks=[monitor])
    >>> history.history["health_collapse"], history.history["diversity"][-1]
    ([0.0, 0.0, 1.0], 0.0)
    >>> monitor.findings[0]["kind"], monitor.findings[0]["epoch"]
    ('collapse', 3)

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014 (the
        minimax cost saturates). Arjovsky and Bottou, "Towards Principled
        Methods for Training Generative Adversarial Networks", ICLR 2017 (a
        perfect discriminator leaves no gradient). Salimans et al., "Improved
        Techniques for Training GANs", NeurIPS 2016 (mode collapse,
        non-convergence). Lin et al., "PacGAN: The power of two samples in
        generative adversarial networks", NeurIPS 2018.
    """

    #: `GAN.fit` may run callbacks that write the epoch's logs before the others.
    writes_epoch_logs = True

    def __init__(self, real_data=None, *, num_samples=256, features="auto", every=1, patience=3,
                 collapse_patience=3, confident=0.9, collapse_ratio=0.5, window=8, oscillation_swing=0.4,
                 vanishing_p_fake=0.05, measure_gradient=True, gradient_samples=64, verbose=1, seed=0):
        super().__init__()
        self.num_samples = check_int(num_samples, "num_samples", minimum=2, what="samples in the diversity batch")
        self.every = check_int(every, "every", what="epochs between diversity measurements")
        self.patience = check_int(patience, "patience", what="epochs a condition must hold")
        self.collapse_patience = check_int(collapse_patience, "collapse_patience",
                                           what="low-diversity measurements before collapse is reported")
        self.window = check_int(window, "window", minimum=4, what="epochs over which oscillation is judged")
        self.gradient_samples = check_int(gradient_samples, "gradient_samples", what="latent vectors of the "
                                          "gradient measurement")
        self.confident = check_number(confident, "confident", low=0, high=1, low_open=True, high_open=True,
                                      what="the probability beyond which the discriminator counts as certain")
        self.vanishing_p_fake = check_number(vanishing_p_fake, "vanishing_p_fake", low=0, high=1, low_open=True,
                                             high_open=True)
        self.collapse_ratio = check_number(collapse_ratio, "collapse_ratio", low=0, low_open=True,
                                           what="a fraction of real data's diversity")
        self.oscillation_swing = check_number(oscillation_swing, "oscillation_swing", low=0, low_open=True)
        if not (callable(features) or (isinstance(features, str) and features in ("auto", "digits", "raw"))):
            raise (ValueError if isinstance(features, str) else TypeError)(
                f"`features` must be 'auto', 'digits', 'raw' or a callable. {received('features', features)}"
            )
        self.features = features
        self.measure_gradient = check_bool(measure_gradient, "measure_gradient")
        self.verbose = (int(verbose) if isinstance(verbose, bool)
                        else check_int(verbose, "verbose", minimum=0, what="0: silent, 1: print each finding"))
        self.seed = check_seed(seed)
        self.real_samples = None if real_data is None else _take(real_data, self.num_samples)
        if features == "digits" and self.real_samples is not None and tuple(self.real_samples.shape[1:]) != (28, 28, 1):
            raise ValueError(f"`features='digits'` needs 28x28x1 samples; real_data has samples of shape "
                             f"{tuple(self.real_samples.shape[1:])}. Use features='raw' or a callable.")
        self.findings = []
        self._reset()

    def _reset(self):
        self._series = {key: [] for key in ("p_real", "p_fake", "critic_gap", "diversity")}
        self._flags = {flag: 0.0 for flag in FLAGS}
        self._last_seen = {}
        self._epochs = 0
        self._real_spread = None
        self._extractor = None
        self._space = None
        self._gradient_ok = self.measure_gradient
        self._z = None

    # ------------------------------------------------------------------ keras

    def on_train_begin(self, logs=None):
        self._reset()
        self.findings = []
        if self.real_samples is not None:
            self._extractor, self._space = self._feature_extractor(self.real_samples.shape[1:])
            self._real_spread = mean_pairwise_distance(self._extractor(self.real_samples))

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        self._epochs = epoch + 1
        for key in ("p_real", "p_fake", "critic_gap"):
            if key in logs:
                self._series[key].append(_float(logs[key]))
        last = self.params.get("epochs") if self.params else None
        due = (epoch + 1) % self.every == 0 or (last is not None and epoch + 1 == last)
        if self._real_spread is not None and due:
            ratio = self.diversity()
            self._series["diversity"].append(ratio)
            logs["diversity"] = ratio
        if self._gradient_ok:
            norm = self._generator_gradient_norm()
            if norm is not None:
                logs["g_grad_norm"] = norm
        found = self._check(epoch + 1, logs)
        for flag in FLAGS:
            now = 1.0 if flag in found else 0.0
            # Reported when it appears; a failure that flickers is reported again only after `window` clear epochs.
            if now and not self._flags[flag] and epoch + 1 - self._last_seen.get(flag, -self.window) > self.window:
                message = f"keras-gan health (epoch {epoch + 1}): {found[flag]}"
                self.findings.append({"epoch": epoch + 1, "kind": flag[len("health_"):], "message": message})
                if self.verbose:
                    print(message, flush=True)
            if now:
                self._last_seen[flag] = epoch + 1
            self._flags[flag] = now
            logs[flag] = now

    def on_train_end(self, logs=None):
        if not self.verbose or not self._epochs:
            return
        if self.findings:
            kinds = sorted({f["kind"] for f in self.findings})
            print(f"keras-gan health: {len(self.findings)} finding(s) in {self._epochs} epochs "
                  f"({', '.join(kinds)}); see the lines above and `health_*` in the history.", flush=True)
        else:
            spread = self._series["diversity"]
            note = f"; sample diversity {spread[-1]:.2f} of real data's" if spread else ""
            epochs = f"{self._epochs} epoch" + ("" if self._epochs == 1 else "s")
            print(f"keras-gan health: no training problem seen in {epochs}{note}.", flush=True)

    # ------------------------------------------------------------ measuring

    def diversity(self):
        """Mean pairwise distance of the fixed generated batch over real data's (1 = as spread as real data).

        Returns:
            A float; 0 when every sample is the same.
        """
        if self._real_spread is None:
            raise ValueError("`HealthMonitor.diversity()` needs `real_data` and a started `fit`.")
        generated = np.asarray(self.model.generate(self.num_samples, seed=self.seed))
        return float(mean_pairwise_distance(self._extractor(generated)) / max(self._real_spread, 1e-12))

    def _feature_extractor(self, sample_shape):
        features = self.features
        if features == "auto":
            features = "digits" if tuple(sample_shape) == (28, 28, 1) else "raw"
        if callable(features):
            return (lambda x: _flat(features(x))), getattr(features, "name", "given features")
        if features == "digits":
            if tuple(sample_shape) != (28, 28, 1):
                raise ValueError(f"`features='digits'` needs 28x28x1 samples; real_data has {tuple(sample_shape)}.")
            from keras_gan.metrics.digit_classifier import digit_feature_extractor

            extractor = digit_feature_extractor()
            return (lambda x: _flat(extractor.predict(x, batch_size=256, verbose=0))), "digit-classifier features"
        return _flat, "raw samples"

    def _generator_gradient_norm(self):
        """Global norm of the generator's gradient under the model's loss, on fixed latents; None if unmeasurable."""
        try:
            import tensorflow as tf

            model = self.model
            if self._z is None:
                rng = np.random.default_rng(self.seed)
                shape = (self.gradient_samples, int(model.latent_dim))
                if getattr(model, "latent_distribution", "normal") == "uniform":
                    self._z = rng.uniform(-1.0, 1.0, size=shape).astype("float32")
                else:
                    self._z = rng.normal(size=shape).astype("float32")
                self._z = self._z[: _usable_batch(model, len(self._z))]
            variables = model.generator.trainable_variables
            with tf.GradientTape() as tape:
                fake = model.generator(self._z, training=False)
                logits = model.discriminator(_discriminator_input(model, fake), training=False)
                if isinstance(logits, (list, tuple)):
                    logits = logits[0]
                loss = model.loss_fn.generator_loss(tf.cast(logits, "float32"))
            grads = [g for g in tape.gradient(loss, variables) if g is not None]
            if not grads:
                self._gradient_ok = False
                return None
            return float(tf.linalg.global_norm(grads).numpy())
        except Exception:  # noqa: BLE001 - a model this measurement does not fit: stop measuring
            self._gradient_ok = False
            return None

    # ------------------------------------------------------------ detecting

    def _check(self, epoch, logs):
        """The failures seen now, `{flag: one-line message}`."""
        found = {}
        s = self._series
        loss_name = getattr(getattr(self.model, "loss_fn", None), "name", None)
        if s["p_real"] and s["p_fake"]:
            if _d_wins(s["p_real"], s["p_fake"], self.patience, self.confident):
                found["health_d_wins"] = (
                    f"the discriminator is winning outright (p_real {s['p_real'][-1]:.2f}, p_fake "
                    f"{s['p_fake'][-1]:.2f} for {self.patience} epochs), so the generator learns little. Try: "
                    "lower the discriminator's learning rate (d_optimizer) or raise the generator's, one-sided "
                    "label smoothing, InstanceNoise, or a gradient penalty (R1Penalty, GradientPenalty)."
                )
            if loss_name in _SATURATING and _vanishing(s["p_fake"], self.patience, self.vanishing_p_fake):
                norm = logs.get("g_grad_norm")
                measured = f", generator gradient norm {norm:.2g}" if norm is not None else ""
                found["health_vanishing_gradient"] = (
                    f"vanishing generator gradient: loss='{loss_name}' and p_fake {s['p_fake'][-1]:.3f} for "
                    f"{self.patience} epochs{measured}; this cost is flat where the discriminator rejects the "
                    "samples. Try: loss='non_saturating' (same fixed point, strong gradient there), or weaken "
                    "the discriminator (lower its learning rate)."
                )
            margin = [r - f for r, f in zip(s["p_real"], s["p_fake"])]
            swing = self.oscillation_swing
            name = "p_real - p_fake"
        elif s["critic_gap"]:
            if _critic_wins(s["critic_gap"], self.patience):
                gap = s["critic_gap"]
                found["health_d_wins"] = (
                    f"the critic is winning outright (critic_gap rose from {gap[-self.patience - 1]:.3g} to "
                    f"{gap[-1]:.3g} over {self.patience} epochs): nothing bounds it. Try: a gradient penalty "
                    "(GradientPenalty(10.0), as WGAN-GP) or WeightClipping, or lower the critic's learning rate."
                )
            margin, swing, name = s["critic_gap"], None, "critic_gap"
        else:
            margin, swing, name = [], None, None
        ratios = s["diversity"]
        if len(ratios) >= self.collapse_patience and all(r < self.collapse_ratio for r in
                                                          ratios[-self.collapse_patience:]):
            found["health_collapse"] = (
                f"mode collapse: the samples' diversity is {ratios[-1]:.2f} of the real data's ({self._space}) "
                f"in the last {self.collapse_patience} measurements. Try: Packing(2) to Packing(4) (PacGAN), "
                "MinibatchDiscrimination or MinibatchStandardDeviation in the discriminator, a lower generator "
                "learning rate, or a gradient penalty."
            )
        if name is not None and _oscillates(margin, ratios, self.window, swing):
            window = margin[-self.window:]
            found["health_oscillation"] = (
                f"oscillation without progress: {name} swung between {min(window):.2f} and {max(window):.2f} "
                f"over the last {self.window} epochs with no trend" + (" and no gain in diversity" if ratios else "")
                + ". Try: lower both learning rates (or Adam beta_1 0.5 -> 0), two time-scale rates (the "
                "discriminator's above the generator's), HistoricalAveraging, or an average of the generator's "
                "weights (use_ema)."
            )
        return found


# ---------------------------------------------------------------- detectors


def _d_wins(p_real, p_fake, patience, confident):
    if len(p_real) < patience:
        return False
    return all(r >= confident and f <= 1.0 - confident for r, f in zip(p_real[-patience:], p_fake[-patience:]))


def _critic_wins(gap, patience):
    if len(gap) < patience + 1:
        return False
    recent = gap[-patience - 1:]
    rising = all(b > a for a, b in zip(recent, recent[1:]))
    return rising and recent[-1] > 0 and recent[-1] >= 2.0 * max(recent[0], 0.0) and recent[-1] - recent[0] > 1e-6


def _vanishing(p_fake, patience, threshold):
    return len(p_fake) >= patience and all(f <= threshold for f in p_fake[-patience:])


def _oscillates(signal, diversity, window, swing=None):
    """Whether `signal` swings up and down over the last `window` values, with no progress.

    No progress: no trend, swings not dying out (the second half's range is at
    least half the first half's), and, when measured, no gain in diversity.

    `swing`: the least max - min that counts; None: the signal's mean absolute value (scale-free).
    """
    if len(signal) < window:
        return False
    values = np.asarray(signal[-window:], dtype="float64")
    steps = np.diff(values)
    steps = steps[np.abs(steps) > 1e-12]
    reversals = int(np.sum(np.sign(steps[1:]) != np.sign(steps[:-1]))) if len(steps) > 1 else 0
    spread = float(values.max() - values.min())
    needed = float(np.mean(np.abs(values))) if swing is None else swing
    if reversals < max(3, window // 3) or spread < needed or spread <= 0:
        return False
    trend = abs(float(np.polyfit(np.arange(window), values, 1)[0])) * (window - 1)
    if trend > spread / 2:
        return False
    half = window // 2
    if np.ptp(values[half:]) < 0.5 * np.ptp(values[:half]):  # the swings are dying out: converging
        return False
    if len(diversity) >= 2:
        recent = diversity[-max(2, min(window, len(diversity))):]
        if recent[-1] - recent[0] > 0.1:
            return False
    return True


# ------------------------------------------------------------------ helpers


def mean_pairwise_distance(features):
    """The mean Euclidean distance between distinct rows of `features`.

    Args:
        features: An array `(n, ...)`, flattened to `(n, d)`; `n >= 2`.

    Returns:
        A float: 0 when all rows are equal.

    Example:

    >>> mean_pairwise_distance(np.array([[0.0, 0.0], [3.0, 4.0], [0.0, 0.0]]))
    3.333...

    Reference:
        Lin et al., "PacGAN: The power of two samples in generative adversarial networks",
        NeurIPS 2018 (diversity of a generator's samples as a sign of mode collapse).
    """
    f = _flat(features).astype("float64")
    if len(f) < 2:
        raise ValueError(f"`mean_pairwise_distance` needs at least 2 rows; received {len(f)}.")
    squares = np.sum(f * f, axis=1)
    d2 = np.maximum(squares[:, None] + squares[None, :] - 2.0 * f @ f.T, 0.0)
    upper = np.triu_indices(len(f), k=1)
    return float(np.sqrt(d2[upper]).mean())


def _flat(x):
    x = np.asarray(keras.ops.convert_to_numpy(x))
    return x.reshape(len(x), -1)


def _float(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _take(data, n):
    """The first `n` samples of an array, a `(x, y)` tuple or a dataset of batches."""
    return first_samples(data, n, "HealthMonitor")


def _usable_batch(model, n):
    """The largest batch <= n that every trick of the model accepts (Packing needs a multiple of m)."""
    multiple = model.trick_chain.batch_multiple
    return max(multiple, n - n % multiple)


def _discriminator_input(model, x):
    """`x` as the discriminator sees it: the tricks' input transforms (packing), outside a training step."""
    step = types.SimpleNamespace(real=x, fake=x, z=None, labels=None, training=False)
    return model.trick_chain.transform_discriminator_input(model, x, step, "fake")
