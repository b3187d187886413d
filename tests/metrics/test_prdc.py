"""Precision/recall (Kynkaanniemi et al., 2019) and density/coverage (Naeem et al., 2020).

Checked against the reference `prdc` package, against the papers' definitions and closed forms, for
exactness under blocking and bounded memory, and as streaming metrics inside `Evaluate`.
"""

import contextlib
import io
import re
import tracemalloc

import keras
import numpy as np
import prdc  # the reference implementation (NAVER's), in the `test` extra
import pytest
import scipy.spatial

import keras_gan
from keras_gan.callbacks import Evaluate
from keras_gan.metrics import (
    DensityCoverage,
    DigitDensityCoverage,
    DigitPrecisionRecall,
    PrecisionRecall,
    density_coverage,
    precision_recall,
)
from keras_gan.metrics import prdc as prdc_module


def _prdc(real, fake, k):
    with contextlib.redirect_stdout(io.StringIO()):  # it prints the sample counts
        return {name: float(value) for name, value in prdc.compute_prdc(real, fake, nearest_k=k).items()}


def _ours(real, fake, k, block_size=1024):
    return {**precision_recall(real, fake, k=k, block_size=block_size),
            **density_coverage(real, fake, k=k, block_size=block_size)}


def _by_definition(real, fake, k):
    """The papers' formulas on full distance matrices: r_i is the k-th smallest distance to the others."""
    rr = scipy.spatial.distance.cdist(real, real)
    ff = scipy.spatial.distance.cdist(fake, fake)
    rf = scipy.spatial.distance.cdist(real, fake)
    np.fill_diagonal(rr, np.inf)  # a sample is not its own neighbour
    np.fill_diagonal(ff, np.inf)
    real_radii = np.sort(rr, axis=1)[:, k - 1]
    fake_radii = np.sort(ff, axis=1)[:, k - 1]
    inside_real = rf < real_radii[:, None]  # [i, j]: fake j in the ball of real i
    return {
        "precision": inside_real.any(axis=0).mean(),
        "recall": (rf < fake_radii[None, :]).any(axis=1).mean(),
        "density": inside_real.sum() / (k * len(fake)),
        "coverage": inside_real.any(axis=1).mean(),
    }


def _features(seed, n, m, d, shift=0.3, scale=1.2):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.normal(size=(m, d)) * scale + shift


# ------------------------------------------------------------------ against the reference and the definitions

@pytest.mark.parametrize("k", [1, 3, 5, 10])
@pytest.mark.parametrize("block_size", [64, 1000, 4096], ids=["blocks-of-64", "blocks-of-1000", "one-block"])
def test_matches_the_prdc_package(k, block_size):
    # 500 real against 400 fake: blocks of 64 split both sets, blocks of 1000 split neither.
    real, fake = _features(k, 500, 400, 16)
    ours, reference = _ours(real, fake, k, block_size), _prdc(real, fake, k)
    assert ours.keys() == reference.keys()
    assert max(abs(ours[name] - reference[name]) for name in reference) == 0.0, (ours, reference)
    definition = _by_definition(real, fake, k)
    assert max(abs(ours[name] - definition[name]) for name in definition) < 1e-12


@pytest.mark.parametrize("k", [1, 2, 4])
def test_matches_prdc_with_duplicated_real_samples_and_a_small_fake_set(k):
    # A duplicate is its twin's nearest neighbour, at distance 0: it counts among the k neighbours.
    real, fake = _features(10 + k, 300, 40, 5, shift=0.5)
    real = np.concatenate([real, real[:30]])
    ours, reference = _ours(real, fake, k, block_size=37), _prdc(real, fake, k)
    assert max(abs(ours[name] - reference[name]) for name in reference) == 0.0, (ours, reference)


@pytest.mark.parametrize("k", [1, 3, 7])
@pytest.mark.parametrize("block_size", [13, 1024])
def test_the_radii_are_prdcs_kth_neighbour_distances_excluding_self(k, block_size):
    features, _ = _features(k, 200, 1, 8)
    expected = prdc.prdc.compute_nearest_neighbour_distances(features, k)
    ours = np.sqrt(prdc_module._squared_radii(features, k, block_size))
    np.testing.assert_allclose(ours, expected, rtol=1e-10)
    others = scipy.spatial.distance.cdist(features, features)
    np.fill_diagonal(others, np.inf)
    np.testing.assert_allclose(ours, np.sort(others, axis=1)[:, k - 1], rtol=1e-10)


