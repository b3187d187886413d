import numpy as np

from keras_gan import losses

REAL = np.array([0.9, 0.2, 1.4], dtype="float32")
FAKE = np.array([0.1, -0.3, 0.8], dtype="float32")


def test_least_squares_matches_the_cs231n_formulas():
    d_expected = 0.5 * np.mean((REAL - 1) ** 2) + 0.5 * np.mean(FAKE**2)
    g_expected = 0.5 * np.mean((FAKE - 1) ** 2)
    loss = losses.LeastSquaresLoss()
    np.testing.assert_allclose(float(loss.discriminator_loss(REAL, FAKE)), d_expected, rtol=1e-6)
    np.testing.assert_allclose(float(loss.generator_loss(FAKE)), g_expected, rtol=1e-6)
    np.testing.assert_allclose(
        float(losses.least_squares_discriminator_loss(REAL, FAKE)), d_expected, rtol=1e-6
    )


def test_least_squares_smoothing_and_extremes():
    loss = losses.LeastSquaresLoss(label_smoothing=0.1)
    expected = 0.5 * np.mean((REAL - 0.9) ** 2) + 0.5 * np.mean(FAKE**2)
    np.testing.assert_allclose(float(loss.discriminator_loss(REAL, FAKE)), expected, rtol=1e-6)
    big = np.array([50.0, -50.0], dtype="float32")
    assert np.isfinite(float(loss.discriminator_loss(big, big)))
    assert np.isfinite(float(loss.generator_loss(big)))


def test_least_squares_discriminator_loss_function_smooths_the_real_target():
    real, fake = np.array([1.0, 0.5], "float32"), np.array([0.2, -0.4], "float32")
    # Real target 1 - 0.2 = 0.8: 1/2 mean((0.2)^2, (-0.3)^2) + 1/2 mean(0.04, 0.16).
    expected = 0.5 * np.mean([0.04, 0.09]) + 0.5 * np.mean([0.04, 0.16])
    value = float(losses.least_squares_discriminator_loss(real, fake, label_smoothing=0.2))
    np.testing.assert_allclose(value, expected, rtol=1e-5)
