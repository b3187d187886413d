"""Stacked MNIST mode counts: DCGAN against PacDCGAN2 and PacDCGAN4 (PacGAN, Table 2).

Usage:
    python benchmarks/stacked_mnist.py                                   # all three, seed 0
    python benchmarks/stacked_mnist.py --configs dcgan pac2 --seeds 0 1 --steps 4000

Data: `keras_gan.datasets.load_stacked_digits` (three embedded digits as the RGB
channels, 1,000 modes). Networks: keras-gan's DCGAN generator and discriminator
for 28x28x3 (`keras_gan.networks.dcgan_generator` / `dcgan_discriminator`),
the discriminator taking m x 3 channels for PacDCGANm (`Packing(m)`, packs of m
samples). Adam 2e-4 / beta_1 0.5, batch 64, the non-saturating loss. After
`--steps` steps, 26,000 samples are classified channel by channel by the
shipped digit classifier (`keras_gan.metrics.stacked_modes`): modes hit and
KL(q || uniform), as in VEEGAN and PacGAN.

The paper's Table 2 (VEEGAN's setting): DCGAN 99 modes / KL 3.40, VEEGAN 150 /
2.95, PacDCGAN2 1000 / 0.06 (means over runs). Differences from it: its
networks are VEEGAN's (a smaller discriminator), and it trains far longer on
the full MNIST (60,000 digits per channel); here the 5,000 embedded digits
and a CPU budget of a few thousand steps. The printed matmul rate says how
fast the machine was.
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from backends import matmul_rate  # noqa: E402  (benchmarks/backends.py)

import keras_gan  # noqa: E402

PAPER = {"dcgan": (99, 3.40), "pac2": (1000, 0.06), "pac4": (None, None)}
PACKS = {"dcgan": 1, "pac2": 2, "pac4": 4}


def train(config, seed, steps, batch_size=64, width=32, latent_dim=64, d_width=None):
    m = PACKS[config]
    keras.utils.set_random_seed(seed)
    shape = (28, 28, 3)
    generator = keras_gan.networks.dcgan_generator(shape, latent_dim=latent_dim, width=width)
    discriminator = keras_gan.networks.dcgan_discriminator((28, 28, 3 * m), width=d_width or width)
    tricks = [keras_gan.tricks.Packing(m)] if m > 1 else []
    gan = keras_gan.models.GAN(generator, discriminator, latent_dim=latent_dim, tricks=tricks, seed=seed)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5), loss="non_saturating")
    x, _ = keras_gan.datasets.load_stacked_digits(batch_size * steps if batch_size * steps < 60_000 else 60_000,
                                                  seed=seed)
    import tensorflow as tf

    # Reshuffled passes over x, as many as `steps` batches need (Keras does not restart a NumPy array
    # when steps_per_epoch is shorter than an epoch).
    data = tf.data.Dataset.from_tensor_slices(x).shuffle(len(x), seed=seed).batch(batch_size, drop_remainder=True)
    start = time.perf_counter()
    gan.fit(data.repeat(), epochs=1, steps_per_epoch=steps, verbose=0)
    return gan, time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", nargs="*", default=list(PACKS), choices=list(PACKS))
    parser.add_argument("--seeds", nargs="*", type=int, default=[0])
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--samples", type=int, default=26_000)
    parser.add_argument("--d-width", type=int, default=None,
                        help="the discriminator's width (default: the generator's, 32); Metz et al. and VEEGAN "
                             "shrink the discriminator to provoke collapse (a quarter: 8)")
    parser.add_argument("--json", default=None, help="append one JSON line per run to this file")
    parser.add_argument("--grid", default=None, help="save a 10x10 sample grid per run into this folder")
    args = parser.parse_args(argv)
    print(f"float32 matmul: {matmul_rate() / 1e9:.0f} GFLOP/s", flush=True)
    for config in args.configs:
        for seed in args.seeds:
            gan, seconds = train(config, seed, args.steps, d_width=args.d_width)
            samples = gan.generate(args.samples, seed=1000 + seed)
            result = keras_gan.metrics.stacked_modes(samples)
            row = {"config": config, "seed": seed, "steps": args.steps, "d_width": args.d_width or 32,
                   "modes": result["modes"],
                   "kl": round(result["kl"], 3), "seconds": round(seconds)}
            modes, kl = PAPER[config]
            paper = f" (paper: {modes} modes, KL {kl})" if modes else ""
            print(f"{config} seed {seed}: {row['modes']} modes, KL {row['kl']:.2f} after {args.steps} steps "
                  f"in {seconds:.0f} s{paper}", flush=True)
            if args.json:
                with open(args.json, "a") as f:
                    f.write(json.dumps(row) + "\n")
            if args.grid:
                from keras_gan.utils.images import save_image_grid

                os.makedirs(args.grid, exist_ok=True)
                save_image_grid(samples[:100], os.path.join(args.grid, f"stacked_{config}_seed{seed}.png"))


if __name__ == "__main__":
    main()
