"""Frechet and kernel distances against their definitions."""

import numpy as np
import pytest
import scipy.linalg

from keras_gan.metrics import distances, frechet_distance, kernel_distance


def _reference_fid(a, b):
    mu_a, mu_b = a.mean(0), b.mean(0)
    s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root = np.real(scipy.linalg.sqrtm(s_a @ s_b))
    return np.sum((mu_a - mu_b) ** 2) + np.trace(s_a + s_b - 2 * root)


def test_frechet_distance_matches_scipy_sqrtm_on_random_features():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(300, 16)) @ rng.normal(size=(16, 16))
    b = rng.normal(loc=0.5, size=(200, 16)) @ rng.normal(size=(16, 16))
    assert frechet_distance(a, b) == pytest.approx(_reference_fid(a, b), rel=1e-9)


def test_the_cross_term_is_exact_when_there_are_fewer_samples_than_features():
    """6 samples of 256 features: singular covariances. FID(x, x) is 0 and Tr((S S)^(1/2)) = Tr(S) to rounding
    (the general matrix square root adds the roots of rounding noise: about 1e-4 here)."""
    x = np.random.default_rng(4).normal(size=(6, 256))
    cov = np.cov(x, rowvar=False)
    assert distances.trace_sqrt_product(cov, cov) == pytest.approx(np.trace(cov), rel=1e-12)
    assert abs(frechet_distance(x, x)) < 1e-9
    # A non-commuting full-rank pair against the general square root.
    a = np.cov(np.random.default_rng(5).normal(size=(40, 8)), rowvar=False)
    b = np.cov(np.random.default_rng(6).normal(size=(40, 8)) * np.arange(1, 9), rowvar=False)
    assert distances.trace_sqrt_product(a, b) == pytest.approx(np.trace(np.real(scipy.linalg.sqrtm(a @ b))),
                                                               rel=1e-10)


def test_frechet_distance_closed_form_for_known_gaussians():
    # Diagonal covariances commute: Tr(S_a + S_b - 2 sqrt(S_a S_b)) = sum (sqrt(s_a) - sqrt(s_b))^2.
    mean_a, mean_b = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
    var_a, var_b = np.array([1.0, 4.0, 9.0]), np.array([4.0, 1.0, 1.0])
    expected = np.sum((mean_a - mean_b) ** 2) + np.sum((np.sqrt(var_a) - np.sqrt(var_b)) ** 2)
    got = distances.frechet_distance_from_statistics(mean_a, np.diag(var_a), mean_b, np.diag(var_b))
    assert got == pytest.approx(expected, rel=1e-12)
    # A general (non-commuting) pair: for 1-D features FID = (m_a - m_b)^2 + (s_a - s_b)^2.
    assert distances.frechet_distance_from_statistics([2.0], [[9.0]], [0.0], [[1.0]]) == pytest.approx(8.0)


def test_frechet_distance_of_large_gaussian_samples_approaches_the_population_value():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(20000, 2)) * [1.0, 2.0]
    b = rng.normal(size=(20000, 2)) * [3.0, 2.0] + [1.0, 0.0]
    assert frechet_distance(a, b) == pytest.approx(1.0 + 4.0, rel=0.05)


def test_a_set_is_at_distance_zero_from_itself_and_noise_increases_the_distance_monotonically():
    import keras_gan

    x, _ = keras_gan.datasets.load_digits()
    features = x[:600].reshape(600, -1)[:, ::8].astype("float64")
    assert abs(frechet_distance(features, features)) < 1e-6
    rng = np.random.default_rng(0)
    noise = rng.normal(size=features.shape)
    values = [frechet_distance(features, features + s * noise) for s in (0.05, 0.1, 0.2, 0.4, 0.8)]
    assert all(b > a for a, b in zip(values, values[1:])), values


def test_kernel_distance_matches_its_defining_formula():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(40, 5)), rng.normal(loc=0.3, size=(30, 5))
    k = lambda x, y: (x @ y / 5 + 1) ** 3  # noqa: E731
    m, n = len(a), len(b)
    xx = sum(k(a[i], a[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    yy = sum(k(b[i], b[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    xy = sum(k(a[i], b[j]) for i in range(m) for j in range(n)) / (m * n)
    assert distances.mmd2_unbiased(a, b) == pytest.approx(xx + yy - 2 * xy, rel=1e-10)
    # With one subset holding every sample, KID is that estimator exactly (std 0).
    mean, std = kernel_distance(a, b, num_subsets=1, subset_size=30)
    a_sub = a[np.random.default_rng(0).choice(40, 30, replace=False)]
    assert std == 0.0 and mean == pytest.approx(distances.mmd2_unbiased(a_sub, b), rel=1e-12)


def test_kernel_distance_is_unbiased_near_zero_for_one_distribution_and_grows_with_a_shift():
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(1000, 8)), rng.normal(size=(1000, 8))
    mean, std = kernel_distance(a, b, num_subsets=20, subset_size=500)
    assert abs(mean) < 0.02 and std > 0
    shifted = [kernel_distance(a, b + s, num_subsets=5, subset_size=300)[0] for s in (0.1, 0.3, 1.0)]
    assert shifted[0] < shifted[1] < shifted[2]


@pytest.mark.parametrize(
    "a, b, message",
    [
        (np.zeros((10, 2, 2)), np.zeros((10, 4)), "2-D array"),
        (np.zeros((1, 4)), np.zeros((10, 4)), "at least 2 samples"),
        (np.zeros((10, 4)), np.zeros((10, 3)), "different widths"),
        (np.full((10, 4), np.nan), np.zeros((10, 4)), "NaN"),
    ],
)
def test_bad_features_are_named(a, b, message):
    for fn in (frechet_distance, kernel_distance):
        with pytest.raises(ValueError, match=message):
            fn(a, b)
