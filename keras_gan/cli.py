"""The `keras-gan` command line: `keras-gan train`, `keras-gan sample` and `keras-gan tune`.

`keras-gan train` with no arguments is the main job: a self-conditioned DCGAN
(conditioned on 50 k-means clusters of the data, `SelfConditionedGAN`) trained
on the 5,000 embedded MNIST digits, with sample grids, a loss plot, and the
trained model saved as `gan.keras` and `generator.keras` in the output folder.
"""

import argparse
import datetime
import json
import math
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# The main job's defaults; see README.md for what they reach on a 2-core CPU.
DEFAULTS = {
    "model": "self_conditioned",
    "dataset": "digits",
    "batch_size": 32,
    "loss": "non_saturating",
    "d_lr": 2e-4,
    "g_lr": 2e-4,
    "beta_1": 0.5,
    "dropout": 0.0,
    "label_smoothing": 0.0,
    "seed": 0,
    "sample_every": 5,
    "metric": "auto",
}
#: The defaults that differ by model (README.md, "The main job", has the measurement behind each).
MODEL_DEFAULTS = {
    "self_conditioned": {"epochs": 20, "width": 32, "latent_dim": 32, "ema": 0.995, "clusters": 50},
    "dcgan": {"epochs": 40, "width": 64, "latent_dim": 64, "ema": 0.999},
    "gan": {"epochs": 40, "width": 64, "latent_dim": 64, "ema": 0.999},
}
MODEL_CHOICES = list(MODEL_DEFAULTS)
MODEL_NAMES = {"self_conditioned": "self-conditioned DCGAN", "dcgan": "DCGAN", "gan": "GAN"}
METRIC_CHOICES = ["auto", "none", "digit_fd", "digit_score", "fid", "kid", "inception_score"]

#: What `keras-gan train` writes in its output folder (`logs` only with --tensorboard): a folder holding any
#: of them holds a run, which a new run would overwrite.
RUN_OUTPUTS = ("run.json", "gan.keras", "generator.keras", "history.json", "losses.png", "samples", "backup")
#: What `keras-gan tune` writes beside the tuner's own folder.
TUNE_OUTPUTS = ("best.json", "best.png")


# The objectives `--loss` accepts: the names `keras_gan.losses.get` resolves (a test keeps them
# equal), listed here so that parsing the arguments imports no Keras.
LOSS_CHOICES = ["hinge", "least_squares", "maximum_likelihood", "minimax", "non_saturating", "wasserstein"]


class CLIError(Exception):
    """An error reported to the user as one line, with exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise CLIError(message)


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows each option's default, except where there is none to show (None, a flag's False)."""

    def _get_help_string(self, action):
        if action.default is None or action.default is False:
            return action.help
        return super()._get_help_string(action)


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _seed(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {value}")
    return value


def _sample_count(text):
    value = _positive_int(text)
    if value < 2:
        raise argparse.ArgumentTypeError(f"expected an integer >= 2 (a metric compares 2 samples or more), got {value}")
    return value


def _positive_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {value}")
    return value


def _unit_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {text!r}") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {value}")
    return value


def _version():
    import keras_gan

    return keras_gan.__version__


def _by_model(key):
    """`20 (self_conditioned), 40 (dcgan, gan)`: a per-model default in words, for --help."""
    values = {}
    for model, defaults in MODEL_DEFAULTS.items():
        if key in defaults:
            values.setdefault(defaults[key], []).append(model)
    return ", ".join(f"{value} ({', '.join(models)})" for value, models in values.items())


def _clusters(text):
    value = _positive_int(text)
    if value < 2:
        raise argparse.ArgumentTypeError(f"must be at least 2 (received {text})")
    return value