# ------------------------------------------------------------------ the papers' sanity values

def test_a_set_against_its_own_copy_scores_one_on_every_figure():
    # Every fake sample is a real one (distance 0 < radius): precision = recall = coverage = 1. Each real ball holds
    # its centre and the k - 1 nearer neighbours; the k-th lies on the sphere, outside a strict ball: so the balls
    # hold N k samples in all, and density = N k / (k N) = 1 exactly.
    real, _ = _features(0, 1500, 1, 64)
    for k in (1, 3, 5):
        assert _ours(real, real.copy(), k, block_size=400) == {"precision": 1.0, "recall": 1.0, "density": 1.0,
                                                               "coverage": 1.0}


def _expected_coverage(n, m, k):
    """E[coverage] for one continuous distribution (Naeem et al., 2020, Sec. 4): 1 - prod (n-1-i) / (n+m-1-i).

    Real ball i holds no fake sample when its k nearest neighbours among the n - 1 other real and the m fake
    samples, which are exchangeable, are all real: probability C(n-1, k) / C(n+m-1, k).
    """
    return 1.0 - np.prod([(n - 1 - i) / (n + m - 1 - i) for i in range(k)])


@pytest.mark.parametrize("k", [3, 5])
def test_two_draws_of_one_gaussian_have_density_one_and_the_closed_form_coverage(k):
    real, fake = _features(1, 2000, 2000, 64, shift=0.0, scale=1.0)
    result = density_coverage(real, fake, k=k)
    assert abs(_expected_coverage(2000, 2000, k) - (1 - 0.5**k)) < 1e-3  # the paper's 1 - 2^-k for n = m large
    # Coverage has a standard deviation of about 0.004 here (5 seeds): 0.02 is 5 of them.
    assert result["coverage"] == pytest.approx(_expected_coverage(2000, 2000, k), abs=0.02), result
    # E[density] = 1: a fake sample falls in real ball i with probability k / n (its rank among n - 1 others).
    assert result["density"] == pytest.approx(1.0, abs=0.1), result


def test_precision_and_recall_of_two_draws_of_one_gaussian():
    real, fake = _features(2, 2000, 2000, 2, shift=0.0, scale=1.0)
    low_dimension = precision_recall(real, fake, k=5)
    assert low_dimension["precision"] > 0.95 and low_dimension["recall"] > 0.95, low_dimension
    # In 64 dimensions the k-NN balls underestimate the manifolds (the weakness Naeem et al. point out): the
    # figures stay well below 1, and grow with k, as the balls do.
    real, fake = _features(3, 2000, 2000, 64, shift=0.0, scale=1.0)
    by_k = [precision_recall(real, fake, k=k) for k in (1, 3, 5, 10)]
    for name in ("precision", "recall"):
        values = [r[name] for r in by_k]
        assert all(a < b for a, b in zip(values, values[1:])) and values[1] < 0.8, (name, values)


def test_disjoint_sets_score_zero():
    real, fake = _features(4, 500, 500, 64, shift=100.0, scale=1.0)
    assert _ours(real, fake, 5, block_size=128) == {"precision": 0.0, "recall": 0.0, "density": 0.0,
                                                    "coverage": 0.0}


def test_a_fake_set_collapsed_onto_five_real_samples_is_precise_but_neither_diverse_nor_covering():
    real, _ = _features(5, 2000, 1, 64)
    fake = np.repeat(real[:5], 400, axis=0)
    k = 5
    pr, dc = precision_recall(real, fake, k=k), density_coverage(real, fake, k=k)
    assert pr == {"precision": 1.0, "recall": 0.0}  # fake radii are 0 (400 copies): no real sample strictly inside
    # Coverage: the real balls holding one of the five samples, by definition.
    others = scipy.spatial.distance.cdist(real, real)
    np.fill_diagonal(others, np.inf)
    radii = np.sort(others, axis=1)[:, k - 1]
    holds = (scipy.spatial.distance.cdist(real, real[:5]) < radii[:, None]).any(axis=1)
    assert dc["coverage"] == holds.mean() and dc["coverage"] < 0.02, dc


# ------------------------------------------------------------------ blocks: exact and bounded

