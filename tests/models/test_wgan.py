"""WGAN, WGAN-GP and LSGAN: the papers' defaults, the k critic steps, save and load."""

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan.tricks import GradientPenalty, WeightClipping
from tests import harness
from tests.conftest import LATENT_DIM, tiny_discriminator, tiny_generator


def nets(seed=0):
    keras.utils.set_random_seed(seed)
    return tiny_generator(), tiny_discriminator()


def test_wgan_defaults_follow_the_paper():
    gan = keras_gan.models.WGAN(*nets(), LATENT_DIM)
    gan.compile()
    assert isinstance(gan.d_optimizer, keras.optimizers.RMSprop)
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(5e-5)
    assert int(gan.discriminator_steps) == 5
    assert gan.loss_fn.name == "wasserstein"
    (clip,) = [t for t in gan.tricks if isinstance(t, WeightClipping)]
    assert clip.clip_value == 0.01
    assert [m.name for m in gan.metrics] == ["d_loss", "g_loss", "critic_gap"]


@pytest.mark.parametrize("model", [keras_gan.models.WGAN, keras_gan.models.WGANGP])
def test_five_critic_updates_per_generator_update_on_fresh_batches(model, tiny_data):
    gan = model(*nets(), LATENT_DIM, seed=0)
    gan.compile()
    gan.fit(tiny_data[:60], batch_size=6, verbose=0)  # 10 batches
    assert int(gan.d_optimizer.iterations) == 10
    assert int(gan.g_optimizer.iterations) == 2


def test_wgan_clips_the_critic(tiny_data):
    gan = keras_gan.models.WGAN(*nets(), LATENT_DIM, clip_value=0.02, seed=0)
    gan.compile(d_optimizer=keras.optimizers.RMSprop(0.1))
    gan.fit(tiny_data, batch_size=16, verbose=0)
    assert max(np.abs(w).max() for w in gan.discriminator.get_weights()) <= 0.02 + 1e-7


def test_wgan_gp_logs_the_estimate_and_the_penalty(tiny_data):
    gan = keras_gan.models.WGANGP(*nets(), LATENT_DIM, seed=0)
    gan.compile()
    assert isinstance(gan.g_optimizer, keras.optimizers.Adam) and gan.g_optimizer.beta_1 == 0.0
    history = gan.fit(tiny_data, batch_size=8, epochs=2, verbose=0).history
    assert set(history) == {"d_loss", "g_loss", "critic_gap", "gradient_penalty"}
    assert all(np.isfinite(v).all() for v in history.values())
    (gp,) = gan.tricks
    assert isinstance(gp, GradientPenalty) and gp.weight == 10.0


@pytest.mark.parametrize("model", [keras_gan.models.WGAN, keras_gan.models.WGANGP, keras_gan.models.LSGAN])
def test_trains_as_scheduled_and_resumes_exactly(model, tiny_data):
    def make():
        gan = model(*nets(), LATENT_DIM, seed=0)
        gan.compile()
        return gan, (tiny_data,), {"batch_size": 8}

    full, resumed = harness.assert_trains_and_resumes(make, model.__name__)
    assert type(resumed) is model and len(resumed.tricks) == len(full.tricks)


def test_lsgan_is_the_least_squares_objective(tiny_data):
    lsgan = keras_gan.models.LSGAN(*nets(), LATENT_DIM, seed=0)
    lsgan.compile()
    plain = keras_gan.models.GAN(*nets(), LATENT_DIM, seed=0)
    plain.compile(loss="least_squares")
    a = lsgan.fit(tiny_data, batch_size=16, verbose=0, shuffle=False).history
    b = plain.fit(tiny_data, batch_size=16, verbose=0, shuffle=False).history
    np.testing.assert_allclose(a["d_loss"], b["d_loss"], rtol=1e-6)
