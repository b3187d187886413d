"""Bad input gets a clear error that says what is wrong and how to fix it."""

import keras
import numpy as np
import pytest

import keras_gan
from tests.conftest import LATENT_DIM, SAMPLE_SHAPE, tiny_discriminator, tiny_generator


def test_discriminator_with_more_than_one_output_per_sample():
    d = keras.Sequential([keras.Input(SAMPLE_SHAPE), keras.layers.Flatten(), keras.layers.Dense(2)])
    gan = keras_gan.models.GAN(tiny_generator(), d, latent_dim=LATENT_DIM)
    with pytest.raises(ValueError, match=r"one logit per sample.*\(2, 2\).*Dense\(1\)"):
        gan.compile()


def test_discriminator_with_spatial_output():
    d = keras.Sequential([keras.Input(SAMPLE_SHAPE), keras.layers.Conv2D(1, 3, padding="same")])
    gan = keras_gan.models.GAN(tiny_generator(), d, latent_dim=LATENT_DIM)
    with pytest.raises(ValueError, match="one logit per sample"):
        gan.compile()


def test_generator_output_shape_differs_from_the_data(make_gan):
    gan = make_gan()
    gan.compile()
    data = np.zeros((16, 8, 8, 1), "float32")
    with pytest.raises(ValueError, match=r"generator's output shape \(4, 4, 1\).*\(8, 8, 1\)"):
        gan.fit(data, batch_size=8, verbose=0)


def test_generator_input_size_differs_from_latent_dim():
    gan = keras_gan.models.GAN(tiny_generator(latent_dim=5), tiny_discriminator(), latent_dim=3)
    with pytest.raises(ValueError, match="latent_dim=3.*input size equal `latent_dim`"):
        gan.compile()


def test_discriminator_input_differs_from_generator_output():
    gan = keras_gan.models.GAN(
        tiny_generator(), tiny_discriminator(sample_shape=(8, 8, 1)), latent_dim=LATENT_DIM
    )
    with pytest.raises(ValueError, match="discriminator cannot take the generator's output"):
        gan.compile()


def test_fit_before_compile(make_gan, tiny_data):
    with pytest.raises(ValueError, match=r"Call `compile\(\)` before `fit\(\)`"):
        make_gan().fit(tiny_data, verbose=0)


def test_unknown_loss_name(make_gan):
    with pytest.raises(ValueError, match="Unknown GAN loss 'least_square'"):
        make_gan().compile(loss="least_square")


@pytest.mark.parametrize("latent_dim", [2.5, "100", True, None])
def test_latent_dim_of_the_wrong_type(latent_dim):
    with pytest.raises(TypeError, match="`latent_dim` must be a positive int"):
        keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), latent_dim=latent_dim)


def test_non_positive_latent_dim():
    with pytest.raises(ValueError, match="positive int"):
        keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), latent_dim=0)


def test_shared_optimizer_instance(make_gan):
    adam = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="each player needs its own optimizer"):
        make_gan().compile(d_optimizer=adam, g_optimizer=adam)


@pytest.mark.parametrize("n", [0, -3])
def test_generate_zero_or_negative(make_gan, n):
    with pytest.raises(ValueError, match="positive number of samples"):
        make_gan().generate(n)


def test_generate_from_latents_of_the_wrong_width(make_gan):
    with pytest.raises(ValueError, match=r"shape \(n, latent_dim=3\)"):
        make_gan().generate(np.zeros((2, 7)))


def test_not_a_network():
    with pytest.raises(TypeError, match="`generator` must be a Keras model"):
        keras_gan.models.GAN(lambda z: z, tiny_discriminator(), latent_dim=3)


def test_bad_latent_distribution_and_steps():
    with pytest.raises(ValueError, match="latent_distribution"):
        keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), 3, latent_distribution="cauchy")
    with pytest.raises(ValueError, match="discriminator_steps"):
        keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), 3, discriminator_steps=0)