def with_model_defaults(args):
    """`args` with the per-model defaults (`MODEL_DEFAULTS`) filled in where an option was not given."""
    if getattr(args, "clusters", None) is not None and "clusters" not in MODEL_DEFAULTS[args.model]:
        raise CLIError(f"--clusters applies to --model self_conditioned only (received --model {args.model} "
                       f"--clusters {args.clusters}); drop --clusters or use --model self_conditioned")
    for key, value in MODEL_DEFAULTS[args.model].items():
        if getattr(args, key, None) is None:
            setattr(args, key, value)
    return args


def build_parser():
    """The argument parser of `keras-gan`; building it imports neither Keras nor TensorFlow."""
    parser = _Parser(prog="keras-gan", description="Train, sample and tune GANs with Keras.", allow_abbrev=False,
                     formatter_class=_HelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="{train,sample,tune}")

    def command(name, help, description):
        return commands.add_parser(name, help=help, description=description, allow_abbrev=False,
                                   formatter_class=_HelpFormatter)

    train = command("train", "train a GAN (default: a self-conditioned DCGAN on the embedded digits)",
                    "Train a GAN and write sample grids, losses.png, history.json, gan.keras and "
                    "generator.keras to the output folder. With no options: the main job, a DCGAN conditioned "
                    "on 50 k-means clusters of the 5,000 embedded MNIST digits (SelfConditionedGAN).")
    train.add_argument("--model", choices=MODEL_CHOICES, default=DEFAULTS["model"],
                       help="self_conditioned (a DCGAN pair conditioned on k-means clusters of the data), dcgan "
                            "(convolutional, unconditional) or gan (the cs231n MLPs)")
    train.add_argument("--clusters", metavar="N", type=_clusters, default=None,
                       help="number of k-means clusters the self_conditioned model is conditioned on (default: "
                            f"{MODEL_DEFAULTS['self_conditioned']['clusters']})")
    train.add_argument("--dataset", metavar="NAME", default=DEFAULTS["dataset"],
                       help="'digits' (embedded, offline) or a TFDS image dataset name")
    train.add_argument("--epochs", metavar="N", type=_positive_int, default=None,
                       help=f"passes over the data (default: {_by_model('epochs')})")
    train.add_argument("--steps-per-epoch", metavar="N", type=_positive_int, default=None,
                       help="limit the batches per epoch (quick runs); default: one pass over the data")
    train.add_argument("--batch-size", metavar="N", type=_positive_int, default=DEFAULTS["batch_size"],
                       help="real (and generated) samples per step")
    train.add_argument("--latent-dim", metavar="N", type=_positive_int, default=None,
                       help=f"size of the generator's latent vector (default: {_by_model('latent_dim')})")
    train.add_argument("--loss", choices=LOSS_CHOICES, default=DEFAULTS["loss"], help="the adversarial objective")
    train.add_argument("--d-lr", metavar="X", type=_positive_float, default=DEFAULTS["d_lr"],
                       help="discriminator learning rate (Adam)")
    train.add_argument("--g-lr", metavar="X", type=_positive_float, default=DEFAULTS["g_lr"],
                       help="generator learning rate (Adam)")
    train.add_argument("--beta-1", metavar="X", type=_unit_float, default=DEFAULTS["beta_1"],
                       help="Adam beta_1 of both players")
    train.add_argument("--width", metavar="N", type=_positive_int, default=None,
                       help=f"base filters of the DCGAN networks (default: {_by_model('width')})")
    train.add_argument("--dropout", metavar="X", type=_unit_float, default=DEFAULTS["dropout"],
                       help="dropout rate in the DCGAN discriminator")
    train.add_argument("--label-smoothing", metavar="X", type=_unit_float, default=DEFAULTS["label_smoothing"],
                       help="one-sided label smoothing (real targets 1 - s)")
    train.add_argument("--ema", metavar="X", type=_unit_float, default=None,
                       help=f"momentum of the generator's weight average, 0 disables (default: {_by_model('ema')})")
    train.add_argument("--seed", metavar="N", type=_seed, default=DEFAULTS["seed"],
                       help="seed of the weights, the data order and the latent vectors")
    train.add_argument("--sample-every", metavar="N", type=_positive_int, default=DEFAULTS["sample_every"],
                       help="save a sample grid (and evaluate --metric) every N epochs, and after the last")
    train.add_argument("--metric", choices=METRIC_CHOICES, default=DEFAULTS["metric"],
                       help="sample-quality metric logged every --sample-every epochs (auto: digit_fd on "
                            "the digits, none otherwise; fid/kid/inception_score download InceptionV3)")
    train.add_argument("--tensorboard", action="store_true",
                       help="also write TensorBoard logs to OUT/logs: losses, --metric and sample grids "
                            "(view with: tensorboard --logdir OUT/logs)")
    train.add_argument("--out", metavar="DIR", default=None,
                       help="output folder, new or without a previous run's files: a folder that holds a run "
                            "is refused, never overwritten (pass a new folder, or continue an interrupted run "
                            "with --resume) (default: runs/<timestamp>)")
    train.add_argument("--resume", default=None, metavar="RUN_DIR",
                       help="continue an interrupted run from its last end-of-epoch backup, with "
                            "the run's own settings")
    train.add_argument("--verbose", type=int, choices=[0, 1, 2], default=1,
                       help="0: silent, 1: progress bar, 2: one line per epoch")

    sample = command("sample", "generate a grid of samples from a saved model",
                     "Write a PNG grid of samples from a .keras file saved by keras-gan (gan.keras), a "
                     "bare generator (generator.keras), or a preset (a trained model shipped with keras-gan: "
                     "no training needed).")
    source = sample.add_mutually_exclusive_group(required=True)
    source.add_argument("--model", metavar="PATH", help="a .keras file saved by keras-gan")
    source.add_argument("--preset", metavar="NAME",
                        help="a trained model shipped with keras-gan (self_conditioned_digits, dcgan_digits, "
                             "conditional_gan_digits, infogan_digits) or a folder written by save_to_preset")
    sample.add_argument("--n", metavar="N", type=_positive_int, default=64, help="number of samples in the grid")
    sample.add_argument("--out", metavar="PNG", default="grid.png", help="PNG file to write")
    sample.add_argument("--seed", metavar="N", type=_seed, default=None,
                        help="seed of the latent vectors (default: random)")
    sample.add_argument("--overwrite", action="store_true",
                        help="replace the --out file if it exists (without it, an existing file is kept and the "
                             "command stops)")
    sample.add_argument("--unsafe-deserialization", action="store_true",
                        help="load a .keras file that carries Python code (a Lambda layer, a custom function), "
                             "which safe loading refuses; loading runs that code, so use it only for files you "
                             "trust (prints a warning)")

    tune = command("tune", "search a DCGAN's hyperparameters with Keras Tuner, by sample quality",
                   "Random search of a DCGAN's hyperparameters (learning rates, beta_1, latent size, loss, "
                   "label smoothing, k, width) with Keras Tuner, each trial scored by a sample-quality "
                   "metric. Prints one line per trial; writes best.json and best.png.")
    tune.add_argument("--dataset", metavar="NAME", default="digits",
                      help="'digits' (embedded, offline) or a TFDS image dataset")
    tune.add_argument("--trials", metavar="N", type=_positive_int, default=8,
                      help="number of hyperparameter sets tried")
    tune.add_argument("--epochs", metavar="N", type=_positive_int, default=5, help="epochs per trial")
    tune.add_argument("--steps-per-epoch", metavar="N", type=_positive_int, default=None,
                      help="limit the batches per epoch (quick runs); default: one pass over the data")
    tune.add_argument("--batch-size", metavar="N", type=_positive_int, default=64, help="samples per step")
    tune.add_argument("--metric", choices=METRIC_CHOICES[2:], default="digit_fd", help="the objective")
    tune.add_argument("--samples", metavar="N", type=_sample_count, default=500,
                      help="generated samples per evaluation")
    tune.add_argument("--seed", metavar="N", type=_seed, default=0, help="seed of the search and of each trial")
    tune.add_argument("--out", metavar="DIR", default=None,
                      help="output folder; one that holds a finished search (best.json, best.png) is refused, "
                           "never overwritten (default: runs/tune-<timestamp>)")
    tune.add_argument("--verbose", type=int, choices=[0, 1, 2], default=0,
                      help="0: one line per trial, 1: also Keras Tuner's report and a progress bar per "
                           "epoch, 2: also one line per epoch")
    return parser