def test_blocked_results_equal_the_unblocked_exactly():
    real, fake = _features(6, 1000, 800, 32)
    whole = _ours(real, fake, 4, block_size=10**6)
    for block_size in (100, 333, 799, 999, 1000):
        assert _ours(real, fake, 4, block_size=block_size) == whole, block_size
    small_real, small_fake = real[:60], fake[:50]
    whole = _ours(small_real, small_fake, 3, block_size=10**6)
    for block_size in (1, 2, 7):  # blocks smaller than k + 1: the running k + 1 smallest span several blocks
        assert _ours(small_real, small_fake, 3, block_size=block_size) == whole, block_size
    # The radii themselves agree to the last bit or two: BLAS may round one dot product differently in
    # products of different shapes, which moves a figure only for a distance equal to a radius to 15 digits.
    for features, block_sizes in ((real, (100, 333)), (small_real, (1, 2, 7))):
        whole = prdc_module._squared_radii(features, 3, 10**6)
        for block_size in block_sizes:
            np.testing.assert_allclose(prdc_module._squared_radii(features, 3, block_size), whole, rtol=1e-14)


def test_ten_thousand_against_ten_thousand_never_hold_the_distance_matrix():
    real, fake = _features(7, 10_000, 10_000, 64, shift=0.0, scale=1.0)
    matrix = 10_000 * 10_000 * 8  # 800 MB of float64 distances
    tracemalloc.start()
    try:
        pr = precision_recall(real, fake, k=3)
        dc = density_coverage(real, fake, k=5)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < matrix / 8, f"peak {peak / 1e6:.0f} MB"  # measured: about 31 MB with blocks of 1024
    assert dc["density"] == pytest.approx(1.0, abs=0.1) and dc["coverage"] == pytest.approx(
        _expected_coverage(10_000, 10_000, 5), abs=0.01)
    assert 0.0 < pr["precision"] < 1.0 and 0.0 < pr["recall"] < 1.0


# ------------------------------------------------------------------ input errors: the argument and the value

REAL = np.random.default_rng(0).normal(size=(20, 4))

INPUT_MISTAKES = [
    ("real features of 3 dimensions", dict(real_features=np.zeros((20, 2, 2))), ValueError,
     ["`real_features` must be a 2-D array", r"real_features.shape=\(20, 2, 2\)", "flatten"]),
    ("fake features of 1 dimension", dict(fake_features=np.zeros(20)), ValueError,
     ["`fake_features` must be a 2-D array", r"fake_features.shape=\(20,\)"]),
    ("real features of strings", dict(real_features=[["a", "b"], ["c", "d"]]), TypeError,
     ["`real_features` must be a 2-D array of numbers", r"Received: real_features=\[\['a'"]),
    ("features without features", dict(real_features=np.zeros((20, 0))), ValueError,
     ["at least one feature", r"real_features.shape=\(20, 0\)"]),
    ("widths that differ", dict(fake_features=np.zeros((20, 3))), ValueError,
     [r"as many features per sample as `real_features` \(4\)", r"fake_features.shape=\(20, 3\)", "same extractor"]),
    ("NaN in the real features", dict(real_features=np.where(np.arange(20)[:, None] == 3, np.nan, REAL)), ValueError,
     ["`real_features` must hold finite numbers", r"rows \[3\]", "1 non-finite row"]),
    ("Inf in the fake features", dict(fake_features=np.where(np.arange(20)[:, None] == 7, np.inf, REAL)), ValueError,
     ["`fake_features` must hold finite numbers", r"rows \[7\]"]),
    ("k of 0", dict(k=0), ValueError, [r"`k` must be an int >= 1", "Received: k=0"]),
    ("k of 2.5", dict(k=2.5), TypeError, [r"`k` must be an int >= 1", r"Received: k=2.5 \(the float 2.5\)"]),
    ("k of True", dict(k=True), TypeError, ["`k` must be an int", "Received: k=True"]),
    ("k as large as the real set", dict(k=20), ValueError,
     [r"smaller than the number of samples in `real_features` \(20\)", "one of the 19 others", "Received: k=20"]),
    ("block_size of 0", dict(block_size=0), ValueError, ["`block_size` must be an int >= 1", "Received: block_size=0"]),
    ("block_size of 64.0", dict(block_size=64.0), TypeError, ["`block_size`", "Received: block_size=64.0"]),
]


@pytest.mark.parametrize("function", [precision_recall, density_coverage])
@pytest.mark.parametrize("case", INPUT_MISTAKES, ids=[c[0] for c in INPUT_MISTAKES])
def test_an_input_mistake_names_the_argument_and_the_value_received(function, case):
    _, overrides, error, patterns = case
    arguments = {"real_features": REAL, "fake_features": REAL + 0.5, "k": 3, "block_size": 8, **overrides}
    with pytest.raises(error) as info:
        function(**arguments)
    for pattern in patterns:
        assert re.search(pattern, str(info.value)), (pattern, str(info.value))


