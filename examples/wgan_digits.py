"""WGAN-GP (or WGAN with weight clipping) on the embedded digits, with the Wasserstein estimate plotted.

    python examples/wgan_digits.py                 # WGAN-GP, 20 epochs
    python examples/wgan_digits.py --clip          # WGAN with weight clipping (RMSProp 5e-5, c = 0.01)
    python examples/wgan_digits.py --quick         # a few steps, to check the script runs

Both use 5 critic updates per generator update (each on a fresh batch), DCGAN
networks (the critic without batch norm, which the per-sample gradient
penalty needs) and the papers' optimizers. The critic's estimate of the
Wasserstein distance, `critic_gap = E D(x) - E D(G(z))`, is logged every
epoch, and so is `digit_fd` (Frechet distance of 500 samples to 500 real
digits on the shipped classifier's features). The WGAN paper's claim is that
the estimate tracks sample quality; `wasserstein.png` plots both per epoch
and the script prints their rank correlation. `samples/` holds the grids.
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402


def build(clip=False, width=32, latent_dim=64, seed=0):
    keras.utils.set_random_seed(seed)
    generator = keras_gan.networks.dcgan_generator((28, 28, 1), latent_dim, width)
    critic = keras_gan.networks.dcgan_discriminator((28, 28, 1), width)
    model = keras_gan.models.WGAN if clip else keras_gan.models.WGANGP
    gan = model(generator, critic, latent_dim, seed=seed)
    gan.compile()  # the paper's optimizers and the Wasserstein objective
    return gan


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--clip", action="store_true", help="WGAN with weight clipping instead of WGAN-GP")
    parser.add_argument("--out", default="wgan_digits")
    parser.add_argument("--quick", action="store_true", help="1 epoch of 10 steps, tiny networks")
    args = parser.parse_args(argv)

    data = keras_gan.datasets.load("digits", batch_size=64)
    images, _ = keras_gan.datasets.load("digits", as_numpy=True)
    gan = build(clip=args.clip, width=4 if args.quick else 32)
    saver = keras_gan.callbacks.SampleSaver(os.path.join(args.out, "samples"), n=64, every=5)
    evaluate = keras_gan.callbacks.Evaluate(images, metrics=["digit_fd"], num_samples=100 if args.quick else 500)
    epochs = 2 if args.quick else args.epochs
    history = gan.fit(data, epochs=epochs, steps_per_epoch=5 if args.quick else None,
                      callbacks=[saver, evaluate], verbose=2)
    gan.save(os.path.join(args.out, "wgan.keras"))
    gap, fd = np.array(history.history["critic_gap"]), np.array(history.history["digit_fd"])
    correlation = _rank_correlation(gap, fd)
    print(f"Wasserstein estimate per epoch: {np.round(gap, 3).tolist()}")
    print(f"digit_fd per epoch: {np.round(fd, 1).tolist()}")
    print(f"rank correlation of the two: {correlation:.2f}")
    _plot(gap, fd, correlation, type(gan).__name__, os.path.join(args.out, "wasserstein.png"))
    return history


def _rank_correlation(a, b):
    from scipy.stats import spearmanr

    return float(spearmanr(a, b).statistic) if len(a) > 2 else float("nan")


def _plot(gap, fd, correlation, title, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from keras_gan.plotting import save_figure

    epochs = np.arange(1, len(gap) + 1)
    fig, ax = plt.subplots(figsize=(6, 3.6))
    ax.plot(epochs, gap, "C0o-", markersize=3)
    ax.set_xlabel("epoch")
    ax.set_ylabel("critic_gap = E D(x) - E D(G(z))", color="C0")
    other = ax.twinx()
    other.plot(epochs, fd, "C1s-", markersize=3)
    other.set_ylabel("digit_fd (lower is better)", color="C1")
    ax.set_title(f"{title}: Wasserstein estimate and sample quality (rank corr. {correlation:.2f})")
    fig.tight_layout()
    save_figure(fig, path)


if __name__ == "__main__":
    main()
