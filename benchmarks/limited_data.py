"""The data-efficient tricks on the main job: DiffAugment, ADA, LeCam, CR and bCR, on 5,000 and 1,000 digits.

    python benchmarks/limited_data.py --configs baseline diffaugment --data subset --seeds 0 \\
        --json benchmarks/results/limited_data.json
    python benchmarks/limited_data.py --list                  # the configurations and their tricks
    python benchmarks/limited_data.py --table benchmarks/results/limited_data.json   # a Markdown table

Each run is `keras-gan train` as `benchmarks/main_job_search.py` runs it (`keras_gan.cli.train`
itself: the CLI's DCGAN defaults, data order, seeds and callbacks, with `_build_model` replaced by
`main_job_search._extras_builder`, which here adds the configuration's tricks), then scored:

- `--data full`: the 5,000 embedded digits, one epoch = one pass = 156 steps of 32.
- `--data subset`: 1,000 of them (the first 100 of each class in `load_digits(seed=0)` order, all
  from the first 4,000), repeated, with `--steps-per-epoch 156`: the same steps as the full set,
  i.e. 5 passes over the subset per "epoch".

Scores, as `benchmarks/digits_quality.py` computes them (`score`), on 1,000 samples of the
saved (averaged) generator from `numpy.random.default_rng(1)` latents, with the classifier shipped
with the package (`keras_gan.metrics.load_digit_classifier()`): the share of samples with max
softmax > 0.9 ("confident"), the smallest class share and the classes with >= 5 % of the samples;
`digit_fd`, the Frechet distance between the `digit_feature_extractor()` features of those samples
and of the 1,000 real digits that neither the subset nor the shipped classifier trained on
(`load_digits(seed=0)[0][4000:]`). Also recorded: the confident share on the search's own CNN
(`main_job_search.classifier()`, comparable with the README's search table), the CLI's last
`digit_fd` against the training batches, ADA's final p, the seconds of training (model built to
models saved), the 1-minute load average, and the NumPy float32 matmul rate measured when the
process starts (GFLOP/s, 1024 x 1024, best of 5: what the CPU gave this process).

Results are printed one JSON line per run and, with `--json OUT`, appended to the list in OUT.
Run one training at a time; the wall times depend on the machine's other users.

Measured so far (benchmarks/results/limited_data.json, table and grids in docs/guides/limited-data.md):
the subset, seed 0, 20 epochs (3,120 steps), baseline and each single trick, on a shared 2-core CPU.
Confident / smallest class / digit_fd: baseline 62.0 % / 3.2 % / 31.1, DiffAugment 57.0 / 1.3 / 73.0,
ADA 64.5 / 3.3 / 30.2 (p back to 0 by epoch 6), LeCam 63.3 / 3.5 / 28.1, CR 64.5 / 1.3 / 62.3,
bCR 63.8 / 1.2 / 58.9. Not yet run: the full set, seed 1, `best`.
"""

import argparse
import inspect
import json
import os
import shutil
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)

import main_job_search  # noqa: E402

OUT = os.path.join("runs", "limited")
FULL_STEPS_PER_EPOCH = 5000 // 32  # the CLI's batch of 32, remainder dropped: 156
SUBSET_PER_CLASS = 100

# name -> the tricks added to the main job, as (class name in keras_gan.tricks, arguments). Each trick
# also gets the run's seed. Settings: the papers' defaults, adapted to 28x28 grayscale digits where noted.
CONFIGS = {
    "baseline": [],
    # Zhao et al. 2020: their limited-data policy. On one channel, "color" is brightness + U[-0.5, 0.5)
    # and contrast x U[0.5, 1.5); saturation (each pixel's channels from their mean) is the identity.
    "diffaugment": [("DiffAugment", {"policy": "color,translation,cutout"})],
    # Karras et al. 2020: target 0.6, an adjustment every 4 D updates. kimg 100 (paper: 500) lets p
    # cover [0, 1] within these runs' 100k real images; no flip (a mirrored digit is not a digit).
    "ada": [("ADA", {"target": 0.6, "interval": 4, "kimg": 100, "policy": "translation,color"})],
    # Tseng et al. 2021: weight 0.3, anchors' decay 0.99.
    "lecam": [("LeCam", {"weight": 0.3, "decay": 0.99})],
    # Zhang et al. 2020 / Zhao et al. 2021: weight 10 (lambda_real = lambda_fake = 10), a shift of up to
    # 1/8 of the side; no flip (CR asks for semantics-keeping augmentations).
    "cr": [("ConsistencyRegularization", {"weight": 10.0, "augment": "translation"})],
    "bcr": [("ConsistencyRegularization", {"weight": 10.0, "augment": "translation", "balanced": True})],
    # The composition chosen from the single-trick results on the subset (docs/guides/limited-data.md):
    # LeCam, the only one ahead of the baseline on every figure, with ADA, which stays off (p ~ 0) while
    # the discriminator does not memorize and turns on if it starts to. DiffAugment and CR cost quality.
    "best": [("ADA", {"target": 0.6, "interval": 4, "kimg": 100, "policy": "translation,color"}),
             ("LeCam", {"weight": 0.3, "decay": 0.99})],
}