def test_recall_refuses_a_k_as_large_as_the_fake_set_and_density_coverage_does_not_need_fake_balls():
    fake = REAL[:5] + 0.5
    with pytest.raises(ValueError, match=r"number of samples in `fake_features` \(5\).*Received: k=5"):
        precision_recall(REAL, fake, k=5)
    assert set(density_coverage(REAL, fake, k=5)) == {"density", "coverage"}  # only real balls
    with pytest.raises(ValueError, match=r"at least one sample. Received: fake_features.shape=\(0, 4\)"):
        density_coverage(REAL, np.zeros((0, 4)), k=3)


# ------------------------------------------------------------------ the streaming metrics

def _net(width=6, seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(),
                             keras.layers.Dense(width, activation="tanh")])


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(0).uniform(-1, 1, (900, 4, 4, 1)).astype("float32")


@pytest.mark.parametrize("metric_class, function, keys", [
    (PrecisionRecall, precision_recall, ("precision", "recall")),
    (DensityCoverage, density_coverage, ("density", "coverage")),
])
def test_streamed_figures_equal_the_function_on_all_the_features(metric_class, function, keys, images, monkeypatch):
    net = _net()
    metric = metric_class(net, k=4, block_size=64, name="first", **{f"{keys[1]}_name": "second"})
    real, generated = images[:500], 0.7 * images[500:900]
    metric.update_state(real[:120], generated[:250])
    metric.result()  # a result in between: its radii are stale once more samples come
    for start, stop in ((120, 130), (130, 500)):  # uneven batches
        metric.update_state(real_images=real[start:stop])
    metric.update_state(generated_images=generated[250:400])
    real_features = net.predict(real, verbose=0).astype("float64")
    expected = function(real_features, net.predict(generated, verbose=0).astype("float64"), k=4, block_size=64)
    assert metric.result() == {"first": expected[keys[0]], "second": expected[keys[1]]}

    # A new generated side: the real radii are kept, only the generated side's are computed.
    expected = function(real_features, real_features[:300] + 0.05, k=4, block_size=64)
    calls = []
    original = prdc_module._squared_radii
    monkeypatch.setattr(prdc_module, "_squared_radii", lambda x, k, b: calls.append(len(x)) or original(x, k, b))
    metric.reset_generated_state()
    metric.update_features(generated=real_features[:300] + 0.05)
    assert metric.result() == {"first": expected[keys[0]], "second": expected[keys[1]]}
    assert calls == ([300] if metric_class is PrecisionRecall else [])

    metric.reset_state()
    with pytest.raises(ValueError, match=r"0 real and 0 generated samples; with k=4 it needs at least 5 real"):
        metric.result()


def test_too_few_samples_for_k_are_named_with_the_fix(images):
    metric = PrecisionRecall(_net(), k=3)
    metric.update_state(images[:3], images[3:10])
    with pytest.raises(ValueError, match=r"3 real and 7 generated samples; with k=3 it needs at least 4 real and 4 "
                                         r"generated.*smaller k"):
        metric.result()
    metric = DensityCoverage(_net(), k=3)
    metric.update_state(images[:10], images[10:11])  # one generated sample is enough: only real balls
    assert set(metric.result()) == {"density", "coverage"}


@pytest.mark.parametrize("make, message", [
    (lambda: PrecisionRecall(_net(), k=0), r"`k` must be an int >= 1.*Received: k=0"),
    (lambda: DensityCoverage(_net(), block_size=-1), r"`block_size` must be an int >= 1.*Received: block_size=-1"),
    (lambda: PrecisionRecall(_net(), recall_name=""), r"`recall_name` must be a non-empty string.*recall_name=''"),
    (lambda: DensityCoverage(_net(), coverage_name="density"), r"`coverage_name` must differ from `name`"),
    (lambda: DensityCoverage(_net(), coverage_name=3), r"`coverage_name` must be a string.*coverage_name=3"),
])
def test_constructor_mistakes_name_the_argument(make, message):
    with pytest.raises((TypeError, ValueError), match=message):
        make()


