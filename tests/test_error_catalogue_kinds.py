"""The catalogue of mistakes, by kind (issue 15): each is caught before the first step, by one
mechanism per kind, with a message that names what was passed, what was expected and the fix,
and a refused run writes nothing.

1. rules that live in docstrings: each owner (model, loss, trick, layer, callback, metric) declares
   its own in a `requirements` tuple (`keras_gan.utils.requirements.Requirement`), and
   `validation.check_requirements` collects and runs them at `compile`/`fit` (a test below finds
   every "must" / "should not" / "requires" of the public docstrings among them); a model and a
   trick that cannot work together are refused at `compile` with one form of message;
2. inputs Keras accepts but a GAN cannot use: `validation.check_structure` against each model's
   `batch_structure`, and `validation.check_run_arguments` for `fit`'s and `compile`'s arguments;
3. outputs: `validation.check_output_locations` (every callback's `output_locations`) before
   Keras's `fit` starts, and `keras_gan.cli.check_paths` before a command does any work;
4. messages: `validation.describe` (what the user passed) and `validation.informative_line`
   (the line of an underlying error that carries the information);
5. safe loading: `keras-gan sample` refuses code in a model file with a whole sentence, and
   `--unsafe-deserialization` is the documented way to load a file you trust.
"""

import inspect
import os
import re

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan import cli
from keras_gan.models import validation
from keras_gan.networks import conditional as cnets
from keras_gan.utils.requirements import Requirement, declared_requirements
from tests.conftest import LATENT_DIM, SAMPLE_SHAPE, tiny_discriminator, tiny_generator

DATA = np.random.default_rng(0).uniform(-1, 1, (32,) + SAMPLE_SHAPE).astype("float32")
LABELS = np.arange(32) % 3


def gan(tricks=None, discriminator=None, model=keras_gan.models.GAN, **compile_kwargs):
    g = model(tiny_generator(), discriminator or tiny_discriminator(), LATENT_DIM, tricks=tricks)
    g.compile(**compile_kwargs)
    return g


def critic(*middle, channels=1):
    return keras.Sequential([keras.Input(SAMPLE_SHAPE[:-1] + (channels,)), keras.layers.Flatten(),
                             keras.layers.Dense(8), *middle, keras.layers.Dense(1)])


def cgan(tricks=None):
    g = keras_gan.models.ConditionalGAN(cnets.conditional_mlp_generator(3, 3, SAMPLE_SHAPE, hidden=4),
                                        cnets.conditional_mlp_discriminator(SAMPLE_SHAPE, 3, hidden=4),
                                        latent_dim=3, num_classes=3, tricks=tricks)
    g.compile()
    return g


def two_headed(second, channels=1, model=None):
    """A functional discriminator `x -> [logit, head]` (InfoGAN's `[logit, q]`, SemiSupervisedGAN's `[classes, f]`)."""
    x = keras.Input(SAMPLE_SHAPE[:-1] + (channels,))
    h = keras.layers.Dense(4, name="body")(keras.layers.Flatten()(x))
    return keras.Model(x, [keras.layers.Dense(1 if model != "semi" else 3, name="logit")(h),
                           h if second == "features" else keras.layers.Dense(second, name="q")(h)])


def infogan(tricks=None, channels=1):
    g = keras_gan.models.InfoGAN(tiny_generator(latent_dim=2 + 3 + 1), two_headed(4, channels), noise_dim=2,
                                 categorical=(3,), continuous=1, tricks=tricks)
    g.compile()
    return g


def semi_supervised(tricks=None, channels=1):
    g = keras_gan.models.SemiSupervisedGAN(tiny_generator(), two_headed("features", channels, model="semi"),
                                           LATENT_DIM, num_classes=3, tricks=tricks)
    g.compile()
    return g


def cyclegan(tricks=None):
    s = (8, 8, 1)

    def translator():
        return keras.Sequential([keras.Input(s), keras.layers.Conv2D(1, 1, activation="tanh")])

    def patches():
        return keras.Sequential([keras.Input(s), keras.layers.Conv2D(1, 3, strides=2)])

    g = keras_gan.models.CycleGAN(translator(), translator(), patches(), patches(), tricks=tricks)
    g.compile()
    return g


def conditional_packing():
    g = keras_gan.models.ConditionalGAN(cnets.conditional_mlp_generator(3, 3, SAMPLE_SHAPE, hidden=4),
                                        cnets.conditional_mlp_discriminator(SAMPLE_SHAPE[:-1] + (2,), 3, hidden=4),
                                        latent_dim=3, num_classes=3, tricks=[keras_gan.tricks.Packing(2)])
    g.compile()
    return g


class SubclassedCritic(keras.Model):
    def __init__(self):
        super().__init__()
        self.flat, self.out = keras.layers.Flatten(), keras.layers.Dense(1)

    def call(self, x, training=False):
        return self.out(self.flat(x))


def dataset(*parts, batch=8):
    return tf.data.Dataset.from_tensor_slices(parts[0] if len(parts) == 1 else parts).batch(batch)


def a_file(tmp):
    path = tmp / "a_file"
    path.write_text("not a folder")
    return path