def _build_model(args, image_shape, tricks=None):
    """The compiled model of `args` (`tricks`: for the benchmarks that add some)."""
    import keras

    from keras_gan import models, networks

    if args.model == "self_conditioned":
        from keras_gan.networks import conditional

        k = args.clusters
        gan = models.SelfConditionedGAN(
            conditional.conditional_dcgan_generator(image_shape, args.latent_dim, k, args.width),
            conditional.conditional_dcgan_discriminator(image_shape, k, args.width, dropout=args.dropout),
            latent_dim=args.latent_dim, num_clusters=k, seed=args.seed, tricks=tricks)
    elif args.model == "dcgan":
        gan = models.DCGAN(image_shape=image_shape, latent_dim=args.latent_dim,
                           width=args.width, dropout=args.dropout, seed=args.seed, tricks=tricks)
    else:
        gan = models.GAN(
            generator=networks.mlp_generator(args.latent_dim, image_shape),
            discriminator=networks.mlp_discriminator(image_shape),
            latent_dim=args.latent_dim,
            latent_distribution="uniform",
            seed=args.seed,
            tricks=tricks,
        )
    ema = {"use_ema": True, "ema_momentum": args.ema} if args.ema > 0 else {}
    gan.compile(
        d_optimizer=keras.optimizers.Adam(args.d_lr, beta_1=args.beta_1),
        g_optimizer=keras.optimizers.Adam(args.g_lr, beta_1=args.beta_1, **ema),
        loss=_loss(args),
    )
    return gan


