import numpy as np

from keras_gan import losses

REAL = np.array([1.5, 0.5, 2.0], dtype="float32")
FAKE = np.array([-1.0, 0.25, 0.0], dtype="float32")


def test_wasserstein_critic_and_generator():
    loss = losses.WassersteinLoss()
    np.testing.assert_allclose(
        float(loss.discriminator_loss(REAL, FAKE)), FAKE.mean() - REAL.mean(), rtol=1e-6
    )
    np.testing.assert_allclose(float(loss.generator_loss(FAKE)), -FAKE.mean(), rtol=1e-6)
    assert not loss.probabilistic


def test_wasserstein_per_sample_keras_loss_signs():
    loss = losses.WassersteinLoss(reduction=None)
    out = loss(np.array([1.0, 0.0]), np.array([2.0, 2.0]))
    np.testing.assert_allclose(np.asarray(out), [-2.0, 2.0])
