"""How sensitive InfoGAN's code-to-digit alignment is to the seed and to float32 rounding.

Usage:
    python benchmarks/infogan_sensitivity.py --seeds 0 1 2 --ulp 0 1000 2000

Trains the slow test's InfoGAN (examples/infogan_digits.py, width 32, 16 epochs
of batch 64 on the 5,000 embedded digits) once per seed, and once per `--ulp`
index with seed 0 after moving that one weight of the generator's first layer
by one float32 ulp (np.nextafter). Prints the code-to-digit scores of each run
(majority vote, one-to-one matching, chance = the largest digit share) and its
time. A one-ulp change that moves the score as much as a seed does shows that
the figure depends on rounding, i.e. on the CPU's kernels and the library
builds, and not only on the code.
"""

import argparse
import importlib.util
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, ROOT)
import keras_gan  # noqa: E402


def _example():
    spec = importlib.util.spec_from_file_location("infogan_digits", os.path.join(ROOT, "examples", "infogan_digits.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(seed=0, ulp=None, epochs=16):
    example = _example()
    images, _ = keras_gan.datasets.load_digits(seed=0)
    gan = example.build(width=32, seed=seed)
    gan.build()
    if ulp is not None:
        kernel = gan.generator.weights[0]
        values = keras.ops.convert_to_numpy(kernel).copy()
        flat = values.reshape(-1)
        flat[ulp] = np.nextafter(flat[ulp], np.float32(np.inf))
        kernel.assign(values)
    start = time.perf_counter()
    gan.fit(images, batch_size=64, epochs=epochs, verbose=0)
    score = example.code_agreement(gan)
    return {k: round(float(score[k]), 4) for k in ("majority", "one_to_one", "chance")}, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2])
    parser.add_argument("--ulp", type=int, nargs="*", default=[0, 1000, 2000],
                        help="indices of the generator's first kernel to move by one ulp (seed 0)")
    parser.add_argument("--epochs", type=int, default=16)
    args = parser.parse_args()
    for seed in args.seeds:
        score, seconds = run(seed=seed, epochs=args.epochs)
        print(f"seed {seed}: {score} ({seconds:.0f} s)", flush=True)
    for index in args.ulp:
        score, seconds = run(seed=0, ulp=index, epochs=args.epochs)
        print(f"seed 0, one ulp at weight {index}: {score} ({seconds:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