# (kind, name, action(tmp), error, pattern); the pattern checks the message names the argument
# (or part) at fault, what was expected, and the fix.
MISTAKES = [
    (1, "DiffAugment on samples that are not images",
     lambda tmp: keras_gan.models.GAN(keras.Sequential([keras.Input((LATENT_DIM,)), keras.layers.Dense(2)]),
                                      keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]), LATENT_DIM,
                                      tricks=[keras_gan.tricks.DiffAugment()]).compile(),
     ValueError,
     r"GAN cannot use DiffAugment: it augments channels-last images.*shape \(2,\). Use InstanceNoise .* instead"),
    # 1. rules that live only in docstrings --------------------------------------------------
    (1, "WGANGP critic with batch normalization",
     lambda tmp: keras_gan.models.WGANGP(tiny_generator(), critic(keras.layers.BatchNormalization()),
                                         LATENT_DIM).compile(),
     ValueError, r"WGANGP: the discriminator \(critic\) has batch normalization.*LayerNormalization"),
    (1, "FeatureMatching on a discriminator with two inputs",
     lambda tmp: cgan(tricks=[keras_gan.tricks.FeatureMatching()]),
     ValueError, r"ConditionalGAN cannot use FeatureMatching: it runs the discriminator on the samples alone, and "
                 r"ConditionalGAN's discriminator takes 2 inputs.*Use HistoricalAveraging or .* instead"),
    (1, "FeatureMatching on a layer the discriminator lacks (at compile, not at the first step)",
     lambda tmp: gan(tricks=[keras_gan.tricks.FeatureMatching(layer="features")]),
     ValueError, r"FeatureMatching cannot read layer 'features'.*name an existing layer"),
    (1, "FeatureMatching on a subclassed discriminator",
     lambda tmp: gan(tricks=[keras_gan.tricks.FeatureMatching()], discriminator=SubclassedCritic()),
     ValueError, r"FeatureMatching needs a Sequential or functional discriminator"),
    (1, "Packing with a batch size that is not a multiple of m",
     lambda tmp: gan(tricks=[keras_gan.tricks.Packing(3)], discriminator=critic(channels=3)).fit(
         DATA, batch_size=8, verbose=0),
     ValueError, r"Packing\(m=3\) needs batches of a multiple of 3.*fit\(batch_size=8\) on 32 samples"),
    (1, "Packing with a last partial batch of an odd size",
     lambda tmp: gan(tricks=[keras_gan.tricks.Packing(2)], discriminator=critic(channels=2)).fit(
         DATA[:31], batch_size=8, verbose=0),
     ValueError, r"batches of 7, 8.*drop the last partial batch"),
    (1, "Packing with a dataset of batches of an odd size",
     lambda tmp: gan(tricks=[keras_gan.tricks.Packing(2)], discriminator=critic(channels=2)).fit(
         dataset(DATA, batch=5), verbose=0),
     ValueError, r"Packing\(m=2\).*the dataset \(its first batch; .*\) gives batches of 5"),
    (1, "Packing with a dataset whose last batch may be partial",
     lambda tmp: gan(tricks=[keras_gan.tricks.Packing(2)], discriminator=critic(channels=2)).fit(
         dataset(DATA, batch=6), verbose=0),
     ValueError, r"Packing\(m=2\).*batch size is not fixed.*drop_remainder=True"),
    # a model and a trick that cannot work together: "<Model> cannot use <Trick>: <why>. Use <what> instead."
    (1, "CycleGAN with GradientPenalty", lambda tmp: cyclegan([keras_gan.tricks.GradientPenalty(10.0)]),
     ValueError, r"CycleGAN cannot use GradientPenalty: it penalizes one discriminator's gradient .* and CycleGAN "
                 r"has 2 discriminators. Use keras.layers.SpectralNormalization .* instead"),
    (1, "CycleGAN with R1Penalty", lambda tmp: cyclegan([keras_gan.tricks.R1Penalty(1.0)]),
     ValueError, r"CycleGAN cannot use R1Penalty: .*CycleGAN has 2 discriminators.* instead"),
    (1, "CycleGAN with FeatureMatching", lambda tmp: cyclegan([keras_gan.tricks.FeatureMatching()]),
     ValueError, r"CycleGAN cannot use FeatureMatching: it matches the features of one discriminator.*CycleGAN has 2 "
                 r"discriminators. Use HistoricalAveraging or OrthogonalRegularization instead"),
    (1, "ConditionalGAN with Packing", lambda tmp: conditional_packing(),
     ValueError, r"ConditionalGAN cannot use Packing\(m=2\): it cuts the samples into packs of 2, and "
                 r"ConditionalGAN's discriminator takes 2 inputs per sample.*MinibatchStandardDeviation.* instead"),
    (1, "InfoGAN with Packing", lambda tmp: infogan([keras_gan.tricks.Packing(2)], channels=2),
     ValueError, r"InfoGAN cannot use Packing\(m=2\): .*InfoGAN's discriminator has 2 outputs, which the model "
                 r"reads per sample.* instead"),
    (1, "SemiSupervisedGAN with Packing", lambda tmp: semi_supervised([keras_gan.tricks.Packing(2)], channels=2),
     ValueError, r"SemiSupervisedGAN cannot use Packing\(m=2\): .*has 2 outputs.* instead"),
    (1, "InfoGAN with FeatureMatching on a layer index",
     lambda tmp: infogan([keras_gan.tricks.FeatureMatching(layer=-2)]),
     ValueError, r"InfoGAN cannot use FeatureMatching\(layer=-2\): InfoGAN's discriminator has 2 outputs.*"
                 r"'body', 'logit', 'q'.*Use FeatureMatching\(layer='<the features layer's name>'\) instead"),
    (1, "SemiSupervisedGAN with TopK", lambda tmp: semi_supervised([keras_gan.tricks.TopK()]),
     ValueError, r"SemiSupervisedGAN cannot use TopK: TopK selects samples in the generator's adversarial cost, and "
                 r"SemiSupervisedGAN's generator has none.*Use TopK with a model .* instead"),
    (1, "TopK beside FeatureMatching(replace_objective=True)",
     lambda tmp: gan(tricks=[keras_gan.tricks.FeatureMatching(replace_objective=True), keras_gan.tricks.TopK()]),
     ValueError, r"GAN cannot use TopK with FeatureMatching: .*FeatureMatching replaces that cost. Use one of the "
                 r"two .*instead"),
    (1, "WGAN with TrainLosingPlayer's cross-entropy thresholds",
     lambda tmp: keras_gan.models.WGAN(tiny_generator(), tiny_discriminator(), LATENT_DIM,
                                       tricks=[keras_gan.tricks.TrainLosingPlayer()]).compile(),
     ValueError, r"WGAN cannot use TrainLosingPlayer with its default thresholds \(0.3, 0.3\): .*wasserstein loss.*"
                 r"Use thresholds on that loss's scale.* instead"),
    # 2. inputs Keras accepts but a GAN cannot use ---------------------------------------------
    (2, "a dataset yielding dicts",
     lambda tmp: gan().fit(tf.data.Dataset.from_tensor_slices({"image": DATA, "label": LABELS}).batch(8),
                           verbose=0),
     ValueError, r"trains on batches of `x` or `\(x, labels\)`; `x` is a dataset of dicts with keys "
                 r"\['image', 'label'\].*dataset.map\(lambda d: d\['image'\]\)"),
    (2, "a dataset yielding (x, y, sample_weight)",
     lambda tmp: gan().fit(dataset(DATA, LABELS, np.ones(32)), verbose=0),
     ValueError, r"`x` is a dataset of 3-tuples.*parts\[:2\].*sample weights"),
    (2, "a dataset of single samples (no .batch)",
     lambda tmp: gan().fit(tf.data.Dataset.from_tensor_slices(DATA), verbose=0),
     ValueError, r"yields single samples of shape \(4, 4, 1\), not batches.*dataset.batch\(batch_size"),
    (2, "one sample without a batch axis",
     lambda tmp: gan().fit(DATA[0], verbose=0),
     ValueError, r"`x` has shape \(4, 4, 1\), the shape of one sample.*x\[None\]"),
    (2, "sample_weight", lambda tmp: gan().fit(DATA, sample_weight=np.ones(32), verbose=0),
     ValueError, r"`sample_weight` is not supported by GAN.*Remove `sample_weight=`"),
    (2, "class_weight", lambda tmp: gan().fit(DATA, LABELS, class_weight={0: 2.0}, verbose=0),
     ValueError, r"`class_weight` is not supported by GAN"),
    (2, "validation_split on a dataset",
     lambda tmp: gan().fit(dataset(DATA), validation_split=0.25, verbose=0),
     ValueError, r"`validation_split` works on arrays only; `x` is a tf.data.Dataset.*validation_data"),
    (2, "validation_data of dicts", lambda tmp: gan().fit(DATA, validation_data={"x": DATA}, verbose=0),
     ValueError, r"`validation_data` is a dict with keys \['x'\]"),
    (2, "a tuple x for a GAN", lambda tmp: gan().fit((DATA, LABELS), verbose=0),
     ValueError, r"`x` is a tuple of 2 arrays.*fit\(x, labels\)"),
    (2, "a tuple x for a conditional GAN", lambda tmp: cgan().fit((DATA, LABELS), verbose=0),
     ValueError, r"ConditionalGAN.*`x` is a tuple of 2 arrays.*fit\(x, labels\)"),
    (2, "a Python list of samples", lambda tmp: gan().fit(DATA.tolist(), verbose=0),
     ValueError, r"`x` is a list of 32 items.*np.asarray\(x, dtype='float32'\)"),
    (2, "no data", lambda tmp: gan().fit(verbose=0), ValueError, r"`x` is None. Pass the training data"),
    (2, "evaluate with no data", lambda tmp: gan().evaluate(None, verbose=0), ValueError, r"`x` is None"),
    (2, "labels given beside a dataset", lambda tmp: gan().fit(dataset(DATA), LABELS, verbose=0),
     ValueError, r"`y` is an array of shape \(32,\).*besides a dataset.*leave `y` out"),
    (2, "complex data", lambda tmp: gan().fit(DATA.astype("complex64"), verbose=0),
     ValueError, r"dtype complex64.*x.real"),
    (2, "string data", lambda tmp: gan().fit(np.full((8,) + SAMPLE_SHAPE, "0.5"), verbose=0),
     ValueError, r"dtype <U3.*np.asarray\(x, dtype='float32'\)"),
    (2, "batch_size=0", lambda tmp: gan().fit(DATA, batch_size=0, verbose=0),
     ValueError, r"`batch_size` must be an int >= 1 or None; received batch_size=0"),
    (2, "batch_size=2.5", lambda tmp: gan().fit(DATA, batch_size=2.5, verbose=0),
     TypeError, r"`batch_size` must be an int.*the float 2.5"),
    (2, "epochs=1.5", lambda tmp: gan().fit(DATA, epochs=1.5, verbose=0), TypeError, r"`epochs` must be an int"),
    (2, "epochs not beyond initial_epoch", lambda tmp: gan().fit(DATA, epochs=2, initial_epoch=2, verbose=0),
     ValueError, r"`epochs=2` with `initial_epoch=2` trains no epoch.*epochs=3"),
    (2, "a misspelled fit argument", lambda tmp: gan().fit(DATA, epoch=3, verbose=0),
     TypeError, r"unknown argument `epoch=3`. Did you mean `epochs`\?"),
    (2, "callbacks given as one callback",
     lambda tmp: gan().fit(DATA, verbose=0, callbacks=keras.callbacks.TerminateOnNaN()),
     TypeError, r"`callbacks` must be a list; received one TerminateOnNaN.*callbacks=\[TerminateOnNaN"),
    (2, "a callback class instead of an instance",
     lambda tmp: gan().fit(DATA, verbose=0, callbacks=[keras.callbacks.TerminateOnNaN]),
     TypeError, r"received TerminateOnNaN \(a class: instantiate it\)"),
    (2, "validation_split of 1.5", lambda tmp: gan().fit(DATA, validation_split=1.5, verbose=0),
     ValueError, r"`validation_split` must be a fraction in \[0, 1\); received validation_split=1.5"),
    (2, "verbose=5", lambda tmp: gan().fit(DATA, verbose=5), ValueError, r"`verbose` must be 'auto', 0, 1 or 2"),
    (2, "Keras's compile(optimizer=...)",
     lambda tmp: keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM).compile(optimizer="adam"),
     TypeError, r"takes no `optimizer=`: a GAN has two players.*d_optimizer=.*g_optimizer="),
    (2, "Keras's compile(metrics=[...])",
     lambda tmp: keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM).compile(
         metrics=["accuracy"]),
     TypeError, r"takes no `metrics=`.*keras_gan.callbacks.Evaluate"),
    (2, "compile(run_eagerly='yes')",
     lambda tmp: keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM).compile(
         run_eagerly="yes"),
     TypeError, r"`run_eagerly` must be True or False; received run_eagerly='yes'"),
    # 3. outputs checked before training starts ------------------------------------------------
    (3, "SampleSaver whose directory is an existing file",
     lambda tmp: gan().fit(DATA, verbose=0, callbacks=[keras.callbacks.TensorBoard(str(tmp / "logs")),
                                                       keras_gan.callbacks.SampleSaver(a_file(tmp))]),
     ValueError, r"SampleSaver\(directory='.*a_file'\): .* is an existing file, not a folder"),
    (3, "SampleSaver under an existing file",
     lambda tmp: gan().fit(DATA, verbose=0, callbacks=[keras_gan.callbacks.SampleSaver(a_file(tmp) / "s")]),
     ValueError, r"SampleSaver\(directory=.*cannot create .*a_file' is an existing file"),
    (3, "SampleSaver's TensorBoard folder is an existing file",
     lambda tmp: gan().fit(DATA, verbose=0, callbacks=[keras_gan.callbacks.SampleSaver(
         tmp / "samples", tensorboard=str(a_file(tmp)))]),
     ValueError, r"SampleSaver\(tensorboard=.*is an existing file"),
    (3, "ModelCheckpoint under an existing file",
     lambda tmp: gan().fit(DATA, verbose=0, callbacks=[keras.callbacks.ModelCheckpoint(
         str(a_file(tmp) / "best.keras"))]),
     ValueError, r"ModelCheckpoint\(filepath=.*a_file' is an existing file"),
    (3, "TensorBoard log_dir that is an existing file",
     lambda tmp: gan().fit(DATA, verbose=0, callbacks=[keras.callbacks.TensorBoard(str(a_file(tmp)))]),
     ValueError, r"TensorBoard\(log_dir=.*is an existing file, not a folder"),
    (3, "CSVLogger filename that is a folder",
     lambda tmp: gan().fit(DATA, verbose=0, callbacks=[keras.callbacks.CSVLogger(str(tmp))]),
     ValueError, r"CSVLogger\(filename=.*is an existing folder, not a file"),
    (3, "BackupAndRestore folder that is an existing file",
     lambda tmp: gan().fit(DATA, verbose=0, callbacks=[keras.callbacks.BackupAndRestore(str(a_file(tmp)))]),
     ValueError, r"BackupAndRestore\(backup_dir=.*is an existing file"),
    (3, "SampleSaver on samples that are not images (caught before TensorBoard writes)",
     lambda tmp: gan(model=lambda g, d, latent_dim, tricks: keras_gan.models.GAN(
         keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]),
         keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]), 3)).fit(
         np.zeros((8, 2), "float32"), verbose=0,
         callbacks=[keras.callbacks.TensorBoard(str(tmp / "logs")), keras_gan.callbacks.SampleSaver(tmp / "s")]),
     ValueError, r"SampleSaver draws grids of images, but the generator makes samples of shape \(2,\)"),
    (3, "Evaluate with images of another shape (caught before TensorBoard writes)",
     lambda tmp: (lambda g: g.fit(DATA, verbose=0, callbacks=[
         keras.callbacks.TensorBoard(str(tmp / "logs")),
         keras_gan.callbacks.Evaluate(np.zeros((8, 28, 28, 1), "float32"), "digit_fd", num_samples=8)]))(gan()),
     ValueError, r"generator makes samples of shape \(4, 4, 1\), but the real images given to Evaluate"),
    # 4. messages that mislead ------------------------------------------------------------------
    (4, "generate(2.5)", lambda tmp: gan().generate(2.5),
     TypeError, r"`n_or_z` must be a positive int.*received the float 2.5. Fix: generate\(16\)"),
    (4, "generate('3')", lambda tmp: gan().generate("3"), TypeError, r"received the string '3'"),
    (4, "generate(3.0)", lambda tmp: gan().generate(3.0), TypeError, r"received the float 3.0. Fix: pass int\(3.0\)"),
    (4, "generate(one latent vector without a batch axis)", lambda tmp: gan().generate(np.zeros(3)),
     ValueError, r"received an array of shape \(3,\).*here: generate\(3\)"),
    (4, "generate(z of strings)", lambda tmp: gan().generate(np.array([["a", "b", "c"]])),
     TypeError, r"received an array of shape \(1, 3\) and dtype <U1, which is not numeric"),
    (4, "generate(4, batch_size=0)", lambda tmp: gan().generate(4, batch_size=0),
     ValueError, r"`batch_size` must be an int >= 1; received batch_size=0"),
    (4, "generate(4, seed='a')", lambda tmp: gan().generate(4, seed="a"),
     TypeError, r"`seed` must be an int or None; received the string 'a'"),
    (4, "generator input size differs from latent_dim: Keras's line kept",
     lambda tmp: keras_gan.models.GAN(tiny_generator(latent_dim=7), tiny_discriminator(), LATENT_DIM).compile(),
     ValueError, r"expected axis -1 of input shape to have value 7, but received input with shape \(2, 3\)"),
    (4, "discriminator input size differs: Keras's line kept",
     lambda tmp: keras_gan.models.GAN(tiny_generator(), tiny_discriminator((5, 5, 1)), LATENT_DIM).compile(),
     ValueError, r"generator's output of shape \(2, 4, 4, 1\).*to have value 25, but received input"),
    (4, "conditional labels given as class names",
     lambda tmp: cgan().fit(DATA, np.array(["cat", "dog", "eel", "fox"] * 8), verbose=0),
     TypeError, r"received labels of dtype <U3 \(e.g. 'cat'\).*np.unique\(names, return_inverse"),
    (4, "conditional labels that are not whole numbers",
     lambda tmp: cgan().fit(DATA, np.full(32, 0.5), verbose=0),
     ValueError, r"received non-integer values \(e.g. 0.5\).*y.astype\('int32'\)"),
    (4, "flattened images", lambda tmp: gan().fit(DATA.reshape(32, 16), verbose=0),
     ValueError, r"output shape \(4, 4, 1\).*sample shape \(16,\).*x.reshape\(\(-1,\) \+ \(4, 4, 1\)\)"),
    (4, "images without their channel axis", lambda tmp: gan().fit(DATA[..., 0], verbose=0),
     ValueError, r"sample shape \(4, 4\).*lacks the channel axis: pass x\[\.\.\., None\]"),
    (4, "one trick instead of a list",
     lambda tmp: keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM,
                                      tricks=keras_gan.tricks.R1Penalty()),
     TypeError, r"`tricks` must be a list of tricks; received one R1Penalty. Pass tricks=\[R1Penalty\(...\)\]"),
    (4, "a trick class instead of an instance",
     lambda tmp: keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM,
                                      tricks=[keras_gan.tricks.R1Penalty]),
     TypeError, r"Received: <class .*R1Penalty'> \(a class: instantiate it\)"),
    (4, "a trick weight that is not a number", lambda tmp: keras_gan.tricks.GradientPenalty("10"),
     TypeError, r"`weight` must be a number >= 0 \(the factor of GradientPenalty's cost term\). Received: weight='10'"),
    (4, "a weight for a trick that adds no cost term", lambda tmp: keras_gan.tricks.TopK(weight=2.0),
     TypeError, r"TopK adds no cost term, so it takes no `weight`; received weight=2.0"),
    (4, "Packing(2.5)", lambda tmp: keras_gan.tricks.Packing(2.5),
     TypeError, r"`m` must be an int >= 1 \(samples per pack\). Received: m=2.5"),
    (4, "a seed that is not an int",
     lambda tmp: keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM, seed="0"),
     TypeError, r"`seed` must be an int or None. Received: seed='0' \(the string '0'\)"),
    (4, "Evaluate without real images", lambda tmp: keras_gan.callbacks.Evaluate(None),
     TypeError, r"`Evaluate` needs real images .* as `real_data`; received None"),
    (4, "SampleSaver(n=2.5)", lambda tmp: keras_gan.callbacks.SampleSaver(tmp / "s", n=2.5),
     TypeError, r"`n` must be an int >= 1. Received: n=2.5"),
    (4, "SampleSaver without a folder", lambda tmp: keras_gan.callbacks.SampleSaver(None),
     TypeError, r"`directory` must be a folder path .* Received: directory=None"),
    (4, "digit metric given unscaled real images",
     lambda tmp: keras_gan.metrics.DigitFrechetDistance().update_state(
         np.full((4, 28, 28, 1), 255.0), np.zeros((4, 28, 28, 1))),
     ValueError, r"`real_images` ranges over \[255, 255\].*\[-1, 1\].*x / 127.5 - 1"),
    (4, "a classifier score on a network of logits",
     lambda tmp: keras_gan.metrics.ClassifierScore(
         keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(), keras.layers.Dense(3)])).update_state(
         np.random.default_rng(0).normal(size=(8, 4, 4, 1))),
     ValueError, r"needs class probabilities.*softmax"),
]


