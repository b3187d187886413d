"""Scores generated digits with a digit classifier trained on the embedded digits.

Usage:
    python benchmarks/digits_quality.py runs/<run>/generator.keras [more.keras ...]
    python benchmarks/digits_quality.py --baseline-seconds 240

For each generator: 1,000 samples, classified by a small CNN trained here on
4,000 of the embedded digits (its accuracy on the other 1,000 is printed).
Reported: how many of the ten classes get at least 3 % of the samples, the
mean classifier confidence (max softmax), the share of samples classified
with confidence > 0.9 ("recognizable"), and the smallest class share.

`--baseline-seconds S` also trains, for S seconds of wall time, the TensorFlow
DCGAN tutorial's networks with the tutorial's settings (batch 256, Adam 1e-4,
noise 100) and with batch 64 / Adam 2e-4, beta_1 0.5, and scores them the same
way: the comparison the foundation issue asks the default run to beat.
"""

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(__file__))
import keras_gan  # noqa: E402


def train_classifier(seed=0):
    keras.utils.set_random_seed(seed)
    x, y = keras_gan.datasets.load_digits(seed=seed)
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(64, 3, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x[:4000], y[:4000], epochs=8, batch_size=64, verbose=0)
    accuracy = model.evaluate(x[4000:], y[4000:], verbose=0)[1]
    return model, accuracy


def score(classifier, images):
    probs = classifier.predict(images, verbose=0, batch_size=500)
    labels = probs.argmax(1)
    confidence = probs.max(1)
    shares = np.bincount(labels, minlength=10) / len(labels)
    return {
        "classes_3pct": int((shares >= 0.03).sum()),
        "min_class_share": float(shares.min()),
        "mean_confidence": float(confidence.mean()),
        "recognizable": float((confidence > 0.9).mean()),
        "shares": np.round(shares, 3).tolist(),
    }


def tutorial_networks():
    from throughput import tutorial_discriminator, tutorial_generator

    return tutorial_generator(), tutorial_discriminator()


class _TimeLimit(keras.callbacks.Callback):
    def __init__(self, seconds):
        super().__init__()
        self.seconds = seconds

    def on_train_begin(self, logs=None):
        self.start = time.time()

    def on_epoch_end(self, epoch, logs=None):
        if time.time() - self.start > self.seconds:
            self.model.stop_training = True


def baseline(seconds, batch_size, lr, beta_1):
    keras.utils.set_random_seed(0)
    x, _ = keras_gan.datasets.load_digits()
    generator, discriminator = tutorial_networks()
    gan = keras_gan.models.GAN(generator, discriminator, latent_dim=100, simultaneous=True, seed=0)
    gan.compile(d_optimizer=keras.optimizers.Adam(lr, beta_1=beta_1),
                g_optimizer=keras.optimizers.Adam(lr, beta_1=beta_1))
    gan.fit(x, batch_size=batch_size, epochs=10_000, verbose=0, callbacks=[_TimeLimit(seconds)])
    return gan.generate(1000, seed=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("generators", nargs="*")
    parser.add_argument("--baseline-seconds", type=float, default=0)
    args = parser.parse_args()
    classifier, accuracy = train_classifier()
    print(f"classifier accuracy on 1,000 held-out digits: {accuracy:.4f}")
    held_out, _ = keras_gan.datasets.load_digits()
    print("real held-out digits (reference)", score(classifier, held_out[4000:]))
    for path in args.generators:
        model = keras.models.load_model(path)
        z = np.random.default_rng(1).normal(size=(1000, model.inputs[0].shape[1])).astype("float32")
        print(path, score(classifier, model.predict(z, verbose=0)))
    if args.baseline_seconds:
        for name, batch, lr, beta in (("tutorial (batch 256, Adam 1e-4)", 256, 1e-4, 0.9),
                                      ("tutorial nets, batch 64, Adam 2e-4 b1 0.5", 64, 2e-4, 0.5)):
            print(name, score(classifier, baseline(args.baseline_seconds, batch, lr, beta)))


if __name__ == "__main__":
    main()