def _loss(args):
    from keras_gan import losses

    loss = losses.get(args.loss)
    if args.label_smoothing:
        if not loss.probabilistic:
            raise CLIError(f"--label-smoothing does not apply to the {args.loss} loss")
        loss = type(loss)(label_smoothing=args.label_smoothing)
    return loss


def train(args):
    """Runs `keras-gan train`; returns the output folder."""
    import keras

    from keras_gan import datasets
    from keras_gan.callbacks import SampleSaver
    from keras_gan.plotting import plot_history
    from keras_gan.utils.files import atomic_path

    if args.resume:
        args = _resumed_args(args)
    args = with_model_defaults(args)
    out = args.out or _new_folder(os.path.join("runs", datetime.datetime.now().strftime("%Y%m%d-%H%M%S")))
    keras.utils.set_random_seed(args.seed)
    # Everything that can refuse the arguments runs before the first file is written.
    data = datasets.load(args.dataset, batch_size=args.batch_size, seed=args.seed)
    image_shape = tuple(int(d) for d in data.element_spec[0].shape[1:])
    _check_metric(args.metric, args.dataset, image_shape)
    if args.steps_per_epoch:
        data = data.repeat()  # epochs of a fixed number of steps, across passes over the data
    gan = _build_model(args, image_shape)
    settings = {k: v for k, v in vars(args).items() if k not in ("command", "resume", "verbose")}
    settings["out"] = out

    def start(logs=None):
        # The first file, written when `fit`'s own checks have passed: a refused run leaves no file.
        os.makedirs(out, exist_ok=True)
        with atomic_path(os.path.join(out, "run.json")) as tmp, open(tmp, "w") as f:
            json.dump(settings, f, indent=1)

    print(f"keras-gan: training a {MODEL_NAMES[args.model]} on {args.dataset!r} "
          f"({image_shape[0]}x{image_shape[1]}x{image_shape[2]}) for {_count(args.epochs, 'epoch')}; "
          f"output in {out}", flush=True)
    # An end-of-epoch backup (weights, both optimizers, the latent stream): a killed run
    # continues with `keras-gan train --resume <out>` as if it had never stopped.
    backup = keras.callbacks.BackupAndRestore(os.path.join(out, "backup"), save_freq="epoch",
                                              double_checkpoint=True, delete_checkpoint=True)
    saver = SampleSaver(os.path.join(out, "samples"), n=100, every=args.sample_every, seed=args.seed)
    callbacks = [keras.callbacks.LambdaCallback(on_train_begin=start), backup, saver]
    if getattr(args, "tensorboard", False):
        # Losses, the metric (from the epoch logs) and the grids, in one run at the same steps.
        board = keras.callbacks.TensorBoard(os.path.join(out, "logs"), write_graph=False)
        saver.tensorboard = board
        callbacks.append(board)
    metric = args.metric
    if metric == "auto":
        metric = "digit_fd" if args.dataset == "digits" else "none"
    if metric != "none":
        from keras_gan.callbacks import Evaluate

        callbacks.append(Evaluate(data.take(math.ceil(1000 / args.batch_size)), metrics=[metric], num_samples=1000,
                                  every=args.sample_every, seed=args.seed))
    # Says in one line what went wrong (winning discriminator, collapse, ...) and what to try.
    from keras_gan.callbacks import HealthMonitor

    callbacks.append(HealthMonitor(data.take(math.ceil(256 / args.batch_size)), seed=args.seed,
                                   verbose=min(args.verbose, 1)))
    history = gan.fit(data, epochs=args.epochs, steps_per_epoch=args.steps_per_epoch,
                      callbacks=callbacks, verbose=args.verbose)
    plot_history(history, os.path.join(out, "losses.png"))
    with atomic_path(os.path.join(out, "gan.keras")) as tmp:
        gan.save(tmp)
    with atomic_path(os.path.join(out, "generator.keras")) as tmp:
        gan.generator.save(tmp)
    with atomic_path(os.path.join(out, "history.json")) as tmp, open(tmp, "w") as f:
        json.dump({k: [float(v) for v in vs] for k, vs in history.history.items()}, f, indent=1)
    final = saver.paths[-1] if saver.paths else None
    if metric != "none" and history.history.get(metric):
        print(f"keras-gan: {metric} of the final samples: {history.history[metric][-1]:.3f}")
    print(f"keras-gan: done. Final samples: {final}; losses: {os.path.join(out, 'losses.png')}; "
          f"models: {os.path.join(out, 'gan.keras')}, {os.path.join(out, 'generator.keras')}")
    return out