def matmul_rate(n=1024, repeats=5):
    """NumPy float32 matmul rate, GFLOP/s (best of `repeats`): what the CPU gives this process now."""
    import numpy as np

    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((n, n), dtype="float32"), rng.standard_normal((n, n), dtype="float32")
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return 2 * n ** 3 / best / 1e9


def digits(data):
    """The training digits of `--data`, and the 1,000 held-out real digits that digit_fd compares with."""
    import numpy as np

    from keras_gan.datasets import load_digits

    x, y = load_digits(seed=0)
    held_out = x[4000:]
    if data == "full":
        return None, held_out
    chosen = np.concatenate([np.flatnonzero(y[:4000] == c)[:SUBSET_PER_CLASS] for c in range(10)])
    chosen.sort()
    return (x[chosen], y[chosen]), held_out


def _subset_loader(subset):
    """A stand-in for `keras_gan.datasets.load` that serves the subset as the CLI's digits pipeline does."""

    def load(name="digits", batch_size=64, *, seed=0, **kwargs):
        import tensorflow as tf

        images, labels = subset
        ds = tf.data.Dataset.from_tensor_slices((images, labels))
        ds = ds.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
        return ds.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)

    return load


def discriminator_outputs(run_dir, data):
    """The trained discriminator's mean sigmoid(D(x)) on 1,000 training digits and on the 1,000 held-out ones.

    A gap between the two is memorization of the training set, what the tricks are meant to prevent.
    With `--data full` both sets are training digits (the first 1,000 and the held-out 1,000 of the
    5,000): a control. Returns `(on_training, on_held_out)`.
    """
    import keras
    import numpy as np

    from keras_gan.datasets import load_digits

    gan = keras.models.load_model(os.path.join(run_dir, "gan.keras"))
    discriminator = gan.discriminator
    subset, held_out = digits(data)
    training = subset[0] if subset is not None else load_digits(seed=0)[0][:1000]

    def mean_output(images):
        if hasattr(gan, "assign_clusters"):  # the self-conditioned model: each digit with its own cluster
            images = [images, keras.ops.convert_to_numpy(gan.one_hot(gan.assign_clusters(images)))]
        logits = discriminator.predict(images, verbose=0, batch_size=500)
        return round(float(np.mean(1.0 / (1.0 + np.exp(-np.asarray(logits, "float64"))))), 4)

    return mean_output(training), mean_output(held_out)


def backfill(path):
    """Adds the discriminator's outputs to the records in `path` that lack them (from their run folders)."""
    with open(path) as f:
        records = json.load(f)
    for r in records:
        if r.get("d_real_train") is None:
            run_dir = os.path.join(OUT, f"{r['config']}-{r['data']}-e{r['epochs']}-s{r['seed']}")
            r["d_real_train"], r["d_real_held_out"] = discriminator_outputs(run_dir, r["data"])
    with open(path + ".tmp", "w") as f:
        json.dump(records, f, indent=1)
    os.replace(path + ".tmp", path)


def make_tricks(config, seed):
    def build(args):
        from keras_gan import tricks

        chosen = []
        for name, kwargs in CONFIGS[config]:
            trick = getattr(tricks, name)
            seeded = {"seed": seed} if "seed" in inspect.signature(trick).parameters else {}
            chosen.append(trick(**kwargs, **seeded))
        return chosen

    return build


