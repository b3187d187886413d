"""Mode coverage on the ring of 8 and the grid of 25 Gaussians, plain GAN vs the toolkit's tricks.

    python benchmarks/mode_coverage.py                   # seed 0, 5 configurations x 2 datasets
    python benchmarks/mode_coverage.py --seeds 0 1 2     # the mean over 3 seeds
    python benchmarks/mode_coverage.py --epochs 20       # a quick look
    python benchmarks/mode_coverage.py --protocol paper --seeds 0 1 2   # PacGAN's own setup (hours on a CPU)
    python benchmarks/mode_coverage.py --protocol paper --epochs 1 --points 2000   # its smoke test

`--protocol paper` is the setup of PacGAN's experiments (Lin et al. 2018, Section 5 and
Appendix; the authors' code, github.com/fjxmlzn/PacGAN, synthetic_data_experiments/, which
follows VEEGAN and ALI's 2-D mixtures), see `PAPER` below: a generator of 4 x 400 (no biases,
batch norm with population statistics updated at 0.05, ReLU), a discriminator of 3 x 200
LinearMaxout units of 5 pieces, every weight initialized N(0, 0.02) and every bias 0, 2-D
standard normal latents, the non-saturating loss, both players updated simultaneously from one
forward pass (ALI's `ali_algorithm`) by Adam(1e-4, beta_1 0.8, beta_2 0.999, epsilon 1e-8) at a
constant rate, a data set of 100,000 packs drawn once (each of the m slots of a pack resampled
with replacement from 100,000 mixture points), 100 packs per step (100 m samples of each kind:
packing multiplies the samples per step, not divides the packs), 400 epochs of 1,000 steps, then
2,500 samples from fixed latents; a mode counts as covered when at least one high-quality sample
(within 3 standard deviations) falls on it. The paper reports mean and std over 10 runs.

What still differs from the authors' code: Theano's and blocks' random streams; blocks' batch
norm epsilon (1e-4, Keras 1e-3 here, set to 1e-4) is matched but its population statistics are
averaged over the m generator calls of a step, while here the generator runs once on the 100 m
latents of a step (batch statistics over 100 m samples instead of m groups of 100); blocks'
Adam `beta1=0.8` is read in the standard convention (blocks changed its convention in January
2017; with blocks 0.2, it would mean Keras beta_1 = 0.2). The authors' mode count (>= 1
high-quality sample) is also printed beside this benchmark's stricter one (a fifth of a uniform
share, 62 samples per ring mode and 20 per grid mode) for both protocols.

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
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from backends import matmul_rate  # noqa: E402

import keras_gan  # noqa: E402

layers = keras.layers
DATASETS = {
    "ring": (lambda n, seed: keras_gan.datasets.ring_of_gaussians(n, seed=seed, return_modes=True), 0.01),
    "grid": (lambda n, seed: keras_gan.datasets.grid_of_gaussians(n, seed=seed, return_modes=True), 0.05),
}
CONFIGS = ("plain", "pacgan2", "pacgan3", "pacgan4", "minibatch", "pacgan2+ema", "top_k", "pacgan2+top_k",
           "pacgan4+top_k", "best")
# The composition that matches the paper's PacGAN4 row on the grid in minutes (issue 16): PacGAN2, a generator
# without batch norm, Adam 2e-3 (beta_1 0.5) decayed along a cosine to 1 %, a moving average of the
# generator (0.999), 100 packs a step for 20,000 steps; then a per-sample discriminator fitted to
# the frozen generator (`keras_gan.sampling.train_density_ratio`, 15,000 steps) and discriminator
# rejection sampling (`keras_gan.sampling.rejection_sample`, gamma 0). Its rows: "best"
# (rejection-sampled, gamma 0), "best:gamma=0.5" and "best:gamma=1" (stricter: fewer samples kept,
# higher quality, a less even share of the modes), "best:generator" (the trained generator alone).
BEST = {"pack": 2, "learning_rate": 2e-3, "batch_norm": False, "ema": 0.999, "steps": 20_000,
        "ratio_steps": 15_000, "gammas": (0.0, 0.5, 1.0)}
DEFAULT_CONFIGS = ("plain", "pacgan2", "pacgan4", "minibatch", "pacgan2+ema")
PAPER = {
    "configs": ("plain", "pacgan2", "pacgan3", "pacgan4"),
    "epochs": 400,          # over 100,000 packs: 1,000 steps an epoch, 400,000 in all
    "points": 100_000,      # packs in the data set (each of m points)
    "packs_per_step": 100,
    "learning_rate": 1e-4,
    "beta_1": 0.8,
    "generator_layers": 4,
    "generator_width": 400,
    "discriminator_layers": 3,
    "discriminator_width": 200,
    "maxout_pieces": 5,
    "init_std": 0.02,
    "bn_momentum": 0.95,    # blocks: population statistic <- 0.95 old + 0.05 batch
}
# Lin et al. 2018, Table 1 (mean and std over 10 runs): modes covered, % high quality, reverse KL.
# The GAN and PacGAN4 means are those quoted in issue 16; check the other entries against the paper.
PAPER_TABLE_1 = {
    ("ring", "plain"): (6.3, 0.5, 98.2, 0.2, 0.45, 0.09),
    ("ring", "pacgan2"): (7.9, 0.1, 95.6, 2.0, 0.07, 0.03),
    ("ring", "pacgan3"): (7.8, 0.1, 97.7, 0.3, 0.10, 0.02),
    ("ring", "pacgan4"): (7.8, 0.1, 95.9, 1.4, 0.07, 0.02),
    ("grid", "plain"): (17.3, 0.8, 94.8, 0.7, 0.70, 0.07),
    ("grid", "pacgan2"): (23.8, 0.7, 91.3, 0.8, 0.13, 0.04),
    ("grid", "pacgan3"): (24.6, 0.4, 94.2, 0.4, 0.06, 0.02),
    ("grid", "pacgan4"): (24.8, 0.2, 93.6, 0.6, 0.04, 0.01),
}


def _pack(config):
    for m in (4, 3, 2):
        if f"pacgan{m}" in config:
            return m
    return 1


def generator(latent_dim=2, batch_norm=True):
    model = [keras.Input((latent_dim,))]
    for _ in range(3):
        model += [layers.Dense(400)] + ([layers.BatchNormalization()] if batch_norm else []) + [layers.ReLU()]
    return keras.Sequential(model + [layers.Dense(2)], name="generator")


def discriminator(pack=1, minibatch=False):
    model = [keras.Input((2 * pack,))]
    for _ in range(3):
        model += [layers.Dense(200), layers.LeakyReLU(0.2)]
    if minibatch:
        model.append(keras_gan.layers.MinibatchDiscrimination(num_kernels=20, kernel_dim=5))
    return keras.Sequential(model + [layers.Dense(1)], name="discriminator")


def _packed_steps(points, seed, pack, packs_per_step=100):
    """`points` shuffled and repeated, in steps of `packs_per_step` packs of `pack` consecutive samples."""
    import tensorflow as tf

    data = tf.data.Dataset.from_tensor_slices(points).shuffle(len(points), seed=seed).repeat()
    return data.batch(packs_per_step * pack, drop_remainder=True).prefetch(2)


def train_best(points, seed, ratio_steps=BEST["ratio_steps"]):
    """The `BEST` composition; returns `{row: 2,500 samples}`, one row per gamma and "best:generator"."""
    keras.utils.set_random_seed(seed)
    pack = BEST["pack"]
    gan = keras_gan.models.GAN(generator(batch_norm=BEST["batch_norm"]), discriminator(pack), latent_dim=2,
                               tricks=[keras_gan.tricks.Packing(pack)], seed=seed)

    def adam(**kwargs):
        rate = keras.optimizers.schedules.CosineDecay(BEST["learning_rate"], BEST["steps"], alpha=0.01)
        return keras.optimizers.Adam(rate, beta_1=0.5, **kwargs)

    gan.compile(d_optimizer=adam(), g_optimizer=adam(use_ema=True, ema_momentum=BEST["ema"]))
    data = _packed_steps(points, seed, pack)
    gan.fit(data, epochs=10, steps_per_epoch=BEST["steps"] // 10, verbose=0)
    plain = gan.generate(2500, seed=seed + 100)
    ratio = keras_gan.sampling.train_density_ratio(gan, points, discriminator(), steps=ratio_steps,
                                                   batch_size=256, learning_rate=1e-3, seed=seed)
    drawn = {}
    for gamma in BEST["gammas"]:
        name = "best" if gamma == BEST["gammas"][0] else f"best:gamma={gamma:g}"
        drawn[name] = keras_gan.sampling.rejection_sample(gan, 2500, discriminator=ratio, gamma=gamma, seed=seed)
    drawn["best:generator"] = plain
    return drawn


def train(config, points, epochs, seed, packs_per_step=100, learning_rate=3e-4):
    """One run of this benchmark's CPU-sized protocol; returns 2,500 samples from fixed latents.

    Each step holds `packs_per_step` discriminator inputs of each kind, as in the paper: PacGAN m
    sees `packs_per_step * m` samples a step (the first version of this benchmark kept 100 samples,
    so PacGAN4's discriminator judged 25 packs a step: a quarter of the paper's evidence). An epoch
    is `len(points) / packs_per_step` steps for every m.
    """

    keras.utils.set_random_seed(seed)
    pack = _pack(config)
    tricks = [keras_gan.tricks.Packing(pack)] if pack > 1 else []
    steps_per_epoch = len(points) // packs_per_step
    steps = epochs * steps_per_epoch
    if "top_k" in config:
        tricks.append(keras_gan.tricks.TopK(0.5, decay=0.99, decay_steps=steps_per_epoch))
    gan = keras_gan.models.GAN(generator(), discriminator(pack, "minibatch" in config), latent_dim=2,
                               tricks=tricks, seed=seed)

    def schedule():
        return keras.optimizers.schedules.CosineDecay(learning_rate, steps, alpha=0.01)

    ema = "ema" in config
    gan.compile(d_optimizer=keras.optimizers.Adam(schedule(), beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(schedule(), beta_1=0.5, use_ema=ema, ema_momentum=0.999))
    data = _packed_steps(points, seed, pack, packs_per_step)
    gan.fit(data, epochs=epochs, steps_per_epoch=steps_per_epoch, verbose=0)
    return gan.generate(2500, seed=seed + 100)  # fit leaves the moving average in the generator


@keras.saving.register_keras_serializable(package="benchmarks")
class LinearMaxout(layers.Layer):
    """A linear map to `units * pieces` values and the max over each unit's `pieces` (blocks' LinearMaxout)."""

    def __init__(self, units, pieces=5, init_std=0.02, **kwargs):
        super().__init__(**kwargs)
        self.units, self.pieces, self.init_std = int(units), int(pieces), float(init_std)
        self.linear = layers.Dense(self.units * self.pieces,
                                   kernel_initializer=keras.initializers.RandomNormal(stddev=self.init_std))

    def call(self, x):
        y = self.linear(x)
        y = keras.ops.reshape(y, (-1, self.units, self.pieces))
        return keras.ops.max(y, axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "pieces": self.pieces, "init_std": self.init_std}


def paper_generator(latent_dim=2):
    """PacGAN's (and ALI's) 2-D generator: 4 x 400, no biases, batch norm, ReLU; N(0, 0.02) weights."""
    init = keras.initializers.RandomNormal(stddev=PAPER["init_std"])
    model = [keras.Input((latent_dim,))]
    for _ in range(PAPER["generator_layers"]):
        model += [layers.Dense(PAPER["generator_width"], use_bias=False, kernel_initializer=init),
                  layers.BatchNormalization(momentum=PAPER["bn_momentum"], epsilon=1e-4), layers.ReLU()]
    return keras.Sequential(model + [layers.Dense(2, kernel_initializer=init)], name="generator")


def paper_discriminator(pack=1):
    """PacGAN's 2-D discriminator: 3 LinearMaxout layers of 200 units x 5 pieces on the m * 2 inputs of a pack."""
    model = [keras.Input((2 * pack,))]
    for _ in range(PAPER["discriminator_layers"]):
        model.append(LinearMaxout(PAPER["discriminator_width"], PAPER["maxout_pieces"], PAPER["init_std"]))
    init = keras.initializers.RandomNormal(stddev=PAPER["init_std"])
    return keras.Sequential(model + [layers.Dense(1, kernel_initializer=init)], name="discriminator")