def _resumed_args(args):
    """The settings of the run in `args.resume`, to continue it."""
    path = os.path.join(args.resume, "run.json")
    if not os.path.isfile(path):
        raise CLIError(f"cannot resume {args.resume}: no run.json there (is it a keras-gan train output folder?)")
    if not os.path.isdir(os.path.join(args.resume, "backup")):
        raise CLIError(f"cannot resume {args.resume}: it has no backup (the run finished, or never "
                       "completed an epoch); start a new run instead")
    with open(path) as f:
        settings = json.load(f)
    resumed = argparse.Namespace(**vars(args))
    for key, value in settings.items():
        setattr(resumed, key, value)
    resumed.out = args.resume
    print(f"keras-gan: resuming {args.resume} from its last completed epoch", flush=True)
    return resumed


def tune(args):
    """Runs `keras-gan tune`; returns the best trial."""
    import keras_tuner

    from keras_gan import datasets
    from keras_gan.tuning import GANHyperModel
    from keras_gan.utils.files import atomic_path
    from keras_gan.utils.images import save_image_grid

    out = args.out or _new_folder(os.path.join("runs", datetime.datetime.now().strftime("tune-%Y%m%d-%H%M%S")))
    data = datasets.load(args.dataset, batch_size=args.batch_size, seed=args.seed)
    image_shape = tuple(int(d) for d in data.element_spec[0].shape[1:])
    _check_metric(args.metric, args.dataset, image_shape)
    hypermodel = GANHyperModel(image_shape, metric=args.metric, num_eval_samples=args.samples, seed=args.seed)
    tuner = _reporting(keras_tuner.RandomSearch, args.trials, args.metric)(
        hypermodel, objective=hypermodel.objective, max_trials=args.trials, seed=args.seed, directory=out,
        project_name="search")
    print(f"keras-gan: {_count(args.trials, 'trial')} of {_count(args.epochs, 'epoch')} on {args.dataset!r}, "
          f"objective {args.metric} ({hypermodel.objective.direction}); output in {out}", flush=True)
    evaluation_data = data.take(math.ceil(args.samples / args.batch_size))
    if args.steps_per_epoch:
        data = data.repeat()
    tuner.search(data, epochs=args.epochs, steps_per_epoch=args.steps_per_epoch, verbose=getattr(args, "verbose", 0),
                 evaluation_data=evaluation_data)
    if not tuner.oracle.get_best_trials(1):
        raise CLIError("no trial completed; run again with --verbose 1 to see why")
    best = tuner.oracle.get_best_trials(1)[0]
    with atomic_path(os.path.join(out, "best.json")) as tmp, open(tmp, "w") as f:
        json.dump({"score": best.score, "metric": args.metric, "hyperparameters": best.hyperparameters.values},
                  f, indent=1)
    model = tuner.get_best_models(1)[0]
    save_image_grid(model.generate(64, seed=args.seed), os.path.join(out, "best.png"), scale=2)
    print(f"keras-gan: best {args.metric} {best.score:.3f} with {best.hyperparameters.values}")
    print(f"keras-gan: wrote {os.path.join(out, 'best.json')} and {os.path.join(out, 'best.png')}")
    return best