def run(config, data, epochs, seed, rate, json_out=None, grids=None, model="dcgan"):
    import keras
    import numpy as np
    from digits_quality import score

    from keras_gan import cli, datasets, metrics
    from keras_gan.metrics.distances import frechet_distance
    from keras_gan.utils.images import save_image_grid

    subset, held_out = digits(data)
    out = os.path.join(OUT, f"{config}-{data}-e{epochs}-s{seed}" + ("" if model == "dcgan" else f"-{model}"))
    shutil.rmtree(out, ignore_errors=True)  # this benchmark's own folder: a rerun replaces it
    # `--model dcgan`: the DCGAN (the main job when the first runs ran); `self_conditioned`: today's main job.
    argv = ["train", "--model", model, "--epochs", str(epochs), "--seed", str(seed), "--out", out, "--verbose", "0"]
    if data == "subset":
        argv += ["--steps-per-epoch", str(FULL_STEPS_PER_EPOCH)]
    if model == "dcgan":
        for key, value in main_job_search.CONFIGS["baseline"].items():  # the default of the time: no overrides
            argv += [f"--{key.replace('_', '-')}", str(value)]
    args = cli.build_parser().parse_args(argv)
    original_build, original_load = cli._build_model, datasets.load
    cli._original_build_model = original_build
    if model == "dcgan":
        cli._build_model = main_job_search._extras_builder({}, make_tricks(config, seed))
    else:
        cli._build_model = lambda a, shape: original_build(a, shape, tricks=make_tricks(config, seed)(a))
    if subset is not None:
        datasets.load = _subset_loader(subset)
    try:
        start = time.time()
        cli.train(args)
        seconds = time.time() - start
    finally:
        cli._build_model, datasets.load = original_build, original_load
    load = os.getloadavg()[0]

    if model == "dcgan":
        generator = keras.models.load_model(os.path.join(out, "generator.keras"))
        z = np.random.default_rng(1).normal(size=(1000, generator.inputs[0].shape[1])).astype("float32")
        samples = generator.predict(z, verbose=0, batch_size=250)
    else:  # as the presets and benchmarks/main_job.py score it: clusters drawn from their frequencies
        samples = keras.models.load_model(os.path.join(out, "gan.keras")).generate(1000, seed=1)
    classifier = metrics.load_digit_classifier()
    scores = score(classifier, samples)
    features = metrics.digit_feature_extractor(classifier)
    fd = frechet_distance(features.predict(held_out, verbose=0, batch_size=500),
                          features.predict(samples, verbose=0, batch_size=500))
    search_scores = score(main_job_search.classifier(), samples)
    d_train, d_held_out = discriminator_outputs(out, data)
    with open(os.path.join(out, "history.json")) as f:
        history = json.load(f)
    shares = np.array(scores["shares"])
    save_image_grid(samples[:64], os.path.join(out, "grid.png"), rows=8)
    if grids:
        os.makedirs(grids, exist_ok=True)
        save_image_grid(samples[:64], os.path.join(grids, f"limited_data_{data}_{config}_s{seed}.png"), rows=8)
    steps = epochs * FULL_STEPS_PER_EPOCH
    passes = steps * 32 / (5000 if subset is None else len(subset[0]))
    record = {
        "model": model, "config": config, "tricks": [[name, kwargs] for name, kwargs in CONFIGS[config]], "data": data,
        "train_images": 5000 if subset is None else len(subset[0]), "epochs": epochs, "steps": steps,
        "passes": round(passes, 1), "seed": seed,
        "confident": scores["recognizable"], "min_class": scores["min_class_share"],
        "classes_5pct": int((shares >= 0.05).sum()), "mean_confidence": scores["mean_confidence"],
        "digit_fd": round(fd, 2), "digit_fd_train": history.get("digit_fd", [None])[-1],
        "confident_search_cnn": search_scores["recognizable"],
        "ada_p": history["ada_p"][-1] if "ada_p" in history else None,
        "d_real_train": d_train, "d_real_held_out": d_held_out,
        "seconds": round(seconds, 1), "load": round(load, 1), "matmul_gflops": round(rate, 1),
        "shares": scores["shares"],
        "command": f"nice -n 19 python benchmarks/limited_data.py --model {model} --configs {config} --data {data} "
                   f"--epochs {epochs} --seeds {seed}",
    }
    print(json.dumps(record), flush=True)
    if json_out:
        append(json_out, record)
    return record


