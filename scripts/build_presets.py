"""Rebuilds the presets shipped in keras_gan/presets/data/ from their training commands.

Usage:
    python scripts/build_presets.py                      # every preset
    python scripts/build_presets.py conditional_gan_digits infogan_digits

Each preset is trained from scratch on the embedded digits with the command
below (TensorFlow backend, seed 0), written with `save_to_preset` (weights
stored as float16, a preset stays a few MB), loaded back and measured the way
its test measures it; its card (`metadata.json`) holds the Keras and keras-gan
versions, this exact command, the training time and the figures. Times are
on the machine that ran it; `matmul_gflops` (float32 NumPy matmul rate
measured just before) says how fast that machine was.
"""

import argparse
import json
import os
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, ROOT)
import keras  # noqa: E402

import keras_gan  # noqa: E402
from keras_gan.presets.store import PRESET_DIR  # noqa: E402


def _example(name):
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, "examples", f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def matmul_gflops(n=1024, repeats=10):
    a = np.random.default_rng(0).random((n, n), dtype=np.float32)
    a @ a
    start = time.perf_counter()
    for _ in range(repeats):
        a @ a
    return round(2 * n**3 * repeats / (time.perf_counter() - start) / 1e9, 1)


def dcgan_quality(gan, n=1000):
    """What the dcgan card reports: the shipped classifier's view of n samples, and digit_fd."""
    images = gan.generate(n, seed=1)
    classifier = keras_gan.metrics.load_digit_classifier()
    probs = classifier.predict(images, verbose=0, batch_size=500)  # class probabilities
    shares = np.bincount(probs.argmax(1), minlength=10) / n
    real, _ = keras_gan.datasets.load_digits(seed=0)
    features = keras_gan.metrics.digit_feature_extractor(classifier)
    fd = keras_gan.metrics.frechet_distance(features.predict(real[:n], verbose=0),
                                            features.predict(images, verbose=0))
    return {"confident_share": round(float((probs.max(1) > 0.9).mean()), 4),
            "smallest_class_share": round(float(shares.min()), 4), "digit_fd": round(float(fd), 2)}


def build_dcgan(seed=0):
    """The former main job, `keras-gan train --model dcgan` (40 epochs of DCGAN, EMA 0.999)."""
    from keras_gan import cli

    out = os.path.join(tempfile.mkdtemp(), "run")
    if cli.main(["train", "--model", "dcgan", "--out", out, "--seed", str(seed), "--verbose", "0"]) != 0:
        raise SystemExit("keras-gan train failed")
    gan = keras.models.load_model(os.path.join(out, "gan.keras"))
    return gan, {}, {
        "description": "DCGAN on the 5,000 embedded MNIST digits: the former main job (`keras-gan train --model "
                       "dcgan`: 40 epochs, batch 32, Adam 2e-4 / beta_1 0.5, non-saturating loss, EMA 0.999 of the "
                       "generator's weights). The weights are the moving average.",
        "training": f"keras-gan train --model dcgan --seed {seed}",
        "figures_how": "1,000 samples (generate(1000, seed=1)) classified by the shipped digit classifier: share "
                       "with confidence > 0.9, smallest class share; digit_fd against the first 1,000 embedded "
                       "digits on the classifier's features.",
    }


def build_self_conditioned(seed=0):
    """The main job, `keras-gan train` with its defaults (SelfConditionedGAN on 50 k-means clusters, 20 epochs)."""
    from keras_gan import cli

    out = os.path.join(tempfile.mkdtemp(), "run")
    if cli.main(["train", "--out", out, "--seed", str(seed), "--verbose", "0"]) != 0:
        raise SystemExit("keras-gan train failed")
    gan = keras.models.load_model(os.path.join(out, "gan.keras"))
    return gan, {}, {
        "description": "SelfConditionedGAN on the 5,000 embedded MNIST digits: the main job (`keras-gan train` "
                       "with its defaults: a conditional DCGAN pair of width 32, latent 32, projection "
                       "discriminator, conditioned on 50 k-means clusters of the pixels; 20 epochs, batch 32, "
                       "Adam 2e-4 / beta_1 0.5, non-saturating loss, EMA 0.995). The weights are the moving average.",
        "training": f"keras-gan train --seed {seed}",
        "figures_how": "1,000 samples (generate(1000, seed=1): clusters drawn from their frequencies) classified "
                       "by the shipped digit classifier: share with confidence > 0.9, smallest class share; "
                       "digit_fd against the first 1,000 embedded digits on the classifier's features.",
    }