def _check_metric(metric, dataset, image_shape):
    """Refuses a digit metric on images that are not 28x28x1 digits, before anything is written."""
    if metric.startswith("digit") and image_shape != (28, 28, 1):
        raise CLIError(f"--metric {metric} scores 28x28x1 digits; {dataset!r} has images of shape "
                       f"{image_shape}: use --metric fid, kid or inception_score (or none)")


def check_paths(args):
    """Checks every path the command reads or writes, before any work (and before TensorFlow loads).

    Nothing is created here: an output folder that is an existing file, an
    output file that is an existing folder, an existing sample grid (without
    `--overwrite`), a location under a file or in a
    folder that cannot be written, a sample grid not named `.png`, a model
    file that does not exist, `--out` beside `--resume`, or an `--out` folder
    that holds an earlier run's files (which the run would overwrite), each
    stops the command with one line naming the option.

    Args:
        args: The parsed arguments.
    """
    from keras_gan.utils.files import check_output_location

    def output(path, option, kind):
        try:
            check_output_location(path, option, kind)
        except (ValueError, TypeError) as error:
            raise CLIError(str(error)) from None

    if args.command in ("train", "tune"):
        if getattr(args, "resume", None):
            if args.out is not None:
                raise CLIError(f"--out and --resume together: a resumed run continues in its own folder "
                               f"({args.resume}); drop --out")
            output(args.resume, "--resume", "directory")
        elif args.out is not None:
            output(args.out, "--out", "directory")
            _refuse_previous_run(args)
        else:
            output("runs", "--out (default: runs/<timestamp>)", "directory")
    elif args.command == "sample":
        if args.preset is not None:
            from keras_gan.presets import preset_path

            try:
                preset_path(args.preset)
            except (ValueError, TypeError) as error:
                raise CLIError(f"--preset: {error}") from None
        elif not os.path.isfile(args.model):
            raise CLIError(f"--model: no such model file: {args.model}" if not os.path.isdir(args.model) else
                           f"--model: {args.model} is a folder; pass a .keras file (e.g. {args.model}/gan.keras)")
        if not args.out.lower().endswith(".png"):
            raise CLIError(f"--out: {args.out!r} is not a .png file name; keras-gan sample writes a PNG grid "
                           "(e.g. --out grid.png)")
        if os.path.isfile(args.out) and not args.overwrite:
            raise CLIError(f"--out: {args.out} already exists; keras-gan sample does not overwrite it. Choose "
                           "another --out, or pass --overwrite to replace it")
        output(args.out, "--out", "file")


