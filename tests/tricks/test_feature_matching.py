"""FeatureMatching (Salimans et al., 2016): ||E f(x) - E f(G(z))||^2 on an intermediate layer of the
discriminator, in the discriminator's mode of the step."""

import keras
import numpy as np

import keras_gan
from tests.conftest import LATENT_DIM, SAMPLE_SHAPE, TrainingMark, tiny_generator


def test_the_term_is_the_squared_distance_of_the_feature_means_in_the_step_s_mode():
    """f = the marked layer's output: doubled in a training step, as is in evaluation, so the term of a
    training step is 4 times the evaluation's, and each equals the closed form on the features."""
    keras.utils.set_random_seed(0)
    discriminator = keras.Sequential([keras.Input(SAMPLE_SHAPE), keras.layers.Flatten(), keras.layers.Dense(3),
                                      TrainingMark(), keras.layers.Dense(1)])
    trick = keras_gan.tricks.FeatureMatching(1.0, layer=-2)
    gan = keras_gan.models.GAN(tiny_generator(), discriminator, latent_dim=LATENT_DIM, seed=0, tricks=[trick])
    gan.compile()
    real = np.random.default_rng(0).uniform(-1, 1, (6,) + SAMPLE_SHAPE).astype("float32")
    dense = keras.Sequential(discriminator.layers[:2])
    terms = {}
    for training in (True, False):
        step = gan.prepare_step(real, training=training)
        step.z = gan.sample_latent_vectors(6, seed=1)
        step.fake = gan.generate_batch(step, training=training)
        factor = 2.0 if training else 1.0
        f_real = factor * keras.ops.convert_to_numpy(dense(real)).astype("float64")
        f_fake = factor * keras.ops.convert_to_numpy(dense(step.fake)).astype("float64")
        terms[training] = float(trick.generator_terms(gan, step)["feature_matching"])
        expected = np.mean((f_real.mean(axis=0) - f_fake.mean(axis=0)) ** 2)
        np.testing.assert_allclose(terms[training], expected, rtol=1e-5)
    np.testing.assert_allclose(terms[True], 4.0 * terms[False], rtol=1e-5)
