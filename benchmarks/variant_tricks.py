"""Does the main job's winning trick carry to the other variants? (issue 24, item 4)

    python benchmarks/variant_tricks.py --models conditional infogan --configs baseline lecam --seeds 0 1 \\
        --json benchmarks/results/variant_tricks.json
    python benchmarks/variant_tricks.py --table benchmarks/results/variant_tricks.json

LeCam (weight 0.3, anchors' decay 0.99: `benchmarks/limited_data.py`'s "lecam", the only trick ahead of the
baseline on every figure of the 1,000-digit subset) added to the two labelled/coded variants, built exactly as
their examples build them (`examples/conditional_gan_digits.py`, `examples/infogan_digits.py`: same networks,
optimizers, seeds), on the 5,000 embedded digits:

- `conditional`: `ConditionalGAN`, width 32, batch 32, `--epochs` (default 10); scored by
  `keras_gan.metrics.conditional_accuracy`: the share of 500 samples (50 per digit, `seed=1`) that the
  shipped classifier reads as the requested digit (the preset's 20 epochs give 93.4 %).
- `infogan`: `InfoGAN`, width 32, batch 64, 16 epochs (the former learning test's recipe); scored by
  `examples/infogan_digits.code_agreement`: majority-vote and one-to-one agreement of the 10-way code with
  the digit the classifier sees (chance: the largest digit share), and the last `categorical_mi`.

Each run prints one JSON line (with the seconds of `fit` and the NumPy float32 matmul rate measured when the
process starts) and, with `--json OUT`, appends it to the list in OUT. Run one at a time.
"""

import argparse
import importlib.util
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

from limited_data import append, matmul_rate  # noqa: E402

CONFIGS = {"baseline": [], "lecam": [("LeCam", {"weight": 0.3, "decay": 0.99})]}
EPOCHS = {"conditional": 10, "infogan": 16}


def example(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, "examples", f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tricks_of(config):
    from keras_gan import tricks

    return [getattr(tricks, name)(**kwargs) for name, kwargs in CONFIGS[config]]


def build(model, config, seed):
    """The example's own `build` (its networks, optimizers and seed), with the configuration's tricks."""
    name = "conditional_gan_digits" if model == "conditional" else "infogan_digits"
    return example(name).build(width=32, seed=seed, tricks=tricks_of(config))


def run(model, config, seed, epochs, rate):
    import numpy as np

    import keras_gan

    images, labels = keras_gan.datasets.load_digits(seed=0)
    gan = build(model, config, seed)
    start = time.perf_counter()
    if model == "conditional":
        history = gan.fit(images, labels, batch_size=32, epochs=epochs, verbose=0)
    else:
        history = gan.fit(images, batch_size=64, epochs=epochs, verbose=0)
    seconds = time.perf_counter() - start
    record = {"model": model, "config": config, "seed": seed, "epochs": epochs, "seconds": round(seconds, 1),
              "matmul_gflops": rate}
    if model == "conditional":
        requested = np.repeat(np.arange(10), 50)
        record["accuracy"] = float(keras_gan.metrics.conditional_accuracy(
            gan.generate(labels=requested, seed=1), requested))
    else:
        score = example("infogan_digits").code_agreement(gan)
        record.update(majority=score["majority"], one_to_one=score["one_to_one"], chance=score["chance"],
                      categorical_mi=float(history.history["categorical_mi"][-1]))
    return record


def table(path):
    with open(path) as f:
        records = json.load(f)
    lines = ["| model | config | seed | epochs | figure | fit (s) | matmul GFLOP/s |", "|---|---|---|---|---|---|---|"]
    for r in records:
        if r["model"] == "conditional":
            figure = f"requested digit {100 * r['accuracy']:.1f} %"
        else:
            figure = (f"majority {100 * r['majority']:.1f} % (chance {100 * r['chance']:.1f} %), one-to-one "
                      f"{100 * r['one_to_one']:.1f} %, MI {r['categorical_mi']:.2f}")
        lines.append(f"| {r['model']} | {r['config']} | {r['seed']} | {r['epochs']} | {figure} | {r['seconds']} "
                     f"| {r['matmul_gflops']:.0f} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", choices=list(EPOCHS), default=list(EPOCHS))
    parser.add_argument("--configs", nargs="+", choices=list(CONFIGS), default=list(CONFIGS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--epochs", type=int, default=None, help="override each model's epochs")
    parser.add_argument("--json", metavar="OUT", help="append each run's record to the JSON list in OUT")
    parser.add_argument("--table", metavar="JSON", help="print the runs recorded in JSON as a Markdown table")
    args = parser.parse_args()
    if args.table:
        print(table(args.table))
        return
    for model in args.models:
        for seed in args.seeds:
            for config in args.configs:
                record = run(model, config, seed, args.epochs or EPOCHS[model], matmul_rate())
                print(json.dumps(record), flush=True)
                if args.json:
                    append(args.json, record)


if __name__ == "__main__":
    main()
