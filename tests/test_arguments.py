"""The catalogue of argument checks: every public callback, layer, sampling function, metric and the tuner's
hypermodel refuses a wrong argument where it is given (construction or first call), naming the argument and
the value received, before any work; nothing is written."""

import os

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan import callbacks, layers, metrics, sampling
from tests.conftest import LATENT_DIM, SAMPLE_SHAPE, tiny_discriminator, tiny_generator

keras_tuner = pytest.importorskip("keras_tuner")
from keras_gan.tuning import GANHyperModel  # noqa: E402

DATA = np.random.default_rng(0).uniform(-1, 1, (16,) + SAMPLE_SHAPE).astype("float32")
POINTS = np.zeros((8, 2))
CENTRES = np.array([[0.0, 0.0], [1.0, 0.0]])


def _gan():
    gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM, seed=0)
    gan.compile()
    return gan


def _network():
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])


# (id, call(tmp), error type, argument as the message names it, the value as the message shows it)
def _infogan():
    from tests.harness import MODELS

    model, _, _ = MODELS["InfoGAN"](None, 0)
    return model


CASES = [
    ("InfoGAN latent_vectors categorical string", lambda tmp: _infogan().latent_vectors(4, categorical="two"),
     TypeError, "`categorical`", "'two'"),
    ("InfoGAN latent_vectors categorical float", lambda tmp: _infogan().latent_vectors(4, categorical=1.5),
     TypeError, "`categorical`", "1.5"),
    ("InfoGAN latent_vectors categorical wrong length", lambda tmp: _infogan().latent_vectors(4, categorical=[0, 1]),
     ValueError, "`categorical`", "(2,)"),
    ("InfoGAN latent_vectors n float", lambda tmp: _infogan().latent_vectors(2.5),
     TypeError, "`n`", "2.5"),
    ("StopOnDivergence every zero", lambda tmp: callbacks.StopOnDivergence(every=0),
     ValueError, "every", "every=0"),
    ("StopOnDivergence every float", lambda tmp: callbacks.StopOnDivergence(every=2.5),
     TypeError, "every", "every=2.5"),
    ("StopOnDivergence raise_error string", lambda tmp: callbacks.StopOnDivergence(raise_error="yes"),
     TypeError, "raise_error", "'yes'"),
    # callbacks
    ("SampleSaver scale float", lambda tmp: callbacks.SampleSaver(tmp / "s", scale=2.5),
     TypeError, "`scale`", "scale=2.5 (the float 2.5)"),
    ("SampleSaver scale zero", lambda tmp: callbacks.SampleSaver(tmp / "s", scale=0),
     ValueError, "`scale`", "scale=0 (the int 0)"),
    ("SampleSaver n string", lambda tmp: callbacks.SampleSaver(tmp / "s", n="16"),
     TypeError, "`n`", "n='16' (the string '16')"),
    ("SampleSaver every None", lambda tmp: callbacks.SampleSaver(tmp / "s", every=None),
     TypeError, "`every`", "every=None"),
    ("SampleSaver negative seed", lambda tmp: callbacks.SampleSaver(tmp / "s", seed=-1),
     ValueError, "`seed`", "seed=-1"),
    ("SampleSaver value_range reversed", lambda tmp: callbacks.SampleSaver(tmp / "s", value_range=(1, -1)),
     ValueError, "`value_range`", "value_range=(1, -1)"),
    ("SampleSaver value_range string", lambda tmp: callbacks.SampleSaver(tmp / "s", value_range="tanh"),
     TypeError, "`value_range`", "value_range='tanh'"),
    ("SampleSaver tensorboard bool", lambda tmp: callbacks.SampleSaver(tmp / "s", tensorboard=True),
     TypeError, "`tensorboard`", "tensorboard=True (the bool True)"),
    ("Evaluate one sample", lambda tmp: callbacks.Evaluate(DATA, num_samples=1),
     ValueError, "`num_samples`", "num_samples=1"),
    ("Evaluate every float", lambda tmp: callbacks.Evaluate(DATA, every=1.5),
     TypeError, "`every`", "every=1.5 (the float 1.5)"),
    ("Evaluate metrics of numbers", lambda tmp: callbacks.Evaluate(DATA, metrics=[3]),
     TypeError, "`metrics`", "metrics=[3]"),
    ("Evaluate seed string", lambda tmp: callbacks.Evaluate(DATA, seed="0"),
     TypeError, "`seed`", "seed='0'"),
    ("HealthMonitor patience zero", lambda tmp: callbacks.HealthMonitor(patience=0),
     ValueError, "`patience`", "patience=0"),
    ("HealthMonitor window too short", lambda tmp: callbacks.HealthMonitor(window=3),
     ValueError, "`window`", "window=3"),
    ("HealthMonitor confident one", lambda tmp: callbacks.HealthMonitor(confident=1.0),
     ValueError, "`confident`", "confident=1.0"),
    ("HealthMonitor collapse_ratio string", lambda tmp: callbacks.HealthMonitor(collapse_ratio="0.5"),
     TypeError, "`collapse_ratio`", "collapse_ratio='0.5'"),
    ("HealthMonitor negative swing", lambda tmp: callbacks.HealthMonitor(oscillation_swing=-0.1),
     ValueError, "`oscillation_swing`", "oscillation_swing=-0.1"),
    ("HealthMonitor NaN threshold", lambda tmp: callbacks.HealthMonitor(vanishing_p_fake=float("nan")),
     ValueError, "`vanishing_p_fake`", "vanishing_p_fake=nan"),
    ("HealthMonitor measure_gradient string", lambda tmp: callbacks.HealthMonitor(measure_gradient="no"),
     TypeError, "`measure_gradient`", "measure_gradient='no'"),
    ("HealthMonitor gradient_samples bool", lambda tmp: callbacks.HealthMonitor(gradient_samples=True),
     TypeError, "`gradient_samples`", "the bool True"),
    ("HealthMonitor features number", lambda tmp: callbacks.HealthMonitor(features=3),
     TypeError, "`features`", "features=3"),
    ("DiscriminatorSteps zero", lambda tmp: callbacks.DiscriminatorSteps(0),
     ValueError, "`schedule`", "schedule=0"),
    ("DiscriminatorSteps float", lambda tmp: callbacks.DiscriminatorSteps(2.5),
     TypeError, "`schedule`", "schedule=2.5 (the float 2.5)"),
    ("DiscriminatorSteps wgan k zero", lambda tmp: callbacks.DiscriminatorSteps("wgan", k=0),
     ValueError, "`k`", "k=0"),
    # layers
    ("SelfAttention reduction zero", lambda tmp: layers.SelfAttention(reduction=0),
     ValueError, "`reduction`", "reduction=0"),
    ("SelfAttention reduction string", lambda tmp: layers.SelfAttention(reduction="8"),
     TypeError, "`reduction`", "reduction='8'"),
    ("MinibatchDiscrimination num_kernels float", lambda tmp: layers.MinibatchDiscrimination(num_kernels=2.5),
     TypeError, "`num_kernels`", "num_kernels=2.5"),
    ("MinibatchDiscrimination kernel_dim negative", lambda tmp: layers.MinibatchDiscrimination(kernel_dim=-1),
     ValueError, "`kernel_dim`", "kernel_dim=-1"),
    ("MinibatchDiscrimination reduction None", lambda tmp: layers.MinibatchDiscrimination(reduction=None),
     TypeError, "`reduction`", "reduction=None"),
    ("MinibatchDiscrimination unknown initializer",
     lambda tmp: layers.MinibatchDiscrimination(kernel_initializer="nope"),
     ValueError, "`kernel_initializer`", "kernel_initializer='nope'"),
    ("MinibatchStandardDeviation group zero", lambda tmp: layers.MinibatchStandardDeviation(group_size=0),
     ValueError, "`group_size`", "group_size=0"),
    ("MinibatchStandardDeviation negative epsilon", lambda tmp: layers.MinibatchStandardDeviation(epsilon=-1e-8),
     ValueError, "`epsilon`", "epsilon=-1e-08"),
    ("VirtualBatchNormalization float size", lambda tmp: layers.VirtualBatchNormalization(reference_size=2.0),
     TypeError, "`reference_size`", "reference_size=2.0 (the float 2.0)"),
    ("VirtualBatchNormalization center string", lambda tmp: layers.VirtualBatchNormalization(4, center="False"),
     TypeError, "`center`", "center='False'"),
    ("ImagePool negative size", lambda tmp: layers.ImagePool(pool_size=-1),
     ValueError, "`pool_size`", "pool_size=-1"),
    ("ImagePool float size", lambda tmp: layers.ImagePool(pool_size=50.0),
     TypeError, "`pool_size`", "pool_size=50.0"),
    ("ImagePool float seed", lambda tmp: layers.ImagePool(seed=1.5),
     TypeError, "`seed`", "seed=1.5"),
    ("WithReferenceBatch no network", lambda tmp: layers.WithReferenceBatch(None, np.zeros((4, 4))),
     TypeError, "`network`", "network=None"),
    ("WithReferenceBatch string reference", lambda tmp: layers.WithReferenceBatch(_network(), "abc"),
     TypeError, "`reference`", "reference='abc'"),
    # sampling
    ("rejection_sample burn_in zero", lambda tmp: sampling.rejection_sample(_gan(), 8, burn_in=0),
     ValueError, "`burn_in`", "burn_in=0"),
    ("rejection_sample burn_in float", lambda tmp: sampling.rejection_sample(_gan(), 8, burn_in=100.5),
     TypeError, "`burn_in`", "burn_in=100.5 (the float 100.5)"),
    ("rejection_sample n float", lambda tmp: sampling.rejection_sample(_gan(), 2.5),
     TypeError, "`n`", "n=2.5"),
    ("rejection_sample gamma string", lambda tmp: sampling.rejection_sample(_gan(), 8, gamma="0"),
     TypeError, "`gamma`", "gamma='0'"),
    ("rejection_sample batch_size zero", lambda tmp: sampling.rejection_sample(_gan(), 8, batch_size=0),
     ValueError, "`batch_size`", "batch_size=0"),
    ("rejection_sample max_draws zero", lambda tmp: sampling.rejection_sample(_gan(), 8, max_draws=0),
     ValueError, "`max_draws`", "max_draws=0"),
    ("rejection_sample negative seed", lambda tmp: sampling.rejection_sample(_gan(), 8, seed=-3),
     ValueError, "`seed`", "seed=-3"),
    ("rejection_sample not a GAN", lambda tmp: sampling.rejection_sample("gan", 8),
     TypeError, "`gan`", "gan='gan'"),
    ("train_density_ratio steps zero", lambda tmp: sampling.train_density_ratio(_gan(), DATA, steps=0),
     ValueError, "`steps`", "steps=0"),
    ("train_density_ratio learning_rate zero",
     lambda tmp: sampling.train_density_ratio(_gan(), DATA, learning_rate=0),
     ValueError, "`learning_rate`", "learning_rate=0"),
    ("train_density_ratio batch_size list", lambda tmp: sampling.train_density_ratio(_gan(), DATA, batch_size=[64]),
     TypeError, "`batch_size`", "batch_size=[64] (a list of 1 item (int))"),
    # metrics
    ("FrechetDistance batch_size zero", lambda tmp: metrics.FrechetDistance(_network(), batch_size=0),
     ValueError, "`batch_size`", "batch_size=0"),
    ("KernelDistance num_subsets zero", lambda tmp: metrics.KernelDistance(_network(), num_subsets=0),
     ValueError, "`num_subsets`", "num_subsets=0"),
    ("KernelDistance subset of one", lambda tmp: metrics.KernelDistance(_network(), subset_size=1),
     ValueError, "`subset_size`", "subset_size=1"),
    ("ClassifierScore splits float", lambda tmp: metrics.ClassifierScore(_network(), splits=2.5),
     TypeError, "`splits`", "splits=2.5"),
    ("FID empty value_range", lambda tmp: metrics.FrechetInceptionDistance(weights=None, value_range=(0, 0)),
     ValueError, "`value_range`", "value_range=(0, 0)"),
    ("FID weights number", lambda tmp: metrics.FrechetInceptionDistance(weights=3),
     TypeError, "`weights`", "weights=3"),
    ("InceptionPreprocessing size zero", lambda tmp: metrics.InceptionPreprocessing(size=0),
     ValueError, "`size`", "size=0"),
    ("inception_v3 two channels", lambda tmp: metrics.inception_v3((28, 28, 2), weights=None),
     ValueError, "`input_shape`", "input_shape=(28, 28, 2)"),
    ("kernel_distance num_subsets zero", lambda tmp: metrics.kernel_distance(POINTS, POINTS, num_subsets=0),
     ValueError, "`num_subsets`", "num_subsets=0"),
    ("mode_coverage stddev zero", lambda tmp: metrics.mode_coverage(POINTS, CENTRES, stddev=0),
     ValueError, "`stddev`", "stddev=0"),
    ("mode_coverage min_samples float", lambda tmp: metrics.mode_coverage(POINTS, CENTRES, 0.1, min_samples=0.5),
     TypeError, "`min_samples`", "min_samples=0.5"),
    ("predicted_classes batch_size zero",
     lambda tmp: metrics.predicted_classes(np.zeros((2, 28, 28, 1)), batch_size=0),
     ValueError, "`batch_size`", "batch_size=0"),
    ("majority_vote_accuracy unpaired", lambda tmp: metrics.majority_vote_accuracy([0, 1, 1], [1]),
     ValueError, "`codes` and `classes`", "3 codes and 1 classes"),
    ("get_metric number", lambda tmp: metrics.get_metric(3), TypeError, "metric", "the int 3"),
    # the tuner's hypermodel
    ("GANHyperModel width float", lambda tmp: GANHyperModel(search_space={"width": 2.5}),
     TypeError, "`search_space['width']`", "search_space['width']=2.5 (the float 2.5)"),
    ("GANHyperModel beta_1 one", lambda tmp: GANHyperModel(search_space={"beta_1": 1.0}),
     ValueError, "`search_space['beta_1']`", "search_space['beta_1']=1.0"),
    ("GANHyperModel unknown loss", lambda tmp: GANHyperModel(search_space={"loss": "wasserstien"}),
     ValueError, "`search_space['loss']`", "search_space['loss']='wasserstien'"),
    ("GANHyperModel a bad choice", lambda tmp: GANHyperModel(search_space={"latent_dim": [32, 0]}),
     ValueError, "`search_space['latent_dim'][1]`", "search_space['latent_dim'][1]=0"),
    ("GANHyperModel a function giving a negative rate",
     lambda tmp: GANHyperModel(search_space={"d_learning_rate": lambda hp: -1.0}),
     ValueError, "`search_space['d_learning_rate'](hp)`", "=-1.0"),
    ("GANHyperModel no choices", lambda tmp: GANHyperModel(search_space={"width": []}),
     ValueError, "`search_space['width']`", "search_space['width']=[]"),
    ("GANHyperModel search_space list", lambda tmp: GANHyperModel(search_space=["width"]),
     TypeError, "`search_space`", "search_space=['width']"),
    ("GANHyperModel one evaluation sample", lambda tmp: GANHyperModel(num_eval_samples=1),
     ValueError, "`num_eval_samples`", "num_eval_samples=1"),
    ("GANHyperModel eval_every zero", lambda tmp: GANHyperModel(eval_every=0),
     ValueError, "`eval_every`", "eval_every=0"),
    ("GANHyperModel empty image axis", lambda tmp: GANHyperModel(image_shape=(28, 28, 0)),
     ValueError, "`image_shape`", "image_shape=(28, 28, 0)"),
    ("GANHyperModel metric number", lambda tmp: GANHyperModel(metric=3),
     TypeError, "`metric`", "the int 3"),
]