@pytest.fixture
def no_step(monkeypatch):
    """Fails a case whose error comes from inside a training step (or its trace) instead of before it."""
    calls = []
    original = keras_gan.models.AdversarialModel.train_step

    def spy(self, *args):
        calls.append(1)
        return original(self, *args)

    monkeypatch.setattr(keras_gan.models.AdversarialModel, "train_step", spy)
    return calls


def _files(root):
    """Every file and folder under `root` (relative paths)."""
    return sorted(os.path.relpath(os.path.join(folder, name), root)
                  for folder, folders, files in os.walk(root) for name in folders + files)


@pytest.mark.parametrize("case", MISTAKES, ids=[f"{m[0]}-{m[1]}" for m in MISTAKES])
def test_mistake_is_refused_before_the_first_step_and_writes_nothing(case, tmp_path, no_step):
    _, _, action, error, pattern = case
    with pytest.raises(error, match=pattern) as info:
        action(tmp_path)
    message = str(info.value)
    assert not no_step, "the mistake surfaced inside a training step"
    assert "Traceback" not in message and "tensorflow/" not in message and len(message) < 600, message
    leftovers = [f for f in _files(tmp_path) if f != "a_file"]
    assert not leftovers, f"a refused run wrote {leftovers}"


def test_the_catalogue_covers_every_kind_with_at_least_fifteen_new_mistakes():
    kinds = {m[0] for m in MISTAKES}
    assert kinds == {1, 2, 3, 4} and len(MISTAKES) >= 15  # kind 5 is the command line's, below


