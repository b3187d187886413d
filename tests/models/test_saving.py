"""Everything survives model.save / keras.models.load_model, and training resumes exactly."""

import keras
import numpy as np
import pytest

import keras_gan
from tests import harness


@pytest.fixture
def trained(make_gan, tiny_data, tmp_path):
    gan = make_gan(discriminator_steps=2)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        g_optimizer=keras.optimizers.RMSprop(5e-4),
        loss=keras_gan.losses.LeastSquaresLoss(label_smoothing=0.1),
    )
    gan.fit(tiny_data, batch_size=16, epochs=2, shuffle=False, verbose=0)
    path = tmp_path / "gan.keras"
    gan.save(path)
    return gan, keras.models.load_model(path)


def test_networks_optimizers_and_loss_are_restored(trained):
    gan, loaded = trained
    assert isinstance(loaded, keras_gan.models.GAN)
    assert isinstance(loaded.loss_fn, keras_gan.losses.LeastSquaresLoss)
    assert loaded.loss_fn.label_smoothing == pytest.approx(0.1)
    assert isinstance(loaded.d_optimizer, keras.optimizers.Adam)
    assert isinstance(loaded.g_optimizer, keras.optimizers.RMSprop)
    assert int(loaded.discriminator_steps) == 2
    for a, b in zip(gan.weights, loaded.weights):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    for original, restored in ((gan.d_optimizer, loaded.d_optimizer), (gan.g_optimizer, loaded.g_optimizer)):
        assert len(original.variables) == len(restored.variables) > 1
        for a, b in zip(original.variables, restored.variables):
            np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_generate_gives_identical_samples(trained):
    gan, loaded = trained
    z = np.random.default_rng(1).normal(size=(6, gan.latent_dim)).astype("float32")
    np.testing.assert_array_equal(gan.generate(z), loaded.generate(z))


def test_training_resumes_exactly(make_gan, tiny_data):
    """The harness on a GAN with its own optimizers and a configured loss: resuming equals never stopping."""

    def make():
        gan = make_gan(discriminator_steps=2)
        gan.compile(d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5), g_optimizer=keras.optimizers.RMSprop(5e-4),
                    loss=keras_gan.losses.LeastSquaresLoss(label_smoothing=0.1))
        return gan, (tiny_data,), {"batch_size": 16}

    _, resumed = harness.assert_trains_and_resumes(make, "GAN", epochs=3, k=3)
    assert int(resumed.discriminator_steps) == 3 and isinstance(resumed.g_optimizer, keras.optimizers.RMSprop)


def test_dcgan_saves_and_loads_in_safe_mode(tmp_path):
    gan = keras_gan.models.DCGAN(image_shape=(8, 8, 1), latent_dim=4, width=4, seed=0)
    gan.compile(loss="hinge")
    gan.save(tmp_path / "dcgan.keras")
    loaded = keras.models.load_model(tmp_path / "dcgan.keras", safe_mode=True)
    assert type(loaded) is keras_gan.models.DCGAN and loaded.image_shape == (8, 8, 1)
    z = np.ones((2, 4), "float32")
    np.testing.assert_array_equal(gan.generate(z), loaded.generate(z))