def test_the_catalogue_is_large():
    assert len(CASES) >= 30 and len({case[0] for case in CASES}) == len(CASES)


@pytest.mark.parametrize("name, call, error, argument, value", CASES, ids=[case[0] for case in CASES])
def test_a_wrong_argument_is_named_with_its_value_and_nothing_is_written(name, call, error, argument, value,
                                                                        tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(error) as raised:
        call(tmp_path)
    message = str(raised.value)
    assert argument in message, message
    assert value in message, message
    assert os.listdir(tmp_path) == [], f"{name} wrote {os.listdir(tmp_path)}"


def test_the_checks_accept_what_the_docstrings_allow(tmp_path):
    """The right kinds still pass: NumPy ints, ints for floats, None where allowed, lists for pairs."""
    saver = callbacks.SampleSaver(tmp_path / "s", n=np.int64(4), scale=np.int32(3), value_range=[0, 1], seed=None)
    assert (saver.n, saver.scale, saver.value_range, saver.seed) == (4, 3, (0.0, 1.0), None)
    monitor = callbacks.HealthMonitor(confident=np.float32(0.8), collapse_ratio=1, verbose=True)
    assert monitor.confident == pytest.approx(0.8) and monitor.collapse_ratio == 1.0 and monitor.verbose == 1
    assert layers.VirtualBatchNormalization(np.int64(4), center=1).reference_size == 4
    assert metrics.mode_coverage(POINTS, CENTRES, stddev=1)["modes"] == 1
    assert GANHyperModel(search_space={"width": (8, 16), "beta_1": 0}).search_space["width"] == (8, 16)
    assert not os.path.exists(tmp_path / "s")
