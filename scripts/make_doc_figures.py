"""Makes the pictures of the docs and README from the package's own code (never by hand).

    python scripts/make_doc_figures.py             # the analytic figures (seconds)
    python scripts/make_doc_figures.py --digits    # also trains the main job's DCGAN (minutes) for digits.png
    python scripts/make_doc_figures.py --models    # also the CGAN, InfoGAN, WGAN-GP and mode-coverage pictures
    python scripts/make_doc_figures.py --models wgan   # only some of them

Writes into docs/images/:
- generator_costs.png: the minimax, non-saturating and maximum-likelihood
  generator costs against D(G(z)), computed by keras_gan.losses (as Goodfellow's
  tutorial compares them);
- xy_game.png: alternating gradient play orbiting the equilibrium of min_x max_y xy,
  the same game played by GAN.fit, and HistoricalAveraging making it converge;
- lsgan_gradients.png: discriminators trained with the non-saturating and the
  least-squares objectives on 1-D data, and where each pushes a generated sample;
- label_smoothing.png: the optimal discriminator without, with one-sided and with
  two-sided label smoothing, against discriminators trained with keras_gan.losses;
- vbn_independence.png: one sample's output in 40 different batches, batch norm
  against VirtualBatchNormalization;
- minibatch_features.png: MinibatchDiscrimination's closeness features against the
  spread of the batch;
- js_vs_em.png: JS divergence and Earth-Mover distance between two point masses
  at 0 and theta (the WGAN paper's example of non-overlapping distributions);
- digits.png: samples of `keras-gan train` (with --digits);
- cgan.png, infogan_traversal.png: the conditional GAN's one-row-per-digit grid and
  InfoGAN's latent traversal, from `examples/` at their default settings (with --models);
- wgan_critic.png: WGAN-GP's Wasserstein estimate and digit_fd per epoch
  (`examples/wgan_digits.py`, with --models);
- improved_techniques.png: one row of samples per technique of Salimans et al.
  (`examples/improved_techniques.py`, with --models);
- tuning_trials.png: the Keras Tuner search of `examples/tune_dcgan.py` (with --models);
- mode_coverage.png: `benchmarks/mode_coverage.py` for one seed (with --models).
"""

import argparse
import importlib.util
import os
import pathlib
import shutil
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _save(fig, path):
    from keras_gan.plotting import save_figure

    print(f"wrote {save_figure(fig, path)}")


def generator_costs(path):
    from keras import ops

    import keras_gan

    d = np.linspace(0.005, 0.995, 199)
    logits = np.log(d / (1 - d)).astype("float32")
    fig, ax = plt.subplots(figsize=(5.5, 4))
    for name in ("minimax", "non_saturating", "maximum_likelihood"):
        loss = keras_gan.losses.get(name)
        # The loss averages over its batch: map it over one-logit batches to get each point's cost.
        per_point = ops.vectorized_map(lambda logit, loss=loss: loss.generator_loss(logit[None]), logits)
        cost = ops.convert_to_numpy(per_point)
        ax.plot(d, cost, label=name.replace("_", "-"))
    ax.set_xlabel("D(G(z))")
    ax.set_ylabel("generator cost J(G)")
    ax.set_ylim(-20, 5)
    ax.set_title("Generator costs (keras_gan.losses)")
    ax.legend()
    fig.tight_layout()
    _save(fig, path)


def _script(relative):
    spec = importlib.util.spec_from_file_location(pathlib.Path(relative).stem, ROOT / relative)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def xy_game(path):
    _script("examples/xy_game.py").main(["--out", str(path)])


MODEL_PICTURES = ("cgan", "infogan", "wgan", "improved", "tuning", "mode_coverage")


def model_pictures(out, names=MODEL_PICTURES):
    work = pathlib.Path(tempfile.mkdtemp())
    try:
        if "cgan" in names:
            _script("examples/conditional_gan_digits.py").main(["--out", str(work / "cgan")])
            shutil.copyfile(sorted((work / "cgan" / "samples").glob("*.png"))[-1], out / "cgan.png")
        if "infogan" in names:
            _script("examples/infogan_digits.py").main(["--out", str(work / "infogan")])
            shutil.copyfile(work / "infogan" / "traversal.png", out / "infogan_traversal.png")
        if "wgan" in names:
            _script("examples/wgan_digits.py").main(["--out", str(work / "wgan"), "--epochs", "60"])
            shutil.copyfile(work / "wgan" / "wasserstein.png", out / "wgan_critic.png")
        if "improved" in names:
            configs = ["baseline", "feature_matching", "minibatch", "historical_averaging", "label_smoothing",
                       "vbn", "all"]
            _script("examples/improved_techniques.py").main(["--configs", *configs,
                                                             "--out", str(out / "improved_techniques.png")])
        if "tuning" in names:
            _script("examples/tune_dcgan.py").main(["--out", str(work / "tune")])
            shutil.copyfile(work / "tune" / "trials.png", out / "tuning_trials.png")
        if "mode_coverage" in names:
            _script("benchmarks/mode_coverage.py").main(["--seeds", "0", "--out", str(out / "mode_coverage.png")])
        print(f"wrote the pictures of {', '.join(names)} into {out}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def js_vs_em(path):
    theta = np.linspace(-1, 1, 401)
    js = np.where(np.isclose(theta, 0), 0.0, np.log(2))
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.2), sharex=True)
    axes[0].plot(theta, np.abs(theta))
    axes[0].set_title("Earth-Mover distance W(P0, P_theta) = |theta|")
    axes[1].plot(theta[theta < 0], js[theta < 0], "C1")
    axes[1].plot(theta[theta > 0], js[theta > 0], "C1")
    axes[1].plot([0], [0], "o", color="C1")
    axes[1].set_title("JS divergence: log 2, except 0 at theta = 0")
    for ax in axes:
        ax.set_xlabel("theta")
    fig.tight_layout()
    _save(fig, path)


