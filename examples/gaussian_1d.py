"""A GAN learns a 1-D Gaussian N(4, 0.5): the smallest complete GAN, with a plot.

    python examples/gaussian_1d.py           # 40 epochs, a few seconds
    python examples/gaussian_1d.py --quick
    python examples/gaussian_1d.py --loss minimax     # or maximum_likelihood, least_squares, ...

Writes `gaussian_1d.png`: the target density, the generated histogram, and the
discriminator's probability D(x) that x is real (near 0.5 where the two match).
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--out", default="gaussian_1d.png")
    parser.add_argument("--loss", default="non_saturating", help="any keras_gan.losses name")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(0)
    data = keras_gan.datasets.gaussian_1d(8192, mean=4.0, stddev=0.5, seed=0)
    generator = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])  # G(z) = a z + b
    discriminator = keras.Sequential([
        keras.Input((1,)),
        keras.layers.Dense(32), keras.layers.LeakyReLU(0.2),
        keras.layers.Dense(32), keras.layers.LeakyReLU(0.2),
        keras.layers.Dense(1),
    ])
    gan = keras_gan.models.GAN(generator, discriminator, latent_dim=1, seed=0)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(1e-2, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(1e-2, beta_1=0.5, use_ema=True, ema_momentum=0.99),
        loss=args.loss,
    )
    gan.fit(data, batch_size=256, epochs=1 if args.quick else args.epochs, verbose=0)
    samples = gan.generate(20_000, seed=1)[:, 0]
    print(f"generated mean {samples.mean():.3f} (target 4.0), std {samples.std():.3f} (target 0.5)")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs = np.linspace(1.5, 6.5, 400, dtype="float32")
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(xs, np.exp(-0.5 * ((xs - 4) / 0.5) ** 2) / (0.5 * np.sqrt(2 * np.pi)), "k--", label="target N(4, 0.5)")
    ax.hist(samples, bins=80, range=(1.5, 6.5), density=True, alpha=0.5, label="generated")
    d = keras.ops.convert_to_numpy(discriminator(xs[:, None]))[:, 0]
    if gan.loss_fn.probabilistic:
        ax.plot(xs, 1 / (1 + np.exp(-d)), label="D(x)")
    else:
        ax.plot(xs, d, label="critic score D(x)")
    ax.legend()
    ax.set_title(f"1-D GAN, {args.loss} objective")
    fig.tight_layout()
    from keras_gan.plotting import save_figure

    save_figure(fig, args.out)
    return samples


if __name__ == "__main__":
    main()
