"""Train a DCGAN on the 5,000 embedded MNIST digits with compile/fit.

    python examples/dcgan_digits.py            # 40 epochs, about 3 minutes on 2 CPU cores
    python examples/dcgan_digits.py --quick    # a few steps, to check the script runs
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

import keras_gan  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--out", default="dcgan_digits")
    parser.add_argument("--quick", action="store_true", help="2 epochs of 3 steps, tiny networks")
    args = parser.parse_args(argv)

    keras.utils.set_random_seed(0)
    data = keras_gan.datasets.load("digits", batch_size=64)
    width, epochs, steps = (8, 2, 3) if args.quick else (64, args.epochs, None)
    gan = keras_gan.models.DCGAN(image_shape=(28, 28, 1), latent_dim=64, width=width, seed=0)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5, use_ema=True, ema_momentum=0.999),
        loss="non_saturating",
    )
    saver = keras_gan.callbacks.SampleSaver(os.path.join(args.out, "samples"), n=100, every=5)
    history = gan.fit(data, epochs=epochs, steps_per_epoch=steps, callbacks=[saver], verbose=2)
    gan.save(os.path.join(args.out, "gan.keras"))
    logs = {key: values[-1] for key, values in history.history.items()}
    print(f"final d_loss {logs['d_loss']:.3f}, g_loss {logs['g_loss']:.3f}; grids in {saver.directory}")
    return history


if __name__ == "__main__":
    main()
