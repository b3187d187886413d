import numpy as np

from keras_gan import losses

REAL = np.array([1.5, 0.5, -2.0], dtype="float32")
FAKE = np.array([-1.5, 0.25, 3.0], dtype="float32")


def test_hinge_matches_definition():
    loss = losses.HingeLoss()
    expected = np.mean(np.maximum(0, 1 - REAL)) + np.mean(np.maximum(0, 1 + FAKE))
    np.testing.assert_allclose(float(loss.discriminator_loss(REAL, FAKE)), expected, rtol=1e-6)
    np.testing.assert_allclose(float(loss.generator_loss(FAKE)), -FAKE.mean(), rtol=1e-6)
    np.testing.assert_allclose(float(losses.hinge_discriminator_loss(REAL, FAKE)), expected, rtol=1e-6)
