"""Keras Tuner on the embedded digits: pick a DCGAN's hyperparameters by sample quality.

    python examples/tune_dcgan.py              # 10 trials x 15 epochs, 4 to 5 minutes on 2 CPU cores
    python examples/tune_dcgan.py --quick      # 2 tiny trials, to check the script runs

The objective is the Frechet distance on the shipped digit classifier's
features (`digit_fd`, offline; lower is better), computed on 500 samples after
every epoch by `keras_gan.callbacks.Evaluate`, never a loss. Prints the best
hyperparameters, saves the best generator's samples to `best.png` and plots
every trial's score, and its score against the generator's learning rate, in
`trials.png`.
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras_tuner  # noqa: E402

import keras_gan  # noqa: E402
from keras_gan.tuning import GANHyperModel  # noqa: E402
from keras_gan.utils.images import save_image_grid  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--out", default="tune_dcgan")
    parser.add_argument("--quick", action="store_true", help="2 trials of 1 epoch on 256 digits, tiny networks")
    args = parser.parse_args(argv)

    images, _ = keras_gan.datasets.load_digits(seed=0)
    # Narrowed to what 2 CPU cores can explore in minutes; drop an entry to search it too.
    space = {"width": [16, 32], "latent_dim": [32, 64], "discriminator_steps": 1}
    if args.quick:
        images, args.trials, args.epochs = images[:256], 2, 1
        space.update(width=4, latent_dim=[8, 16])
    hypermodel = GANHyperModel(metric="digit_fd", num_eval_samples=128 if args.quick else 500, search_space=space)
    tuner = keras_tuner.RandomSearch(hypermodel, objective=hypermodel.objective, max_trials=args.trials, seed=0,
                                     directory=args.out, project_name="search", overwrite=True)
    tuner.search(images, epochs=args.epochs, batch_size=64, verbose=0)

    best_trial = tuner.oracle.get_best_trials(1)[0]
    print(f"best digit_fd {best_trial.score:.2f} with:")
    for name, value in best_trial.hyperparameters.values.items():
        print(f"  {name:20s} {value}")
    for trial in sorted(tuner.oracle.trials.values(), key=lambda t: t.score):
        print(f"trial {trial.trial_id}: digit_fd {trial.score:.2f}")
    best = tuner.get_best_models(1)[0]
    save_image_grid(best.generate(64, seed=0), os.path.join(args.out, "best.png"), scale=2)
    plot_trials(tuner, os.path.join(args.out, "trials.png"))
    return best_trial


def plot_trials(tuner, path, metric="digit_fd"):
    """Each trial's score, best first (left), and against the generator's learning rate (right)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from keras_gan.plotting import save_figure

    trials = sorted(tuner.oracle.trials.values(), key=lambda t: t.score)
    styles = {"non_saturating": ("o", "C0"), "least_squares": ("s", "C1"), "hinge": ("^", "C2")}
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for rank, trial in enumerate(trials):
        hp = trial.hyperparameters.values
        marker, color = styles.get(hp.get("loss"), ("x", "C7"))
        axes[0].bar(rank, trial.score, color=color)
        axes[0].text(rank, trial.score, f"w{hp.get('width', '')}\nz{hp.get('latent_dim', '')}", ha="center",
                     va="bottom", fontsize=6)
        if "g_learning_rate" in hp:  # absent when the search space fixes it
            axes[1].scatter(hp["g_learning_rate"], trial.score, marker=marker, color=color)
    for loss, (marker, color) in styles.items():
        axes[1].scatter([], [], marker=marker, color=color, label=loss)
    axes[0].set(xlabel="trial, best first (w: width, z: latent size)", ylabel=f"final {metric}", yscale="log",
                title=f"{len(trials)} trials, colour: objective")
    axes[0].set_xticks(range(len(trials)))
    axes[1].set(xlabel="generator learning rate", ylabel=f"final {metric}", xscale="log", yscale="log",
                title="score against the generator's learning rate")
    axes[1].legend(fontsize=8)
    fig.tight_layout()
    save_figure(fig, path)


if __name__ == "__main__":
    main()
