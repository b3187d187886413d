"""LSGAN on the embedded digits: the least-squares objective in place of cross-entropy.

    python examples/lsgan_digits.py            # 20 epochs, about a minute on 2 CPU cores
    python examples/lsgan_digits.py --loss non_saturating   # the same run with the usual GAN objective
    python examples/lsgan_digits.py --quick    # a few steps, to check the script runs

The discriminator regresses real digits to 1 and generated ones to 0; the
generator pulls its samples' scores to 1 (Mao et al., a = 0, b = c = 1), as the
cs231n notebook's LSGAN. Same DCGAN networks as `dcgan_digits.py`, so the two
can be compared; `--loss` swaps the objective and nothing else. `digit_fd`
(500 samples against 500 real digits on the shipped classifier's features) is
logged every 5 epochs and printed at the end; grids are written to `samples/`
and the history to `history.png`.
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

import keras_gan  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--loss", default="least_squares", help="any keras_gan.losses name")
    parser.add_argument("--out", default="lsgan_digits")
    parser.add_argument("--quick", action="store_true", help="1 epoch of 3 steps, tiny networks")
    args = parser.parse_args(argv)

    keras.utils.set_random_seed(0)
    width = 4 if args.quick else 32
    gan = keras_gan.models.LSGAN(
        keras_gan.networks.dcgan_generator((28, 28, 1), 64, width),
        keras_gan.networks.dcgan_discriminator((28, 28, 1), width),
        latent_dim=64, seed=0,
    )
    gan.compile(loss=args.loss)  # least squares by default; Adam(2e-4, beta_1=0.5)
    data = keras_gan.datasets.load("digits", batch_size=64)
    images, _ = keras_gan.datasets.load("digits", as_numpy=True)
    saver = keras_gan.callbacks.SampleSaver(os.path.join(args.out, "samples"), n=64, every=5)
    evaluate = keras_gan.callbacks.Evaluate(images, ["digit_fd"], num_samples=100 if args.quick else 500, every=5)
    history = gan.fit(data, epochs=1 if args.quick else args.epochs, steps_per_epoch=3 if args.quick else None,
                      callbacks=[saver, evaluate], verbose=2)
    keras_gan.plotting.plot_history(history, os.path.join(args.out, "history.png"), title=f"LSGAN, {args.loss}")
    print(f"{args.loss}: digit_fd {history.history['digit_fd'][-1]:.1f} after {len(history.epoch)} epochs")
    gan.save(os.path.join(args.out, "lsgan.keras"))
    return history


if __name__ == "__main__":
    main()
