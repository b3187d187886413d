"""Mode collapse on the ring of 8 Gaussians, and what packing (PacGAN) does about it.

    python examples/mode_collapse.py                  # plain GAN vs PacGAN2 on the ring, about 4 minutes
    python examples/mode_collapse.py --configs plain pacgan2 minibatch --datasets ring grid
    python examples/mode_collapse.py --quick          # seconds

Runs the protocol of `benchmarks/mode_coverage.py` (the same code; see it for
the networks and the settings) on a chosen subset: 2,500 samples per model are
scored with `keras_gan.metrics.mode_coverage` (modes covered, share of
high-quality samples, KL of the mode histogram to uniform), and
`mode_collapse.png` shows the samples over the true modes. With the defaults
(seed 0, 200 epochs) the plain GAN covers 6 of the 8 modes and PacGAN2 all 8.
"""

import argparse
import importlib.util
import pathlib

BENCHMARK = pathlib.Path(__file__).resolve().parents[1] / "benchmarks" / "mode_coverage.py"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", nargs="+", default=["plain", "pacgan2"])
    parser.add_argument("--datasets", nargs="+", default=["ring"])
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="mode_collapse.png")
    parser.add_argument("--quick", action="store_true", help="1 epoch over 1,000 points")
    args = parser.parse_args(argv)

    spec = importlib.util.spec_from_file_location("mode_coverage", BENCHMARK)
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    options = ["--configs", *args.configs, "--datasets", *args.datasets, "--seeds", str(args.seed),
               "--out", args.out, "--epochs", "1" if args.quick else str(args.epochs)]
    if args.quick:
        options += ["--points", "1000"]
    return benchmark.main(options)


if __name__ == "__main__":
    main()