def _new_folder(path):
    """`path`, or `path-2`, `path-3`, ... if it exists (two runs started in the same second)."""
    candidate, i = path, 1
    while os.path.exists(candidate):
        i += 1
        candidate = f"{path}-{i}"
    return candidate


def _refuse_previous_run(args):
    """Refuses an `--out` folder holding what an earlier run wrote: nothing a user saved is overwritten.

    `keras-gan train` would overwrite a run's `gan.keras`, `run.json`, ...;
    `keras-gan tune` a search's `best.json` and `best.png`. The message names
    the folder, what it holds and the ways on: a new folder, or `--resume`
    for an interrupted training run.

    Args:
        args: The parsed arguments (`train` or `tune`, with `--out`).
    """
    out = args.out
    if not os.path.isdir(out):
        return
    if args.command == "train":
        names = RUN_OUTPUTS + (("logs",) if getattr(args, "tensorboard", False) else ())
    else:
        names = TUNE_OUTPUTS
    found = [name + ("/" if os.path.isdir(os.path.join(out, name)) else "") for name in names
             if os.path.exists(os.path.join(out, name))]
    if not found:
        return
    held = ", ".join(found)
    if args.command == "tune":
        raise CLIError(f"--out {out} already holds a finished search ({held}); a new search would overwrite it. "
                       "Pass a new folder with --out (or leave --out out: runs/tune-<timestamp>), or delete those "
                       "files first")
    if os.path.isdir(os.path.join(out, "backup")) and not os.path.exists(os.path.join(out, "gan.keras")):
        raise CLIError(f"--out {out} holds an interrupted run ({held}); training again would overwrite it. "
                       f"Continue it with: keras-gan train --resume {out}; or pass a new folder with --out")
    raise CLIError(f"--out {out} already holds a run ({held}); training again would overwrite it. Pass a new "
                   "folder with --out (or leave --out out: runs/<timestamp>), or delete those files first "
                   "(--resume continues only an interrupted run, one with a backup/ folder)")