# Warnings: documented rules a user may knowingly bend ("should not"), said before any step.
WARNINGS = [
    ("GradientPenalty with a batch-normalized discriminator",
     lambda: gan(tricks=[keras_gan.tricks.GradientPenalty(10.0)], discriminator=critic(
         keras.layers.BatchNormalization()), loss="wasserstein"),
     r"GradientPenalty: the discriminator \(critic\) has batch normalization"),
    ("R1Penalty with a batch-normalized discriminator",
     lambda: gan(tricks=[keras_gan.tricks.R1Penalty(1.0)], discriminator=critic(keras.layers.BatchNormalization())),
     r"R1Penalty: the discriminator \(critic\) has batch normalization"),
    ("the Wasserstein loss with an unconstrained critic",
     lambda: gan(loss="wasserstein"), r"Wasserstein loss needs a \(roughly\) 1-Lipschitz critic.*GradientPenalty"),
]


@pytest.mark.parametrize("case", WARNINGS, ids=[w[0] for w in WARNINGS])
def test_bendable_rule_warns_at_compile(case):
    _, action, pattern = case
    with pytest.warns(UserWarning, match=pattern) as records:
        action()
    assert all(r.filename == __file__ for r in records if re.search(pattern, str(r.message)))


def test_a_lipschitz_critic_is_not_warned_about(recwarn):
    gan(loss="wasserstein", tricks=[keras_gan.tricks.WeightClipping(0.01)])
    keras_gan.models.WGANGP(tiny_generator(), tiny_discriminator(), LATENT_DIM).compile()
    spectral = keras.Sequential([keras.Input(SAMPLE_SHAPE), keras.layers.Flatten(),
                                 keras.layers.SpectralNormalization(keras.layers.Dense(1))])
    gan(loss="wasserstein", discriminator=spectral)
    assert not [w for w in recwarn if "Lipschitz" in str(w.message)]