def paper_data(base, pack, seed):
    """The authors' packed data set: each of the `pack` slots resampled with replacement from `base`.

    Returns a `tf.data.Dataset` of steps of 100 packs, reshuffled every epoch, each step a batch of
    `100 * pack` samples in which samples `k * pack ... k * pack + pack - 1` form pack k (so
    `Packing(pack)` rebuilds the authors' packs).
    """
    import tensorflow as tf

    rng = np.random.default_rng(seed + 1)
    ids = rng.integers(len(base), size=(len(base), pack))
    packs = base[ids]  # (packs, pack, 2)
    steps = tf.data.Dataset.from_tensor_slices(packs.astype("float32"))
    steps = steps.shuffle(len(packs), seed=seed, reshuffle_each_iteration=True)
    steps = steps.batch(PAPER["packs_per_step"], drop_remainder=True)
    return steps.map(lambda p: tf.reshape(p, (-1, 2))).prefetch(2)


def train_paper(config, base, epochs, seed):
    """One run of the paper's protocol; returns 2,500 samples from fixed latents."""
    keras.utils.set_random_seed(seed)
    pack = _pack(config)
    tricks = [keras_gan.tricks.Packing(pack)] if pack > 1 else []
    gan = keras_gan.models.GAN(paper_generator(), paper_discriminator(pack), latent_dim=2, tricks=tricks,
                               simultaneous=True, seed=seed)

    def adam():
        return keras.optimizers.Adam(PAPER["learning_rate"], beta_1=PAPER["beta_1"], beta_2=0.999, epsilon=1e-8)

    gan.compile(d_optimizer=adam(), g_optimizer=adam(), loss="non_saturating")
    gan.fit(paper_data(base, pack, seed), epochs=epochs, verbose=0)
    return gan.generate(2500, seed=seed + 100)


