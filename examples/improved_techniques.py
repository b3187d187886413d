"""Salimans et al.'s improved techniques, each switched on or off, on the embedded digits.

    python examples/improved_techniques.py                       # baseline vs all five, 10 epochs each
    python examples/improved_techniques.py --configs baseline minibatch label_smoothing
    python examples/improved_techniques.py --quick               # seconds

Every configuration trains the same small DCGAN-style pair (batch 64, Adam
2e-4 / 0.5) with seed 0 and reports `digit_fd` (500 samples against 500 real
digits on the shipped classifier's features) after the last epoch:

- `feature_matching`: `tricks=[FeatureMatching()]`, matching the mean of the
  discriminator's last hidden features (added to the adversarial cost);
- `minibatch`: a `MinibatchDiscrimination(32, 8)` layer before the logit;
- `historical_averaging`: `tricks=[HistoricalAveraging(1e-4)]`;
- `label_smoothing`: `NonSaturatingLoss(label_smoothing=0.1)`, one-sided;
- `vbn`: the generator's batch norms replaced by `VirtualBatchNormalization`
  with a fixed reference batch of 64 latent vectors (`WithReferenceBatch`);
- `all`: the five together; `baseline`: none of them.

Writes `improved_techniques.png`: one row of samples per configuration.
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402

TECHNIQUES = ("feature_matching", "minibatch", "historical_averaging", "label_smoothing", "vbn")
LATENT_DIM = 32


def generator(width, vbn):
    layers = keras.layers
    norm = (lambda: keras_gan.layers.VirtualBatchNormalization(64)) if vbn else layers.BatchNormalization
    body = keras.Sequential([
        keras.Input((LATENT_DIM,)),
        layers.Dense(7 * 7 * 2 * width), norm(), layers.ReLU(), layers.Reshape((7, 7, 2 * width)),
        layers.Conv2DTranspose(width, 4, 2, padding="same"), norm(), layers.ReLU(),
        layers.Conv2DTranspose(1, 4, 2, padding="same", activation="tanh"),
    ], name="body")
    if not vbn:
        return body
    reference = np.random.default_rng(0).normal(size=(64, LATENT_DIM)).astype("float32")
    z = keras.Input((LATENT_DIM,))
    return keras.Model(z, keras_gan.layers.WithReferenceBatch(body, reference)(z), name="vbn_generator")


def discriminator(width, minibatch):
    layers = keras.layers
    model = [keras.Input((28, 28, 1)),
             layers.Conv2D(width, 4, 2, padding="same"), layers.LeakyReLU(0.2),
             layers.Conv2D(2 * width, 4, 2, padding="same"), layers.LeakyReLU(0.2),
             layers.Flatten()]
    if minibatch:
        model.append(keras_gan.layers.MinibatchDiscrimination(num_kernels=32, kernel_dim=8))
    return keras.Sequential(model + [layers.Dense(1)], name="discriminator")


def build(techniques, width=32, seed=0):
    keras.utils.set_random_seed(seed)
    tricks = []
    if "feature_matching" in techniques:
        tricks.append(keras_gan.tricks.FeatureMatching())
    if "historical_averaging" in techniques:
        tricks.append(keras_gan.tricks.HistoricalAveraging(1e-4))
    gan = keras_gan.models.GAN(generator(width, "vbn" in techniques), discriminator(width, "minibatch" in techniques),
                               latent_dim=LATENT_DIM, tricks=tricks, seed=seed)
    smoothing = 0.1 if "label_smoothing" in techniques else 0.0
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                loss=keras_gan.losses.NonSaturatingLoss(label_smoothing=smoothing))
    return gan


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", nargs="+", default=["baseline", "all"],
                        choices=("baseline", "all") + TECHNIQUES)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--out", default="improved_techniques.png")
    parser.add_argument("--quick", action="store_true", help="1 epoch of 3 steps, tiny networks")
    args = parser.parse_args(argv)

    images, _ = keras_gan.datasets.load("digits", as_numpy=True)
    results, rows = {}, []
    for config in args.configs:
        techniques = TECHNIQUES if config == "all" else () if config == "baseline" else (config,)
        gan = build(techniques, width=4 if args.quick else 32)
        evaluate = keras_gan.callbacks.Evaluate(images, ["digit_fd"], num_samples=100 if args.quick else 500)
        train = images[:192] if args.quick else images
        history = gan.fit(train, batch_size=64, epochs=1 if args.quick else args.epochs, verbose=0,
                          callbacks=[evaluate])
        results[config] = history.history["digit_fd"][-1]
        rows.append(gan.generate(10, seed=1))
        print(f"{config:22s} digit_fd {results[config]:7.1f}", flush=True)

    from keras_gan.utils.images import save_image_grid

    save_image_grid(np.concatenate(rows), args.out, rows=len(rows), scale=2)
    return results


if __name__ == "__main__":
    main()