def build_conditional(seed=0, epochs=20):
    example = _example("conditional_gan_digits")
    images, labels = keras_gan.datasets.load_digits(seed=0)
    gan = example.build(width=32, seed=seed)
    gan.fit(images, labels, batch_size=32, epochs=epochs, verbose=0)
    return gan, {}, {
        "description": "Conditional DCGAN (width 32, projection discriminator, latent 32) on the embedded digits "
                       "and their labels: examples/conditional_gan_digits.py's build(width=32), 20 epochs of "
                       "batch 32, EMA 0.995 of the generator's weights.",
        "training": f"examples/conditional_gan_digits.py build(width=32, seed={seed}); fit(images, labels, "
                    f"batch_size=32, epochs={epochs})",
        "figures_how": "conditional_accuracy: 500 samples (50 per digit, generate(labels=..., seed=1)) classified "
                       "as the requested digit by the shipped classifier (95.8 % accurate on held-out real digits).",
    }


def build_infogan(seed=0, epochs=16):
    example = _example("infogan_digits")
    images, _ = keras_gan.datasets.load_digits(seed=0)
    gan = example.build(width=32, seed=seed)
    history = gan.fit(images, batch_size=64, epochs=epochs, verbose=0)
    return gan, {"categorical_mi_last_epoch": round(float(history.history["categorical_mi"][-1]), 4)}, {
        "description": "InfoGAN (the paper's MNIST networks at half width; 62 noise, one 10-way categorical code, "
                       "2 continuous codes) on the embedded digits without labels, 16 epochs of batch 64.",
        "training": f"examples/infogan_digits.py build(width=32, seed={seed}); fit(images, batch_size=64, "
                    f"epochs={epochs})",
        "figures_how": "200 samples per value of categorical code 0 (seed=1), classified by the shipped "
                       "classifier: majority = each code value mapped to its majority digit; one_to_one = "
                       "Hungarian matching; chance = the largest digit share.",
    }


def conditional_quality(gan):
    """What the conditional card reports: 500 samples (50 per digit) classified as the requested digit."""
    requested = np.repeat(np.arange(10), 50)
    accuracy = keras_gan.metrics.conditional_accuracy(gan.generate(labels=requested, seed=1), requested)
    return {"conditional_accuracy": round(float(accuracy), 4)}


def infogan_quality(gan):
    """What the InfoGAN card reports: how well categorical code 0 predicts the digit."""
    score = _example("infogan_digits").code_agreement(gan)
    figures = {k: round(float(score[k]), 4) for k in ("majority", "one_to_one", "chance")}
    figures["code_to_digit"] = {str(k): int(v) for k, v in score["mapping"].items()}
    return figures


#: name: (train, measure); the figures are measured on the preset as stored (float16 weights), loaded back.
PRESETS = {"dcgan_digits": (build_dcgan, dcgan_quality),
           "self_conditioned_digits": (build_self_conditioned, dcgan_quality),
           "conditional_gan_digits": (build_conditional, conditional_quality),
           "infogan_digits": (build_infogan, infogan_quality)}


def write_preset(name, gan, figures, card, folder):
    """Saves `gan` as preset `name` (float16 weights), measures it loaded back, and writes the figures on its card."""
    path = gan.save_to_preset(os.path.join(folder, name), metadata=card, overwrite=True, weights_dtype="float16")
    figures = {**PRESETS[name][1](keras_gan.presets.load_preset(path)), **figures}
    card = keras_gan.presets.metadata(path)
    card["figures"] = figures
    from keras_gan.utils.files import atomic_path

    with atomic_path(os.path.join(path, keras_gan.presets.METADATA_FILE)) as tmp, open(tmp, "w") as f:
        json.dump(card, f, indent=1)
    return path, figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=[], metavar="NAME",
                        help=f"presets to rebuild (default: all of {', '.join(PRESETS)})")
    parser.add_argument("--out", default=str(PRESET_DIR), help="folder of the preset folders")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in PRESETS]
    if unknown:
        parser.error(f"unknown preset(s) {', '.join(unknown)}; choose from {', '.join(PRESETS)}")
    if keras.backend.backend() != "tensorflow":
        raise SystemExit("build presets with KERAS_BACKEND=tensorflow (they load on every backend)")
    for name in args.names or list(PRESETS):
        gflops = matmul_gflops()
        start = time.perf_counter()
        gan, figures, card = PRESETS[name][0]()
        seconds = round(time.perf_counter() - start, 1)
        card.update({"command": f"python scripts/build_presets.py {name}", "train_seconds": seconds,
                     "matmul_gflops": gflops})
        path, figures = write_preset(name, gan, figures, card, args.out)
        size = sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path))
        print(f"{name}: {figures} in {seconds} s (matmul {gflops} GFLOP/s); {size / 1e6:.2f} MB in {path}",
              flush=True)


if __name__ == "__main__":
    main()