def _mean_std(values):
    return float(np.mean(values)), float(np.std(values))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--protocol", choices=["ours", "paper"], default="ours",
                        help="ours: this CPU-sized setup; paper: PacGAN's (Lin et al. 2018) own, see above")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--epochs", type=int, default=None,
                        help="epochs over the data (ours: 200 over 10,000 points; paper: 400 over 100,000 packs)")
    parser.add_argument("--points", type=int, default=None,
                        help="points (ours, default 10,000) or packs (paper, default 100,000) in the data set")
    parser.add_argument("--configs", nargs="+", default=None, choices=CONFIGS,
                        help="default: " + " ".join(DEFAULT_CONFIGS) + "; paper: " + " ".join(PAPER["configs"]))
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=list(DATASETS))
    parser.add_argument("--out", default="mode_coverage.png")
    parser.add_argument("--ratio-steps", type=int, default=BEST["ratio_steps"],
                        help="best: steps of the density-ratio discriminator before rejection sampling")
    args = parser.parse_args(argv)
    paper = args.protocol == "paper"
    epochs = args.epochs or (PAPER["epochs"] if paper else 200)
    points = args.points or (PAPER["points"] if paper else 10_000)
    configs = args.configs or list(PAPER["configs"] if paper else DEFAULT_CONFIGS)
    if paper and any(c not in PAPER["configs"] for c in configs):
        parser.error(f"--protocol paper runs {', '.join(PAPER['configs'])}")
    results, first = {}, {}
    print(f"float32 matmul (2048^2, NumPy) on this machine: {matmul_rate() / 1e9:.0f} GFLOP/s", flush=True)
    for name in args.datasets:
        make, stddev = DATASETS[name]
        for config in configs:
            rows = {}
            start = time.time()
            for seed in args.seeds:
                data, centres, _ = make(points, seed)
                if paper:
                    drawn = {config: train_paper(config, data, epochs, seed)}
                elif config == "best":  # 100,000 points, as measured
                    data, centres, _ = make(max(points, 100_000), seed)
                    drawn = train_best(data, seed, args.ratio_steps)
                else:
                    drawn = {config: train(config, data, epochs, seed)}
                for row, samples in drawn.items():
                    score = keras_gan.metrics.mode_coverage(samples, centres, stddev)
                    # The authors' count: a mode with at least one high-quality sample is covered.
                    score["modes_any"] = keras_gan.metrics.mode_coverage(samples, centres, stddev,
                                                                         min_samples=1)["modes"]
                    rows.setdefault(row, []).append(score)
                    if seed == args.seeds[0]:
                        first[(name, row)] = (samples, centres)
            seconds = time.time() - start
            for row, scores in rows.items():
                results[(name, row)] = scores
                line = _line(name, row, scores, len(centres), paper)
                print(line + f"  ({seconds:.0f} s for {len(args.seeds)} seeds)", flush=True)
    _plot(first, args.out)
    return results


def _line(name, config, scores, modes_total, paper):
    modes, modes_std = _mean_std([s["modes_any"] for s in scores])
    strict, strict_std = _mean_std([s["modes"] for s in scores])
    quality, quality_std = _mean_std([100 * s["high_quality"] for s in scores])
    kl, kl_std = _mean_std([s["kl"] for s in scores])
    line = (f"{name:5s} {config:15s} modes {modes:5.2f} +- {modes_std:4.2f} of {modes_total:2d} "
            f"(>= a fifth of a share: {strict:5.2f} +- {strict_std:4.2f})  high quality {quality:5.1f} +- "
            f"{quality_std:4.1f} %  KL {kl:.3f} +- {kl_std:.3f}")
    if paper and (name, config) in PAPER_TABLE_1:
        pm, pms, pq, pqs, pk, pks = PAPER_TABLE_1[(name, config)]
        line += f"  | paper {pm} +- {pms}, {pq} +- {pqs} %, KL {pk} +- {pks}"
    return line


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