def test_a_refused_compile_leaves_the_model_uncompiled():
    model = keras_gan.models.WGANGP(tiny_generator(), critic(keras.layers.BatchNormalization()), LATENT_DIM)
    with pytest.raises(ValueError, match="batch normalization"):
        model.compile()
    with pytest.raises(ValueError, match=r"Call `compile\(\)` before `fit\(\)`"):
        model.fit(DATA, verbose=0)


def test_an_undeclared_trick_log_is_refused_before_any_update():
    """`Trick`: "Each logged name must be listed in `term_names`" (a trick author's rule, at the first trace)."""

    class Undeclared(keras_gan.tricks.Trick):
        def discriminator_logs(self, model, step):
            return {"surprise": keras.ops.zeros(())}

    model = gan(tricks=[Undeclared()])
    with pytest.raises(KeyError, match=r"logged 'surprise'.*`term_names`"):
        model.fit(DATA, verbose=0)
    if keras.backend.backend() == "tensorflow":  # JAX leaves the state it purged for the step unsynced on an error
        assert int(model.d_optimizer.iterations) == 0


def test_an_unwritable_folder_is_refused(tmp_path, monkeypatch):
    """Root writes anywhere, so the permission is simulated: the check reads os.access."""
    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if os.fspath(p) == str(locked) else real_access(p, mode))
    with pytest.raises(ValueError, match=r"SampleSaver\(directory=.*the folder .*locked' is not writable"):
        gan().fit(DATA, verbose=0, callbacks=[keras_gan.callbacks.SampleSaver(locked / "samples")])
    assert not (locked / "samples").exists()
    assert "--out" in _cli_error(["train", "--out", str(locked / "run")], tmp_path, monkeypatch)


