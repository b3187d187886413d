"""CycleGAN between plain and bold digits, learned from unpaired examples.

    python examples/cyclegan_digits.py            # 5 epochs on 2 x 1,000 digits, about 1 minute on 2 CPU cores
    python examples/cyclegan_digits.py --quick    # a few steps, to check the script runs

Domain A: 1,000 embedded digits; domain B: 1,000 *other* digits made bold
(grey dilation), so no B image is the bold copy of an A image. CycleGAN learns
A -> B (embolden) and B -> A (thin) from the two piles alone. The script
prints the cycle-reconstruction error |G_BA(G_AB(a)) - a| before and after
training and, since we know the true A -> B map here, the error of the learned
translation against it; it writes `translations.png`: rows of A images, their
translation to B, and the reconstruction.
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402
from keras_gan import networks  # noqa: E402


def build(width=8, residual_blocks=2, seed=0):
    keras.utils.set_random_seed(seed)
    shape = (28, 28, 1)
    gan = keras_gan.models.CycleGAN(
        networks.cyclegan_generator(shape, width, residual_blocks),
        networks.cyclegan_generator(shape, width, residual_blocks),
        networks.patchgan_discriminator(shape, width),
        networks.patchgan_discriminator(shape, width),
        cycle_weight=10.0, identity_weight=5.0, pool_size=50, seed=seed,
    )
    gan.compile()  # Adam(2e-4, beta_1=0.5), least-squares adversarial loss
    return gan


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--images", type=int, default=1000, help="images per domain")
    parser.add_argument("--out", default="cyclegan_digits")
    parser.add_argument("--quick", action="store_true", help="1 epoch of 3 steps, tiny networks")
    args = parser.parse_args(argv)

    a, b, to_b = keras_gan.datasets.load_digit_domains("thicken", seed=0)
    a, b = a[: args.images], b[: args.images]
    gan = build(width=4 if args.quick else 8, residual_blocks=1 if args.quick else 2)
    probe_a, probe_b = a[:200], b[:200]
    before = gan.cycle_error(probe_a, probe_b)
    history = gan.fit(a, b, batch_size=16, epochs=1 if args.quick else args.epochs,
                      steps_per_epoch=3 if args.quick else None, verbose=2)
    after = gan.cycle_error(probe_a, probe_b)
    translated = gan.translate_ab(probe_a)
    error_vs_truth = float(np.mean(np.abs(translated - to_b(probe_a))))
    print(f"cycle error A->B->A: {before[0]:.3f} -> {after[0]:.3f}; B->A->B: {before[1]:.3f} -> {after[1]:.3f}")
    print(f"mean |G_AB(a) - bold(a)| = {error_vs_truth:.3f} (identity map: "
          f"{float(np.mean(np.abs(probe_a - to_b(probe_a)))):.3f})")
    os.makedirs(args.out, exist_ok=True)
    rows = np.concatenate([probe_a[:10], translated[:10], gan.translate_ba(translated[:10])])
    keras_gan.utils.save_image_grid(rows, os.path.join(args.out, "translations.png"), rows=3, scale=2)
    gan.save(os.path.join(args.out, "cyclegan.keras"))
    history.cycle_error = (before, after)
    return history


if __name__ == "__main__":
    main()
