"""What conditioning on clusters buys the digits: the share of confident samples against the clusters' purity.

    python benchmarks/cluster_conditioning.py clusters=50                   # SelfConditionedGAN, pixel k-means
    python benchmarks/cluster_conditioning.py clusters=20 features=discriminator recluster=5
    python benchmarks/cluster_conditioning.py labels=true                   # ConditionalGAN on the true digits
    python benchmarks/cluster_conditioning.py clusters=20 precomputed=1     # ConditionalGAN on k-means labels

Every run: the conditional DCGAN pair of `examples/conditional_gan_digits.py`
(width 32, latent 32, projection discriminator), batch 32, Adam 2e-4 / 0.5, EMA
0.995, `epochs=20` unless given, on the 5,000 embedded digits. `SelfConditionedGAN`
clusters inside `fit` (from a tf.data pipeline, as `keras-gan train` does);
`precomputed=1` and `labels=true` give a `ConditionalGAN` the labels as arrays
(k-means of the pixels, SciPy's kmeans2 seeded like the model, or the true
digits: the upper bound). Scored like the presets: 1,000 samples with clusters
drawn from their frequencies (`generate(1000, seed=1)`; the labelled runs draw
labels from the label frequencies with NumPy seed 1), classified by the shipped
classifier: confident share (> 0.9), smallest class share. `purity`: the share
of the 5,000 digits whose cluster's majority digit is their own. Appends to
`benchmarks/results/cluster_conditioning.jsonl`.
"""

import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, ROOT)

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402
from keras_gan.models.self_conditioned import kmeans  # noqa: E402
from keras_gan.networks import conditional as nets  # noqa: E402


def purity(clusters, digits):
    return sum(np.bincount(digits[clusters == c]).max() for c in np.unique(clusters)) / len(digits)


def main(argv):
    cfg = dict(a.split("=") for a in argv)
    k = int(cfg.get("clusters", 20))
    epochs, seed = int(cfg.get("epochs", 20)), int(cfg.get("seed", 0))
    width, latent = 32, 32
    x, digits = keras_gan.datasets.load_digits(seed=0)
    keras.utils.set_random_seed(seed)
    start = time.perf_counter()
    labelled = cfg.get("labels") == "true" or cfg.get("precomputed") == "1"
    if labelled:
        labels = digits.astype("int32") if cfg.get("labels") == "true" else kmeans(x.reshape(len(x), -1), k, seed)[1]
        k = int(labels.max()) + 1
        gan = keras_gan.models.ConditionalGAN(nets.conditional_dcgan_generator((28, 28, 1), latent, k, width),
                                              nets.conditional_dcgan_discriminator((28, 28, 1), k, width),
                                              latent_dim=latent, num_classes=k, seed=seed)
    else:
        features = "pixels" if cfg.get("features", "pixels") == "pixels" else "cd_features"
        recluster = int(cfg["recluster"]) if "recluster" in cfg else None
        gan = keras_gan.models.SelfConditionedGAN(
            nets.conditional_dcgan_generator((28, 28, 1), latent, k, width),
            nets.conditional_dcgan_discriminator((28, 28, 1), k, width, name="cd"),
            latent_dim=latent, num_clusters=k, seed=seed, features=features, recluster_every=recluster)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5, use_ema=True, ema_momentum=0.995))
    if labelled:
        gan.fit(x, labels, batch_size=32, epochs=epochs, verbose=0)
        frequencies = np.bincount(labels, minlength=k) / len(labels)
        images = gan.generate(labels=np.random.default_rng(1).choice(k, size=1000, p=frequencies), seed=1)
        clusters = labels
    else:
        gan.fit(keras_gan.datasets.load("digits", batch_size=32, seed=seed), epochs=epochs, verbose=0)
        images = gan.generate(1000, seed=1)
        clusters = keras.ops.convert_to_numpy(gan.assign_clusters(x))
    seconds = time.perf_counter() - start
    probs = keras_gan.metrics.load_digit_classifier().predict(images, verbose=0, batch_size=500)
    shares = np.bincount(probs.argmax(1), minlength=10) / len(probs)
    result = {"config": cfg, "clusters": k, "purity": round(float(purity(clusters, digits)), 3),
              "confident": float((probs.max(1) > 0.9).mean()), "min_class": float(shares.min()),
              "train_seconds": round(seconds, 1)}
    print(json.dumps(result), flush=True)
    with open(os.path.join(ROOT, "benchmarks", "results", "cluster_conditioning.jsonl"), "a") as f:
        f.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