def test_sample_saver_checks_its_folder_in_on_train_begin_for_any_fit(tmp_path):
    saver = keras_gan.callbacks.SampleSaver(a_file(tmp_path))
    saver.set_model(gan())
    with pytest.raises(ValueError, match=r"SampleSaver\(directory=.*existing file"):
        saver.on_train_begin()


# ------------------------------------------------------------------ the docstrings' rules

RULE = re.compile(r"\b(must|should not|requires|needs a)\b", re.IGNORECASE)
# Sentences with a rule word that state no rule about what a user passes.
DESCRIPTIVE = {("HealthMonitor", "Epochs a condition must hold")}


def documented_rules():
    """`(object, sentence)` for every sentence of a public docstring that states a rule."""
    seen = set()
    for package in (keras_gan.models, keras_gan.tricks, keras_gan.losses, keras_gan.callbacks, keras_gan.layers,
                    keras_gan.metrics):
        for name in getattr(package, "__all__", dir(package)):
            obj = getattr(package, name, None)
            if not (inspect.isclass(obj) or inspect.isfunction(obj)) or id(obj) in seen:
                continue
            seen.add(id(obj))
            docs = [(obj.__name__, inspect.getdoc(obj) or "")]
            if inspect.isclass(obj):
                docs += [(f"{obj.__name__}.{m}", inspect.getdoc(f) or "") for m, f in vars(obj).items()
                         if not m.startswith("_") and callable(f) and getattr(f, "__doc__", None)]
            for where, doc in docs:
                for sentence in re.split(r"(?<=[.;:])\s+", " ".join(doc.split())):
                    if RULE.search(sentence) and ">>>" not in sentence:
                        yield where, sentence


