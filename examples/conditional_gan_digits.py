"""Conditional GAN on the embedded digits: ask for a digit, get that digit.

    python examples/conditional_gan_digits.py            # 20 epochs, about 1 minute on 2 CPU cores
    python examples/conditional_gan_digits.py --quick    # a few steps, to check the script runs

Both players receive the one-hot label (the article seed's CGAN; here with
convolutional networks, the discriminator reading the label through a
projection onto its features). At the end, the shipped digit classifier checks 1,000 samples
(100 per requested digit) and the script prints the share it recognizes as the
requested digit. The grid `samples/epoch_NNNN.png` has one row per digit.
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402
from keras_gan.networks import conditional as nets  # noqa: E402


def build(width=32, latent_dim=32, seed=0, tricks=None):
    keras.utils.set_random_seed(seed)
    gan = keras_gan.models.ConditionalGAN(
        nets.conditional_dcgan_generator((28, 28, 1), latent_dim, 10, width),
        nets.conditional_dcgan_discriminator((28, 28, 1), 10, width),
        latent_dim=latent_dim, num_classes=10, seed=seed, tricks=tricks,
    )
    # Adam(2e-4, beta_1=0.5) for both players, the non-saturating loss; the
    # generator keeps a moving average of its weights, which `generate` uses
    # after `fit` (smoother digits).
    gan.compile(
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5, use_ema=True, ema_momentum=0.995),
    )
    return gan


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--out", default="conditional_gan_digits")
    parser.add_argument("--quick", action="store_true", help="2 epochs of 3 steps, tiny networks")
    args = parser.parse_args(argv)

    images, labels = keras_gan.datasets.load_digits(seed=0)
    width, epochs, steps = (8, 2, 3) if args.quick else (32, args.epochs, None)
    gan = build(width=width)
    saver = keras_gan.callbacks.SampleSaver(os.path.join(args.out, "samples"), n=100, every=5)
    history = gan.fit(images, labels, batch_size=32, epochs=epochs, steps_per_epoch=steps,
                      callbacks=[saver], verbose=2)
    gan.save(os.path.join(args.out, "cgan.keras"))
    requested = np.repeat(np.arange(10), 100)
    accuracy = keras_gan.metrics.conditional_accuracy(gan.generate(labels=requested, seed=1), requested)
    print(f"the classifier recognizes the requested digit in {accuracy:.1%} of 1,000 samples; "
          f"grids in {saver.directory}")
    history.accuracy = accuracy
    return history


if __name__ == "__main__":
    main()
