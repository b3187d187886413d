"""The main job, today's default against the former one, side by side on one machine (issue 24, item 3).

    python benchmarks/main_job.py                       # seeds 0 and 1, both configurations
    python benchmarks/main_job.py --seeds 0 --configs self_conditioned

Each configuration is a `keras-gan train` command line, run as a subprocess (the
wall time is the command's, from start to the models saved), one after the other
and interleaved by seed, so both meet the same machine. Each run's `gan.keras` is
scored as the presets are (`scripts/build_presets.py`'s `dcgan_quality`): 1,000
samples `generate(1000, seed=1)` classified by the shipped digit classifier: the
share with confidence > 0.9, the smallest class share, and `digit_fd`. The NumPy
float32 matmul rate is measured before each run. Results are appended to
`benchmarks/results/main_job.json`.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "scripts"))

#: name -> the `keras-gan train` options (besides --out, --seed and --verbose).
CONFIGS = {
    "self_conditioned": [],  # today's default: 50 k-means clusters, width 32, latent 32, 20 epochs, EMA 0.995
    "dcgan": ["--model", "dcgan"],  # the former default: 40 epochs, width 64, latent 64, EMA 0.999
    "self_conditioned_20": ["--clusters", "20", "--epochs", "40"],
    "conditioned_dcgan_10": ["--clusters", "10"],
}


def run(name, seed):
    import keras
    from build_presets import dcgan_quality, matmul_gflops

    import keras_gan

    gflops = matmul_gflops()
    out = os.path.join(tempfile.mkdtemp(prefix="main_job_"), "run")
    command = [sys.executable, "-m", "keras_gan.cli", "train", "--out", out, "--seed", str(seed), "--verbose", "0",
               *CONFIGS[name]]
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    keras_gan._import_subpackages()
    gan = keras.models.load_model(os.path.join(out, "gan.keras"))
    figures = dcgan_quality(gan)
    return {"config": name, "options": CONFIGS[name], "seed": seed, "wall_seconds": round(seconds, 1),
            "matmul_gflops": gflops, **figures}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--configs", nargs="+", default=["self_conditioned", "dcgan"], choices=list(CONFIGS))
    args = parser.parse_args(argv)
    results = []
    path = os.path.join(ROOT, "benchmarks", "results", "main_job.json")
    for seed in args.seeds:
        for name in args.configs:
            result = run(name, seed)
            print(json.dumps(result), flush=True)
            results.append(result)
            previous = json.load(open(path)) if os.path.exists(path) else []
            with open(path + ".part", "w") as f:
                json.dump(previous + [result], f, indent=1)
            os.replace(path + ".part", path)
    return results


if __name__ == "__main__":
    main()