def public_classes():
    """Every public class of the packages whose docstrings state rules."""
    seen = set()
    for package in (keras_gan.models, keras_gan.tricks, keras_gan.losses, keras_gan.callbacks, keras_gan.layers,
                    keras_gan.metrics):
        for name in getattr(package, "__all__", dir(package)):
            obj = getattr(package, name, None)
            if inspect.isclass(obj) and id(obj) not in seen:
                seen.add(id(obj))
                yield obj


def own_requirements(cls):
    """The rules `cls` declares itself (its bases' apply to it too, see `declared_requirements`)."""
    return [r for r in vars(cls).get("requirements", ()) if isinstance(r, Requirement)]


def test_every_rule_a_docstring_states_is_declared_with_its_check():
    """Each "must" / "should not" / "requires" sentence is a rule its owner declares (or one of its bases does)."""
    classes = {cls.__name__: cls for cls in public_classes()}
    undeclared = [(where, sentence) for where, sentence in documented_rules()
                  if not any(r.quote in sentence for r in declared_requirements(classes[where.split(".")[0]])
                             if where.split(".")[0] in classes)
                  and not any(where == source and quote in sentence for source, quote in DESCRIPTIVE)]
    assert not undeclared, ("docstring rules that no owner declares in its `requirements` (declare the check, or "
                            f"say where it is enforced): {undeclared}")
    rules = list(documented_rules())
    for cls in classes.values():
        for requirement in own_requirements(cls):  # each quote is in the docstrings of the class declaring it
            assert any(where.split(".")[0] == cls.__name__ and requirement.quote in s for where, s in rules), (
                cls.__name__, requirement.name)
            assert requirement.check is not None or requirement.enforced_by, requirement.name
            assert requirement.severity in ("error", "warning") and requirement.stage in (
                "construction", "compile", "fit", "trace")


def all_declared_rules():
    return {r.name for cls in public_classes() for r in own_requirements(cls)}


# Each declared rule, and the catalogue case (or test) that provokes it.
PROVOKED_BY = {
    "augmentation_images": "DiffAugment on samples that are not images",
    "distinct_optimizers": "the same optimizer for both players",  # tests/test_error_catalogue.py
    "one_logit_per_sample": "discriminator with two outputs per sample",  # tests/test_error_catalogue.py
    "wgangp_no_batch_norm": "WGANGP critic with batch normalization",
    "input_gradient_penalty_no_batch_norm": "GradientPenalty with a batch-normalized discriminator",
    "single_discriminator": "CycleGAN with GradientPenalty",
    "feature_matching_one_input": "FeatureMatching on a discriminator with two inputs",
    "feature_matching_named_layer": "InfoGAN with FeatureMatching on a layer index",
    "packing_batch_multiple": "Packing with a batch size that is not a multiple of m",
    "packing_one_input_one_output": "ConditionalGAN with Packing",
    "top_k_adversarial_cost": "SemiSupervisedGAN with TopK",
    "train_losing_player_loss_scale": "WGAN with TrainLosingPlayer's cross-entropy thresholds",
    "wasserstein_lipschitz": "the Wasserstein loss with an unconstrained critic",
    "trick_term_names": "test_an_undeclared_trick_log_is_refused_before_any_update",
    "inception_probabilities": "a classifier score on a network of logits",
    "digit_image_shape": "digit metric given unscaled real images",
    "digit_image_shape_score": "digit metric given unscaled real images",
}


def test_every_declared_rule_is_provoked():
    from tests import test_error_catalogue as first

    names = ({m[1] for m in MISTAKES} | {w[0] for w in WARNINGS} | {m[0] for m in first.MISTAKES}
             | {n for n in globals() if n.startswith("test_")})
    assert set(PROVOKED_BY) == all_declared_rules()
    assert not [case for case in PROVOKED_BY.values() if case not in names]


REFUSALS = [m for m in MISTAKES if m[1] in (
    "FeatureMatching on a discriminator with two inputs", "CycleGAN with GradientPenalty", "CycleGAN with R1Penalty",
    "CycleGAN with FeatureMatching", "ConditionalGAN with Packing", "InfoGAN with Packing",
    "SemiSupervisedGAN with Packing", "InfoGAN with FeatureMatching on a layer index", "SemiSupervisedGAN with TopK",
    "TopK beside FeatureMatching(replace_objective=True)", "WGAN with TrainLosingPlayer's cross-entropy thresholds")]


@pytest.mark.parametrize("case", REFUSALS, ids=[m[1] for m in REFUSALS])
def test_a_refused_model_and_trick_pair_names_both_the_reason_and_what_to_use_instead(case):
    """Every refusal reads "<Model> cannot use <Trick>...: <reason>. Use <alternative> instead."."""
    _, _, action, error, _ = case
    with pytest.raises(error) as info:
        action(None)
    message = str(info.value)
    model, rest = message.split(" cannot use ", 1)
    trick = re.match(r"\w+", rest).group(0)
    assert model in {c.__name__ for c in public_classes()} and hasattr(keras_gan.tricks, trick), message
    assert ": " in rest and " instead" in message.rsplit(". ", 1)[-1], message