def _train_1d_discriminator(loss_fn, real_sampler, fake_sampler, steps=1500, hidden=32, linear=False, seed=0):
    """Trains a small 1-D discriminator on `loss_fn(real_logits, fake_logits)` with Adam; returns it."""
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    layers = [keras.Input((1,))]
    if not linear:
        layers += [keras.layers.Dense(hidden, activation="tanh"), keras.layers.Dense(hidden, activation="tanh")]
    net = keras.Sequential(layers + [keras.layers.Dense(1)])
    optimizer = keras.optimizers.Adam(1e-2)
    rng = np.random.default_rng(seed)

    @tf.function
    def step(real, fake):
        with tf.GradientTape() as tape:
            loss = loss_fn(net(real), net(fake))
        optimizer.apply(tape.gradient(loss, net.trainable_variables), net.trainable_variables)

    for _ in range(steps):
        step(real_sampler(rng, 256), fake_sampler(rng, 256))
    return net


def _samples(mean, std):
    return lambda rng, n: rng.normal(mean, std, (n, 1)).astype("float32")


def lsgan_gradients(path):
    """Where each objective pushes a generated sample, for discriminators trained on both objectives."""
    import tensorflow as tf

    import keras_gan

    real, fake = _samples(2.0, 0.5), _samples(-1.0, 0.5)
    losses = {"non-saturating (sigmoid cross-entropy)": keras_gan.losses.NonSaturatingLoss(),
              "least squares (LSGAN)": keras_gan.losses.LeastSquaresLoss()}
    x = np.linspace(-3, 8, 221).astype("float32")[:, None]
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    rng = np.random.default_rng(1)
    for i, (name, loss) in enumerate(losses.items()):
        net = _train_1d_discriminator(loss.discriminator_loss, real, fake, steps=500, linear=True)
        xs = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(xs)
            out = net(xs)
            cost = loss.generator_loss(out) * len(x)  # the per-sample costs summed: d/dx_i is sample i's own
        push = -tape.gradient(cost, xs).numpy()[:, 0]
        shown = tf.sigmoid(out) if i == 0 else out
        label = "D(x) = sigmoid(logit)" if i == 0 else "D(x), linear"
        axes[0].plot(x[:, 0], np.asarray(shown)[:, 0], f"C{i}", label=label)
        axes[1].plot(x[:, 0], push, f"C{i}", label=name)
    for ax in axes:
        ax.hist(real(rng, 2000)[:, 0], bins=40, density=True, alpha=0.25, color="k", label="real data")
        ax.hist(fake(rng, 2000)[:, 0], bins=40, density=True, alpha=0.25, color="C3", label="generated")
        ax.axhline(0, color="gray", lw=0.5)
        ax.set_xlabel("x")
    axes[0].set_title("Trained discriminators")
    axes[1].set_title("-dJ(G)/dx: where a generated sample is pushed")
    axes[0].legend(fontsize=7)
    axes[1].legend(fontsize=7)
    fig.tight_layout()
    _save(fig, path)


