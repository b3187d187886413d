"""InfoGAN on the embedded digits: a 10-way code that the model learns to use as the digit class.

    python examples/infogan_digits.py            # 16 epochs, about 90 s on 2 CPU cores
    python examples/infogan_digits.py --quick    # a few steps, to check the script runs

Latent = 62 noise values + one 10-way categorical code + 2 continuous codes
(the InfoGAN paper's MNIST set-up), networks of the article seed at half
width, Adam 2e-4 (discriminator and Q) and 1e-3 (generator), as in the paper.
No labels are used. Afterwards the shipped digit classifier labels 200 samples
per code value; the script prints how well the code predicts the digit (each
code value mapped to its majority digit, and the stricter one-to-one
matching) next to the chance level, and writes `traversal.png`: one row per
code value, the first continuous code swept from -1 to 1 along each row.
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402


def build(width=32, noise_dim=62, seed=0, tricks=None):
    keras.utils.set_random_seed(seed)
    gan = keras_gan.models.InfoGAN(
        keras_gan.networks.infogan_mnist_generator(noise_dim + 12, width=width),
        keras_gan.networks.infogan_mnist_discriminator(12, width=width),
        noise_dim=noise_dim, categorical=(10,), continuous=2, seed=seed, tricks=tricks,
    )
    gan.compile(
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
    )
    return gan


def code_agreement(gan, per_code=200, classifier=None):
    """How well categorical code 0 predicts the digit the classifier sees.

    Returns a dict: `majority` (each code value mapped to its majority digit),
    `one_to_one` (Hungarian matching), `chance` (the majority-vote score of a
    code independent of the digit: the largest digit share), `mapping`.
    """
    codes = np.repeat(np.arange(gan.categorical[0]), per_code)
    images = gan.generate(len(codes), categorical=codes, seed=1)
    digits = keras_gan.metrics.predicted_classes(images, classifier)
    majority, mapping = keras_gan.metrics.majority_vote_accuracy(codes, digits)
    one_to_one, _ = keras_gan.metrics.one_to_one_accuracy(codes, digits)
    chance = float(np.bincount(digits).max() / len(digits))
    return {"majority": majority, "one_to_one": one_to_one, "chance": chance, "mapping": mapping}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=16)
    parser.add_argument("--out", default="infogan_digits")
    parser.add_argument("--quick", action="store_true", help="1 epoch of 3 steps, tiny networks")
    args = parser.parse_args(argv)

    images, _ = keras_gan.datasets.load_digits(seed=0)  # labels unused: InfoGAN is unsupervised
    gan = build(width=4 if args.quick else 32)
    history = gan.fit(images, batch_size=64, epochs=1 if args.quick else args.epochs,
                      steps_per_epoch=3 if args.quick else None, verbose=2)
    score = code_agreement(gan, per_code=20 if args.quick else 200)
    print(f"code -> digit: majority vote {score['majority']:.1%} (chance {score['chance']:.1%}), "
          f"one-to-one {score['one_to_one']:.1%} (chance 10%); mapping {score['mapping']}")
    z, rows = gan.traversal_inputs(steps=10)
    os.makedirs(args.out, exist_ok=True)
    keras_gan.utils.save_image_grid(gan.generate(z), os.path.join(args.out, "traversal.png"), rows=rows, scale=2)
    gan.save(os.path.join(args.out, "infogan.keras"))
    history.code_agreement = score
    return history


if __name__ == "__main__":
    main()