def test_rules_are_collected_from_their_owners_not_looked_up_by_name():
    """The model's classes, its loss, its tricks, its networks' layers and the run's callbacks declare the rules."""
    seen = []

    def note(owner, model, context):
        seen.append((type(owner).__name__, sorted(context)))

    rule = Requirement("noted", "noted", "fit", note)

    class NotedLayer(keras.layers.Dense):
        requirements = (rule,)

    class NotedCallback(keras.callbacks.Callback):
        requirements = (rule,)

    class NotedGAN(keras_gan.models.GAN):
        requirements = (rule,)

    critic = keras.Sequential([keras.Input(SAMPLE_SHAPE), keras.layers.Flatten(), NotedLayer(1)])
    model = NotedGAN(tiny_generator(), critic, LATENT_DIM, tricks=[keras_gan.tricks.WeightClipping(0.01)])
    model.compile(loss="wasserstein")
    owners = [type(owner).__name__ for owner, _ in validation.collect_requirements(model, [NotedCallback()])]
    assert owners[0] == "NotedGAN" and {"WassersteinLoss", "WeightClipping", "NotedLayer", "NotedCallback"} <= set(
        owners)
    model.fit(DATA, epochs=1, verbose=0, callbacks=[NotedCallback()])
    assert [name for name, _ in seen] == ["NotedGAN", "NotedLayer", "NotedCallback"]
    assert seen[0][1] == ["batch_sizes", "batch_text", "callbacks"]


def test_validation_looks_nothing_up_by_class_name():
    source = inspect.getsource(validation)
    for pattern in ("__name__ ==", "__name__ !=", "_is_model", "__mro__", ".__name__ in", "REQUIREMENTS"):
        assert pattern not in source, pattern


# ------------------------------------------------------------------ the command line (kinds 3 and 5)


def _cli_error(argv, tmp_path, monkeypatch, code=2):
    import contextlib
    import io

    monkeypatch.chdir(tmp_path)
    before = _files(tmp_path)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert cli.main(argv) == code
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("keras-gan: error:"), lines
    assert _files(tmp_path) == before, "a refused command wrote files"
    return lines[0]


CLI_MISTAKES = [
    ("train --out is an existing file", lambda t: ["train", "--out", str(a_file(t))],
     r"--out: .*a_file' is an existing file, not a folder"),
    ("train --out under an existing file", lambda t: ["train", "--out", str(a_file(t) / "run")],
     r"--out: cannot create .*a_file' is an existing file"),
    ("tune --out is an existing file", lambda t: ["tune", "--out", str(a_file(t))], r"--out: .*existing file"),
    ("train --out beside --resume", lambda t: ["train", "--out", str(t / "x"), "--resume", str(t)],
     r"--out and --resume together.*drop --out"),
    ("sample --out is a folder", lambda t: ["sample", "--model", str(a_file(t)), "--out", str(t / "f.png")],
     None),
    ("sample --out is not a .png", lambda t: ["sample", "--model", str(a_file(t)), "--out", "grid.jpg"],
     r"--out: 'grid.jpg' is not a .png file name"),
    ("sample --model is a folder", lambda t: ["sample", "--model", str(t)], r"--model: .* is a folder"),
    ("label smoothing on a loss without it writes no run folder",
     lambda t: ["train", "--loss", "wasserstein", "--label-smoothing", "0.1", "--epochs", "1"],
     r"--label-smoothing does not apply to the wasserstein loss"),
]


@pytest.mark.parametrize("case", CLI_MISTAKES, ids=[c[0] for c in CLI_MISTAKES])
def test_command_line_mistake_is_one_line_and_writes_nothing(case, tmp_path, monkeypatch):
    _, argv, pattern = case
    argv = argv(tmp_path)
    if pattern is None:  # sample --out is a folder
        (tmp_path / "f.png").mkdir()
        pattern = r"--out: .*f.png' is an existing folder, not a file"
    assert re.search(pattern, _cli_error(argv, tmp_path, monkeypatch))
    assert not (tmp_path / "runs").exists()


def _lambda_model(path):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Lambda(lambda z: z * 2), keras.layers.Dense(16),
                              keras.layers.Reshape((4, 4, 1))])
    model.save(path)
    return path


def test_sample_refuses_code_with_a_whole_sentence_and_names_the_opt_in(tmp_path, monkeypatch):
    path = _lambda_model(tmp_path / "lambda.keras")
    line = _cli_error(["sample", "--model", str(path), "--out", str(tmp_path / "x.png")], tmp_path, monkeypatch)
    assert "Lambda" in line and line.endswith("run again with --unsafe-deserialization.")
    assert "safe_mode=False" not in line  # Keras's advice is for Python, not for the command line


def test_unsafe_deserialization_loads_a_trusted_file_and_warns(tmp_path, capsys):
    path = _lambda_model(tmp_path / "lambda.keras")
    out = tmp_path / "grid.png"
    assert cli.main(["sample", "--model", str(path), "--n", "4", "--out", str(out),
                     "--unsafe-deserialization"]) == 0
    assert out.is_file()
    assert "warning: --unsafe-deserialization" in capsys.readouterr().err
    help_text = cli.build_parser()._subparsers._group_actions[0].choices["sample"].format_help()
    assert "--unsafe-deserialization" in help_text and "trust" in help_text
    with open(os.path.join(os.path.dirname(__file__), "..", "docs", "cli.md")) as f:
        assert "--unsafe-deserialization" in f.read()


def test_a_failing_dataset_leaves_no_run_folder(tmp_path, monkeypatch):
    import tensorflow_datasets as tfds

    def offline(*args, **kwargs):
        raise ConnectionError("no network")

    monkeypatch.setattr(tfds.core.DatasetBuilder, "download_and_prepare", offline)
    out = tmp_path / "run"
    line = _cli_error(["train", "--dataset", "mnist", "--out", str(out)], tmp_path, monkeypatch, code=1)
    assert "digits" in line and not out.exists()