def label_smoothing(path, smoothing=0.2):
    """Closed-form optimal discriminators with and without smoothing, against trained ones."""
    import keras
    from scipy.stats import norm

    import keras_gan
    from keras_gan.losses import binary_cross_entropy_from_logits

    p_data, p_model = norm(0.0, 1.0), norm(2.0, 1.0)
    x = np.linspace(-3, 5, 161)
    d, m = p_data.pdf(x), p_model.pdf(x)
    closed = {"no smoothing": d / (d + m),
              f"one-sided ({smoothing:g})": (1 - smoothing) * d / (d + m),
              f"two-sided ({smoothing:g})": ((1 - smoothing) * d + smoothing * m) / (d + m)}
    one_sided = keras_gan.losses.NonSaturatingLoss(label_smoothing=smoothing).discriminator_loss

    def two_sided(real_logits, fake_logits):
        return (keras.ops.mean(binary_cross_entropy_from_logits(1.0 - smoothing, real_logits))
                + keras.ops.mean(binary_cross_entropy_from_logits(smoothing, fake_logits)))

    trained = {"no smoothing": keras_gan.losses.NonSaturatingLoss().discriminator_loss,
               f"one-sided ({smoothing:g})": one_sided, f"two-sided ({smoothing:g})": two_sided}
    fig, ax = plt.subplots(figsize=(6, 4))
    grid = x[::8].astype("float32")[:, None]
    for i, (name, curve) in enumerate(closed.items()):
        ax.plot(x, curve, f"C{i}", label=f"D*(x), {name}")
        net = _train_1d_discriminator(trained[name], _samples(0.0, 1.0), _samples(2.0, 1.0))
        ax.plot(grid[:, 0], keras.ops.convert_to_numpy(keras.ops.sigmoid(net(grid)))[:, 0], f"C{i}o",
                markersize=4)
    ax.plot(x, d / d.max() * 0.3, "k:", lw=1, label="p_data (scaled)")
    ax.plot(x, m / m.max() * 0.3, "r:", lw=1, label="p_model (scaled)")
    ax.set_xlabel("x")
    ax.set_ylabel("D(x)")
    ax.set_title("Optimal discriminator (lines) and trained ones (dots)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    _save(fig, path)


def vbn_independence(path, batches=40, batch_size=32):
    """One fixed sample's output across batches: batch norm depends on the batch mates, VBN does not."""
    import keras

    from keras_gan.layers import VirtualBatchNormalization, WithReferenceBatch

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)

    def body(norm):
        return keras.Sequential([keras.Input((4,)), keras.layers.Dense(16), norm, keras.layers.ReLU(),
                                 keras.layers.Dense(1)])

    reference = rng.normal(size=(64, 4)).astype("float32")
    batch_norm = body(keras.layers.BatchNormalization())
    vbn = WithReferenceBatch(body(VirtualBatchNormalization(reference_size=64)), reference)
    sample = rng.normal(size=(1, 4)).astype("float32")
    outputs = {"BatchNormalization": [], "VirtualBatchNormalization": []}
    shifts = np.linspace(-2, 2, batches)
    for shift in shifts:  # batch mates drawn around a different mean each time
        mates = rng.normal(loc=shift, size=(batch_size - 1, 4)).astype("float32")
        batch = np.concatenate([sample, mates])
        outputs["BatchNormalization"].append(float(batch_norm(batch, training=True)[0, 0]))
        outputs["VirtualBatchNormalization"].append(float(vbn(batch, training=True)[0, 0]))
    fig, ax = plt.subplots(figsize=(6, 3.6))
    for name, values in outputs.items():
        ax.plot(shifts, values, "o-", markersize=3, label=f"{name} (std {np.std(values):.3f})")
    ax.set_xlabel("mean of the 31 other samples in the batch")
    ax.set_ylabel("output for the same sample")
    ax.set_title("One sample, 40 different batches (training mode)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    _save(fig, path)


def minibatch_features(path, batch_size=64):
    """MinibatchDiscrimination's closeness features against the spread of the batch."""
    import keras

    from keras_gan.layers import MinibatchDiscrimination

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    layer = MinibatchDiscrimination(num_kernels=20, kernel_dim=5)
    layer.build((None, 16))
    centre = rng.normal(size=(1, 16))
    spreads = np.linspace(0, 2, 41)
    closeness = []
    for s in spreads:
        batch = (centre + s * rng.normal(size=(batch_size, 16))).astype("float32")
        o = keras.ops.convert_to_numpy(layer(batch))[:, 16:]
        closeness.append(o.mean())
    fig, ax = plt.subplots(figsize=(6, 3.6))
    ax.plot(spreads, closeness, "o-", markersize=3, label="mean o(x_i)_b over the batch and kernels")
    ax.axhline(batch_size - 1, color="gray", ls="--", label=f"batch size - 1 = {batch_size - 1} (all alike)")
    ax.set_xlabel("standard deviation of the batch around one point")
    ax.set_ylabel("minibatch feature o(x)")
    ax.set_title("MinibatchDiscrimination(20, 5) sees a collapsed batch")
    ax.legend(fontsize=8)
    fig.tight_layout()
    _save(fig, path)


def digits(path):
    from keras_gan import cli

    out = tempfile.mkdtemp()
    try:
        run = cli.main(["train", "--out", out, "--verbose", "0"])
        if run != 0:
            raise SystemExit("keras-gan train failed")
        grids = sorted((pathlib.Path(out) / "samples").glob("*.png"))
        shutil.copyfile(grids[-1], path)
        print(f"wrote {path} (from {grids[-1].name})")
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "images"))
    parser.add_argument("--digits", action="store_true", help="also train the main job for digits.png")
    parser.add_argument("--models", nargs="*", choices=MODEL_PICTURES,
                        help="also train these examples for their pictures (all of them if none is named)")
    args = parser.parse_args(argv)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    generator_costs(out / "generator_costs.png")
    xy_game(out / "xy_game.png")
    js_vs_em(out / "js_vs_em.png")
    lsgan_gradients(out / "lsgan_gradients.png")
    label_smoothing(out / "label_smoothing.png")
    vbn_independence(out / "vbn_independence.png")
    minibatch_features(out / "minibatch_features.png")
    if args.digits:
        digits(out / "digits.png")
    if args.models is not None:
        model_pictures(out, args.models or MODEL_PICTURES)
    return sorted(p.name for p in out.glob("*.png"))


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