def reference():
    """The same figures for real digits: the training sets against the 1,000 held-out ones."""
    import numpy as np
    from digits_quality import score

    from keras_gan import metrics
    from keras_gan.datasets import load_digits
    from keras_gan.metrics.distances import frechet_distance

    classifier = metrics.load_digit_classifier()
    features = metrics.digit_feature_extractor(classifier)
    subset, held_out = digits("subset")
    x, _ = load_digits(seed=0)
    held_features = features.predict(held_out, verbose=0, batch_size=500)
    for name, images in (("held-out digits (the 1,000 digit_fd compares with)", held_out),
                         ("first 1,000 training digits", x[:1000]), ("the 1,000-digit subset", subset[0])):
        scores = score(classifier, images)
        fd = frechet_distance(held_features, features.predict(images, verbose=0, batch_size=500))
        shares = np.array(scores["shares"])
        search = score(main_job_search.classifier(), images)["recognizable"]
        print(f"{name}: confident {100 * scores['recognizable']:.1f} %, min class "
              f"{100 * scores['min_class_share']:.1f} %, classes >= 5 % {int((shares >= 0.05).sum())}, "
              f"digit_fd {fd:.2f}, search CNN confident {100 * search:.1f} %")


def append(path, record):
    """Appends `record` to the JSON list in `path` (created if missing), atomically."""
    records = []
    if os.path.isfile(path):
        with open(path) as f:
            records = json.load(f)
    records.append(record)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path + ".tmp", "w") as f:
        json.dump(records, f, indent=1)
    os.replace(path + ".tmp", path)


def table(path):
    """The runs in `path` as a Markdown table."""
    with open(path) as f:
        records = json.load(f)
    rows = ["| model | data | config | seed | epochs (steps) | confident | min class | classes >= 5 % | digit_fd | "
            "confident (search CNN) | D(train) / D(held-out) | ADA p | time | load | matmul GFLOP/s |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in records:
        p = f"{r['ada_p']:.2f}" if r.get("ada_p") is not None else "-"
        d = f"{r['d_real_train']:.3f} / {r['d_real_held_out']:.3f}" if r.get("d_real_train") is not None else "-"
        rows.append(f"| {r.get('model', 'dcgan')} | {r['data']} ({r['train_images']}) | {r['config']} | {r['seed']} | "
                    f"{r['epochs']} "
                    f"({r['steps']}) | {100 * r['confident']:.1f} % | {100 * r['min_class']:.1f} % | "
                    f"{r['classes_5pct']} | {r['digit_fd']:.1f} | {100 * r['confident_search_cnn']:.1f} % | "
                    f"{d} | {p} | "
                    f"{int(r['seconds'] // 60)} min {int(r['seconds'] % 60):02d} s | {r['load']:.1f} | "
                    f"{r['matmul_gflops']:.0f} |")
    print("\n".join(rows))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", nargs="+", choices=list(CONFIGS), default=[])
    parser.add_argument("--data", choices=["full", "subset"], default="full",
                        help="the 5,000 digits, or 1,000 of them with the same steps")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--model", choices=["dcgan", "self_conditioned"], default="dcgan",
                        help="the DCGAN (the main job until issue 24) or today's main job, the SelfConditionedGAN")
    parser.add_argument("--epochs", type=int, default=20,
                        help=f"epochs of {FULL_STEPS_PER_EPOCH} steps (20: 20 passes over the 5,000 digits, "
                             "100 over the subset)")
    parser.add_argument("--json", metavar="OUT", help="append each run's record to the JSON list in OUT")
    parser.add_argument("--grids", metavar="DIR", help="also save each run's 64-sample grid in DIR")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--reference", action="store_true", help="print the figures of real digits")
    parser.add_argument("--backfill", metavar="JSON",
                        help="add the discriminator's outputs on training and held-out digits to older records")
    parser.add_argument("--table", metavar="JSON", help="print the runs recorded in JSON as a Markdown table")
    args = parser.parse_args()
    if args.list:
        for name, chosen in CONFIGS.items():
            print(f"{name}: {chosen or 'no trick'}")
    if args.table:
        table(args.table)
    if args.reference:
        reference()
    if args.backfill:
        backfill(args.backfill)
    if not args.configs:
        return
    rate = matmul_rate()
    print(f"NumPy float32 matmul: {rate:.1f} GFLOP/s", flush=True)
    for seed in args.seeds:
        for config in args.configs:
            run(config, args.data, args.epochs, seed, rate, args.json, args.grids, args.model)


if __name__ == "__main__":
    main()
