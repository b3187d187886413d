"""Mode coverage on the ring of 8 and the grid of 25 Gaussians, plain GAN vs the toolkit's tricks.

    python benchmarks/mode_coverage.py                   # seed 0, 5 configurations x 2 datasets
    python benchmarks/mode_coverage.py --seeds 0 1 2     # the mean over 3 seeds
    python benchmarks/mode_coverage.py --epochs 20       # a quick look

The PacGAN protocol, scaled to this CPU: ring of 8 Gaussians (radius 1, std
0.01) and grid of 25 (means {-4, -2, 0, 2, 4}^2, std 0.05); 2,500 generated
samples per model; a sample is high quality within 3 standard deviations of
its nearest mode; a mode is covered with at least a fifth of a uniform share
of high-quality samples (`keras_gan.metrics.mode_coverage`). Reports modes
covered, % high quality and KL(mode histogram || uniform) per configuration,
mean over seeds, and writes `mode_coverage.png` (seed 0's samples over the
true modes).

Configurations, each the same MLP generator (2-D latent, 3 x 400 ReLU, batch
norm) and discriminator (3 x 200 LeakyReLU), non-saturating loss, batch 100,
Adam(3e-4, beta_1 0.5) for both players with the learning rate decayed to 1 %
along a cosine over the run (without the decay the samples never settle within
3 std of 0.01: at a constant 1e-3 the high-quality share stayed under 5 %):
plain; PacGAN2 and PacGAN4 (`Packing(m)`); minibatch discrimination (a
`MinibatchDiscrimination` layer before the logit); PacGAN2 + a moving average
(0.999) of the generator's weights (Keras's `use_ema`).
"""

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import keras_gan  # noqa: E402

layers = keras.layers
DATASETS = {
    "ring": (lambda n, seed: keras_gan.datasets.ring_of_gaussians(n, seed=seed, return_modes=True), 0.01),
    "grid": (lambda n, seed: keras_gan.datasets.grid_of_gaussians(n, seed=seed, return_modes=True), 0.05),
}
CONFIGS = ("plain", "pacgan2", "pacgan4", "minibatch", "pacgan2+ema")


def generator(latent_dim=2):
    model = [keras.Input((latent_dim,))]
    for _ in range(3):
        model += [layers.Dense(400), layers.BatchNormalization(), layers.ReLU()]
    return keras.Sequential(model + [layers.Dense(2)], name="generator")


def discriminator(pack=1, minibatch=False):
    model = [keras.Input((2 * pack,))]
    for _ in range(3):
        model += [layers.Dense(200), layers.LeakyReLU(0.2)]
    if minibatch:
        model.append(keras_gan.layers.MinibatchDiscrimination(num_kernels=20, kernel_dim=5))
    return keras.Sequential(model + [layers.Dense(1)], name="discriminator")


def train(config, points, epochs, seed, batch_size=100, learning_rate=3e-4):
    keras.utils.set_random_seed(seed)
    pack = 4 if "pacgan4" in config else 2 if "pacgan2" in config else 1
    tricks = [keras_gan.tricks.Packing(pack)] if pack > 1 else []
    gan = keras_gan.models.GAN(generator(), discriminator(pack, "minibatch" in config), latent_dim=2,
                               tricks=tricks, seed=seed)
    steps = epochs * (len(points) // batch_size)

    def schedule():
        return keras.optimizers.schedules.CosineDecay(learning_rate, steps, alpha=0.01)

    ema = "ema" in config
    gan.compile(d_optimizer=keras.optimizers.Adam(schedule(), beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(schedule(), beta_1=0.5, use_ema=ema, ema_momentum=0.999))
    gan.fit(points, batch_size=batch_size, epochs=epochs, verbose=0, shuffle=True)
    return gan.generate(2500, seed=seed + 100)  # fit leaves the moving average in the generator


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--epochs", type=int, default=200, help="epochs over 10,000 points")
    parser.add_argument("--points", type=int, default=10_000)
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=CONFIGS)
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=list(DATASETS))
    parser.add_argument("--out", default="mode_coverage.png")
    args = parser.parse_args(argv)
    results, first = {}, {}
    for name in args.datasets:
        make, stddev = DATASETS[name]
        for config in args.configs:
            scores = []
            start = time.time()
            for seed in args.seeds:
                points, centres, _ = make(args.points, seed)
                samples = train(config, points, args.epochs, seed)
                scores.append(keras_gan.metrics.mode_coverage(samples, centres, stddev))
                if seed == args.seeds[0]:
                    first[(name, config)] = (samples, centres)
            results[(name, config)] = scores
            modes = np.mean([s["modes"] for s in scores])
            quality = np.mean([s["high_quality"] for s in scores])
            kl = np.mean([s["kl"] for s in scores])
            print(f"{name:5s} {config:24s} modes {modes:5.2f} of {len(centres):2d}  high quality {quality:6.1%}  "
                  f"KL {kl:.3f}  ({time.time() - start:.0f} s for {len(args.seeds)} seeds)", flush=True)
    _plot(first, args.out)
    return results


def _plot(first, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from keras_gan.plotting import save_figure

    keys = list(first)
    columns = len({config for _, config in keys})
    rows = len({name for name, _ in keys})
    fig, axes = plt.subplots(rows, columns, figsize=(3 * columns, 3 * rows), squeeze=False)
    for ax, key in zip(axes.ravel(), keys):
        samples, centres = first[key]
        ax.scatter(samples[:, 0], samples[:, 1], s=1, alpha=0.3)
        ax.scatter(centres[:, 0], centres[:, 1], s=12, c="red", marker="x")
        ax.set_title(f"{key[0]}: {key[1]}", fontsize=8)
        limit = np.abs(centres).max() * 1.5
        ax.set_xlim(-limit, limit)
        ax.set_ylim(-limit, limit)
    fig.tight_layout()
    save_figure(fig, path, dpi=80)


if __name__ == "__main__":
    main()