def test_config_round_trip(images):
    flatten = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten()])  # no weights to lose
    pr = PrecisionRecall(flatten, k=4, block_size=50, batch_size=32, name="p", recall_name="r")
    clone = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(pr))
    assert (type(clone), clone.k, clone.block_size, clone.batch_size, clone.name, clone.recall_name) == (
        PrecisionRecall, 4, 50, 32, "p", "r")
    for metric in (pr, clone):
        metric.update_state(images[:200], 0.5 * images[200:400])
    assert clone.result() == pr.result()

    dc = DensityCoverage(k=7, weights=None, value_range=(0, 1), coverage_name="cov")
    clone = DensityCoverage.from_config(dc.get_config())
    assert (clone.k, clone.weights, clone.value_range, clone.name, clone.coverage_name) == (
        7, None, (0.0, 1.0), "density", "cov")
    for metric in (DigitPrecisionRecall(k=2), DigitDensityCoverage(block_size=100)):
        clone = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(metric))
        assert type(clone) is type(metric) and clone.get_config() == metric.get_config()
        assert "network" not in metric.get_config()  # the shipped classifier is rebuilt, not serialized


def test_the_metrics_are_known_by_name():
    get = keras_gan.metrics.get_metric
    assert isinstance(get("precision_recall"), PrecisionRecall) and get("precision-recall").name == "precision"
    assert isinstance(get("density_coverage"), DensityCoverage)
    assert (get("digit_precision_recall").recall_name, get("digit_density_coverage").coverage_name) == (
        "digit_recall", "digit_coverage")


def _tiny_gan(seed=0):
    keras.utils.set_random_seed(seed)
    generator = keras.Sequential([keras.Input((3,)), keras.layers.Dense(16, activation="tanh"),
                                  keras.layers.Reshape((4, 4, 1))])
    discriminator = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    gan = keras_gan.models.GAN(generator, discriminator, latent_dim=3, seed=seed)
    gan.compile()
    return gan


def test_evaluate_logs_the_four_figures_where_keras_callbacks_read_them(images):
    gan = _tiny_gan()
    flatten = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten()])
    evaluate = Evaluate(images, metrics=[PrecisionRecall(flatten, k=3), DensityCoverage(flatten, k=5)],
                        num_samples=200)
    stopping = keras.callbacks.EarlyStopping(monitor="coverage", mode="max", patience=5)  # reads the logs
    history = gan.fit(images[:256], batch_size=64, epochs=2, verbose=0, callbacks=[stopping, evaluate])
    for name in ("precision", "recall", "density", "coverage"):
        assert len(history.history[name]) == 2 and all(np.isfinite(history.history[name])), name
    assert stopping.best == max(history.history["coverage"])
    # The logged values are the functions of the real and generated features (here the flattened images).
    real = images[:200].reshape(200, -1).astype("float64")
    generated = np.asarray(gan.generate(200, seed=0)).reshape(200, -1).astype("float64")
    expected = {**precision_recall(real, generated, k=3), **density_coverage(real, generated, k=5)}
    assert {name: history.history[name][-1] for name in expected} == pytest.approx(expected, abs=1e-12)
    assert evaluate.evaluate() == pytest.approx(expected, abs=1e-12)


def test_evaluate_with_the_digit_versions_by_name():
    digits = keras_gan.datasets.load_digits()[0][:256]
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([keras.Input((8,)), keras.layers.Dense(784, activation="tanh"),
                                  keras.layers.Reshape((28, 28, 1))])
    discriminator = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    gan = keras_gan.models.GAN(generator, discriminator, latent_dim=8, seed=0)
    gan.compile()
    evaluate = Evaluate(digits, metrics=["digit_precision_recall", "digit_density_coverage"], num_samples=128)
    history = gan.fit(digits, batch_size=64, epochs=1, verbose=0, callbacks=[evaluate])
    logged = {name: values[-1] for name, values in history.history.items() if name.startswith("digit_")}
    assert set(logged) == {"digit_precision", "digit_recall", "digit_density", "digit_coverage"}
    direct = DigitPrecisionRecall()
    direct.update_state(digits[:128], gan.generate(128, seed=0))
    assert direct.result() == pytest.approx({k: logged[k] for k in ("digit_precision", "digit_recall")}, abs=1e-12)
    with pytest.raises(ValueError, match=r"expects \(28, 28, 1\)"):  # checked before the classifier runs
        DigitDensityCoverage().update_state(np.zeros((8, 32, 32, 1)), np.zeros((8, 32, 32, 1)))