def _count(n, noun):
    """`1 epoch`, `2 epochs`."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _reporting(tuner_class, trials, metric):
    """`tuner_class` printing one line per finished trial: its score, the best so far, its time."""
    import time

    class ReportingTuner(tuner_class):
        def on_trial_begin(self, trial):
            self._trial_started = time.perf_counter()
            super().on_trial_begin(trial)

        def on_trial_end(self, trial):
            super().on_trial_end(trial)
            seconds = time.perf_counter() - self._trial_started
            done = sum(1 for t in self.oracle.trials.values() if t.status in ("COMPLETED", "INVALID", "FAILED"))
            score = self.oracle.get_trial(trial.trial_id).score
            best = self.oracle.get_best_trials(1)
            if score is None:
                message = (getattr(trial, "message", None) or "").strip().splitlines()
                result = f"failed ({message[-1][:200] if message else trial.status})"
            else:
                result = f"{metric} {score:.3f}"
            best_text = f"best {best[0].score:.3f}" if best and best[0].score is not None else "no best yet"
            print(f"keras-gan: trial {done}/{trials}: {result}, {best_text}, {seconds:.1f} s", flush=True)

    ReportingTuner.__name__ = ReportingTuner.__qualname__ = f"Reporting{tuner_class.__name__}"
    return ReportingTuner


def load_generator(path, safe_mode=True):
    """Loads a generator from a `.keras` file holding a keras-gan model or a bare generator.

    Args:
        path: The `.keras` file.
        safe_mode: Refuse files that carry Python code (Keras's safe mode);
            `keras-gan sample --unsafe-deserialization` passes False.

    Returns:
        `(model, latent_dim)`.
    """
    import zipfile

    if not os.path.isfile(path):
        raise CLIError(f"no such model file: {path}")
    if not zipfile.is_zipfile(path):
        raise CLIError(f"{path} is not a .keras file (not a zip archive); pass a model "
                       "saved with model.save('....keras') or by keras-gan train")

    import keras

    import keras_gan

    keras_gan._import_subpackages()  # registers the serializable classes with Keras
    try:
        model = keras.models.load_model(path, safe_mode=safe_mode)
    except Exception as error:  # noqa: BLE001 - reported as one line
        raise CLIError(_load_error(path, error)) from None
    if hasattr(model, "generate"):
        return model, model.latent_dim
    inputs = getattr(model, "inputs", None)
    if not inputs or len(inputs) not in (1, 2) or any(len(i.shape) != 2 for i in inputs):
        raise CLIError(f"{path} holds a {type(model).__name__}, neither a keras-gan model nor a "
                       "generator taking one latent vector (and, for a conditional one, one one-hot label) per sample")
    return model, int(inputs[0].shape[1])


def _load_error(path, error):
    """One line for a model that failed to load: Keras's first sentence, whole, and the way out."""
    from keras_gan.models.validation import informative_line

    line = informative_line(error, limit=1000)
    if "safe_mode" in str(error) or "unsafe_deserialization" in str(error):
        # Keras's advice (`safe_mode=False`) is for Python; the command line has its own opt-in.
        first = line.split(". ")[0].rstrip(".")
        return (f"cannot load {path}: {first}. Safe loading refuses code stored in a model file, because "
                "loading would run it. If you trust this file, run again with --unsafe-deserialization.")
    if len(line) > 300:
        line = line[: line.rfind(". ", 0, 300) + 1] if line.rfind(". ", 0, 300) > 100 else line[:297] + "..."
    return f"cannot load {path}: {line}"


def sample(args):
    """Runs `keras-gan sample`; returns the PNG path."""
    import numpy as np

    from keras_gan.utils.images import save_image_grid

    unsafe = getattr(args, "unsafe_deserialization", False)
    if unsafe and args.preset is None:
        print(f"keras-gan: warning: --unsafe-deserialization: loading {args.model} runs any Python code stored "
              "in it; use this only for files you trust", file=sys.stderr, flush=True)
    if args.preset is not None:
        from keras_gan.presets import load_preset

        model = load_preset(args.preset)
        latent_dim = model.latent_dim
    else:
        model, latent_dim = load_generator(args.model, safe_mode=not unsafe)
    if hasattr(model, "generate"):
        images = model.generate(args.n, seed=args.seed)
    else:
        rng = np.random.default_rng(args.seed)
        z = rng.normal(size=(args.n, latent_dim)).astype("float32")
        if len(model.inputs) == 2:  # a bare conditional generator: the classes (or clusters) drawn uniformly
            classes = int(model.inputs[1].shape[1])
            labels = np.eye(classes, dtype="float32")[rng.integers(0, classes, args.n)]
            images = model.predict([z, labels], verbose=0)
        else:
            images = model.predict(z, verbose=0)
    if np.ndim(images) not in (3, 4):
        raise CLIError(f"the model generates arrays of shape {np.shape(images)}, not images")
    save_image_grid(images, args.out, scale=2)
    print(f"keras-gan: wrote {args.n} samples to {args.out}")
    return args.out


def main(argv=None):
    """Entry point of the `keras-gan` command."""
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as done:  # --help, --version
            return done.code or 0
        if args.command is None:
            raise CLIError("choose a command: train, sample or tune (see keras-gan --help)")
        check_paths(args)  # before any work: nothing is written when a path is wrong
        if args.command == "train":
            train(args)
        elif args.command == "tune":
            tune(args)
        else:
            sample(args)
    except CLIError as error:
        print(f"keras-gan: error: {error}", file=sys.stderr)
        return 2
    except (ValueError, TypeError, OSError, RuntimeError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"keras-gan: error: {first}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("keras-gan: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
