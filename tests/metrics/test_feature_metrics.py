"""Streaming FID / KID / classifier score: equal to the plain functions, with clear errors."""

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan.metrics import (
    ClassifierScore,
    DigitClassifierScore,
    DigitFrechetDistance,
    FrechetDistance,
    FrechetInceptionDistance,
    KernelDistance,
    frechet_distance,
    kernel_distance,
)


@pytest.fixture(scope="module")
def digits():
    x, y = keras_gan.datasets.load_digits()
    return x[:1200], y[:1200]


def _flatten_net(shape=(28, 28, 1), width=12, seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input(shape), keras.layers.Flatten(), keras.layers.Dense(width, activation="tanh")])


def test_streamed_frechet_distance_equals_the_distance_of_all_features(digits):
    x, _ = digits
    net = _flatten_net()
    fd = FrechetDistance(net, batch_size=100)
    for i in range(0, 600, 150):  # four uneven updates
        fd.update_state(x[i : i + 150], x[600 + i : 750 + i] * 0.8)
    expected = frechet_distance(net.predict(x[:600], verbose=0), net.predict(x[600:1200] * 0.8, verbose=0))
    assert fd.result() == pytest.approx(expected, rel=1e-6)
    fd.reset_generated_state()  # real statistics kept
    fd.update_state(generated_images=x[600:1200] * 0.8)
    assert fd.result() == pytest.approx(expected, rel=1e-6)
    fd.reset_state()
    with pytest.raises(ValueError, match="0 real and 0 generated"):
        fd.result()


def test_streamed_kernel_distance_equals_the_plain_function(digits):
    x, _ = digits
    net = _flatten_net()
    kd = KernelDistance(net, num_subsets=5, subset_size=200, seed=3, name="kd")
    kd.update_state(x[:300], x[300:600])
    kd.update_state(x[600:700], x[700:800])
    a = net.predict(np.concatenate([x[:300], x[600:700]]), verbose=0)
    b = net.predict(np.concatenate([x[300:600], x[700:800]]), verbose=0)
    mean, std = kernel_distance(a, b, num_subsets=5, subset_size=200, seed=3)
    result = kd.result()
    assert result["kd"] == pytest.approx(mean, rel=1e-5, abs=1e-9) and result["kd_std"] == pytest.approx(std, rel=1e-5)


def test_classifier_score_matches_its_definition_and_its_extremes():
    # exp(E_x KL(p(y|x) || p(y))): confident and balanced -> K; uniform -> 1.
    score = ClassifierScore(keras.Sequential([keras.Input((3,)), keras.layers.Softmax()]), splits=1, name="s")
    score.update_probabilities(np.eye(4)[np.arange(400) % 4])
    assert score.result()["s"] == pytest.approx(4.0, rel=1e-6)
    score.reset_state()
    score.update_probabilities(np.full((50, 4), 0.25))
    assert score.result()["s"] == pytest.approx(1.0)
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(5), size=300)
    score = ClassifierScore(splits=3, name="s")
    score.update_probabilities(p[:100])
    score.update_probabilities(p[100:])
    groups = [p[i::3] for i in range(3)]
    expected = [np.exp(np.mean(np.sum(g * (np.log(g) - np.log(g.mean(0))), axis=1))) for g in groups]
    assert score.result()["s"] == pytest.approx(np.mean(expected)) and score.result()["s_std"] == pytest.approx(
        np.std(expected)
    )


def test_digit_metrics_rank_real_digits_above_noise(digits):
    x, _ = digits
    fd = DigitFrechetDistance()
    fd.update_state(x[:500], x[500:1000])
    real_vs_real = fd.result()
    noise = np.random.default_rng(0).normal(size=x[:500].shape)
    noisy = []
    for scale in (0.25, 0.5, 1.0):
        fd.reset_generated_state()
        fd.update_state(generated_images=np.clip(x[500:1000] + scale * noise, -1, 1))
        noisy.append(fd.result())
    # 500 against 500 real digits is not 0 (finite-sample bias), but noise ranks far above it.
    assert real_vs_real < noisy[0] < noisy[1] < noisy[2] and noisy[1] > 3 * real_vs_real, (real_vs_real, noisy)
    score = DigitClassifierScore()
    score.update_state(x[:1000])
    assert score.result()["digit_score"] > 8.0  # 10 balanced, confidently classified classes
    score.reset_state()
    score.update_state(np.repeat(x[:1], 100, axis=0))  # one image: no variety
    assert score.result()["digit_score"] < 1.1


@pytest.mark.parametrize(
    "images, message",
    [
        (np.zeros((8, 28, 28)), "add a channel axis"),
        (np.zeros((8, 32, 32, 1)), r"expects \(28, 28, 1\)"),
        (np.zeros((8, 784)), "shape \\(samples, height, width, channels\\)"),
        (np.full((8, 28, 28, 1), np.nan), "NaN"),
    ],
)
def test_images_of_the_wrong_shape_are_named_before_the_network_runs(images, message):
    with pytest.raises(ValueError, match=message):
        DigitFrechetDistance().update_state(images, images)


def test_unknown_metric_name_and_missing_data():
    with pytest.raises(ValueError, match="Unknown sample-quality metric 'fdi'.*digit_fd"):
        keras_gan.metrics.get_metric("fdi")
    with pytest.raises(ValueError, match="needs real_images, generated_images or both"):
        DigitFrechetDistance().update_state()


def test_inception_extractor_preprocesses_and_reports_offline_weights_clearly(monkeypatch, tmp_path):
    from keras_gan.metrics import inception

    layer = inception.InceptionPreprocessing(value_range=(0, 255))
    out = keras.ops.convert_to_numpy(layer(np.stack([np.zeros((28, 28, 1)), np.full((28, 28, 1), 255.0)])))
    assert out.shape == (2, 299, 299, 3)
    assert np.allclose(out[0], -1.0) and np.allclose(out[1], 1.0)

    def offline(*args, **kwargs):
        raise OSError("URL fetch failure: [Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(keras.utils, "get_file", offline)
    fid = FrechetInceptionDistance()
    with pytest.raises(OSError, match="Are you offline.*weights='/path/to/inception_v3_weights"):
        fid.update_state(np.zeros((2, 28, 28, 1)), np.zeros((2, 28, 28, 1)))
    with pytest.raises(FileNotFoundError, match="No InceptionV3 weights file"):
        inception.inception_v3((28, 28, 1), weights=str(tmp_path / "missing.h5"))


def test_fid_with_inception_v3_architecture_runs_on_small_images():
    """Random weights (no download here): checks the wiring, 2048 features, and FID(x, x) = 0."""
    fid = FrechetInceptionDistance(weights=None, batch_size=8)
    x = np.random.default_rng(0).uniform(-1, 1, size=(6, 32, 32, 3)).astype("float32")
    fid.update_state(x, x)
    assert fid.statistics("real")[0].shape == (2048,)
    assert abs(fid.result()) < 1e-3


def test_metric_config_round_trip():
    kd = keras_gan.metrics.KernelInceptionDistance(num_subsets=7, subset_size=50, weights=None, value_range=(0, 1))
    clone = keras_gan.metrics.KernelInceptionDistance.from_config(kd.get_config())
    assert (clone.num_subsets, clone.subset_size, clone.value_range, clone.name) == (7, 50, (0.0, 1.0), "kid")
    fd = FrechetDistance(_flatten_net(width=5), name="my_fd")
    clone = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(fd))
    assert clone.name == "my_fd" and clone.network.output_shape == (None, 5)
