"""WGAN-GP (or WGAN with weight clipping) on the embedded digits, with the Wasserstein estimate plotted.

    python examples/wgan_digits.py                 # WGAN-GP, 20 epochs
    python examples/wgan_digits.py --clip          # WGAN with weight clipping (RMSProp 5e-5, c = 0.01)
    python examples/wgan_digits.py --quick         # a few steps, to check the script runs

Both use 5 critic updates per generator update (each on a fresh batch), DCGAN
networks (the critic without batch norm, which the per-sample gradient
penalty needs) and the papers' optimizers. The critic's estimate of the
Wasserstein distance, `critic_gap = E D(x) - E D(G(z))`, is logged every
epoch; `wasserstein.png` plots it (it should fall as the samples improve),
and `samples/` holds the grids.
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

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
    gan = build(clip=args.clip, width=4 if args.quick else 32)
    saver = keras_gan.callbacks.SampleSaver(os.path.join(args.out, "samples"), n=64, every=5)
    history = gan.fit(data, epochs=1 if args.quick else args.epochs, steps_per_epoch=10 if args.quick else None,
                      callbacks=[saver], verbose=2)
    keras_gan.plotting.plot_history(history, os.path.join(args.out, "wasserstein.png"), title=type(gan).__name__)
    gan.save(os.path.join(args.out, "wgan.keras"))
    print(f"Wasserstein estimate per epoch: {[round(v, 3) for v in history.history['critic_gap']]}")
    return history


if __name__ == "__main__":
    main()
