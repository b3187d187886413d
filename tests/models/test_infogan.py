"""InfoGAN: code layout, the Q head, the mutual-information term in both players' costs."""

import math

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan.errors import GANConfigurationError
from tests import harness

SHAPE = (4, 4, 1)


def info_networks(latent_dim, q_units):
    generator = keras.Sequential([
        keras.Input((latent_dim,)), keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(16, activation="tanh"), keras.layers.Reshape(SHAPE),
    ])
    x = keras.Input(SHAPE)
    body = keras.layers.Dense(8, activation="relu")(keras.layers.Flatten()(x))
    discriminator = keras.Model(x, [keras.layers.Dense(1)(body), keras.layers.Dense(q_units)(body)])
    return generator, discriminator


def make_infogan(seed=0, categorical=(3,), continuous=1, learn_std=False, q_units=None, **kwargs):
    keras.utils.set_random_seed(seed)
    loss = keras_gan.losses.MutualInformationLoss(categorical, continuous, learn_std)
    generator, discriminator = info_networks(2 + loss.code_width, q_units or loss.q_width)
    return keras_gan.models.InfoGAN(generator, discriminator, noise_dim=2, categorical=categorical,
                                    continuous=continuous, learn_std=learn_std, seed=seed, **kwargs)


@pytest.fixture(scope="module")
def data():
    return np.random.default_rng(0).uniform(-1, 1, (48,) + SHAPE).astype("float32")


def test_latent_layout_noise_then_one_hot_then_continuous():
    gan = make_infogan(categorical=(3, 2), continuous=2)
    assert gan.latent_dim == 2 + 3 + 2 + 2
    z = keras.ops.convert_to_numpy(gan.sample_latent_vectors(4000))
    for start, k in ((2, 3), (5, 2)):
        block = z[:, start : start + k]
        assert set(np.unique(block)) == {0.0, 1.0} and np.all(block.sum(1) == 1)
        shares = block.mean(0)
        np.testing.assert_allclose(shares, 1 / k, atol=0.03)
    continuous = z[:, 7:]
    assert continuous.min() >= -1 and continuous.max() <= 1 and abs(continuous.mean()) < 0.05


def test_chosen_codes_are_placed_where_the_generator_reads_them():
    gan = make_infogan(categorical=(3,), continuous=1)
    z = gan.latent_vectors(3, categorical=[2, 0, 1], continuous=0.25, seed=1)
    np.testing.assert_array_equal(z[:, 2:5], np.eye(3)[[2, 0, 1]])
    np.testing.assert_array_equal(z[:, 5], 0.25)
    with pytest.raises(ValueError, match=r"values in \[0, 3\)"):
        gan.latent_vectors(1, categorical=[3])


def test_traversal_grid_has_one_row_per_category_and_sweeps_the_code():
    gan = make_infogan(categorical=(3,), continuous=1)
    z, rows = gan.traversal_inputs(steps=5)
    assert rows == 3 and z.shape == (15, gan.latent_dim)
    np.testing.assert_array_equal(z[:, 2:5].argmax(1), np.repeat([0, 1, 2], 5))
    np.testing.assert_allclose(z[:5, 5], np.linspace(-1, 1, 5))
    np.testing.assert_array_equal(z[:, :2], np.repeat(z[:1, :2], 15, axis=0))  # same noise everywhere


def test_both_players_minimize_the_information_term(data):
    """Each player's cost is its GAN cost plus info_weight times the MI term, whose gradient reaches G and Q."""
    gan = make_infogan()
    gan.compile()
    step = gan.prepare_step(keras.ops.convert_to_tensor(data[:8]), training=False)
    step.z = gan.sample_latent(step)
    step.fake = gan.generate_batch(step, training=False)
    costs = {}
    for weight in (0.0, 2.5):
        gan.info_weight = weight
        d_loss, _ = gan.compute_discriminator_loss(step.replace())
        g_loss, g_logs = gan.compute_generator_loss(step.replace())
        costs[weight] = (float(d_loss), float(g_loss), float(g_logs["info_loss"]))
    info = costs[2.5][2]
    assert info > 0.1 and costs[0.0][2] == pytest.approx(info, rel=1e-6)
    assert costs[2.5][0] - costs[0.0][0] == pytest.approx(2.5 * info, rel=1e-4)  # the discriminator's (and Q's)
    assert costs[2.5][1] - costs[0.0][1] == pytest.approx(2.5 * info, rel=1e-4)  # the generator's
    import tensorflow as tf

    with tf.GradientTape(persistent=True) as tape:
        step.fake = gan.generate_batch(step, training=True)
        gan.discriminate(step.fake, step, training=True, role="fake")
        _, info = gan._info_term(step)
    q_head = gan.discriminator.layers[-1].kernel
    assert float(tf.norm(tape.gradient(info, q_head))) > 0
    assert float(tf.norm(tape.gradient(info, gan.generator.trainable_variables[0]))) > 0


def test_logged_metrics_and_bound(data):
    gan = make_infogan()
    gan.compile()
    history = gan.fit(data, batch_size=16, epochs=2, verbose=0).history
    assert {"info_loss", "categorical_mi", "d_loss", "g_loss"} <= set(history)
    assert all(mi <= math.log(3) + 1e-6 for mi in history["categorical_mi"])


def test_q_head_of_the_wrong_width_is_explained():
    gan = make_infogan(categorical=(3,), continuous=1, learn_std=True, q_units=4)
    with pytest.raises(GANConfigurationError, match="Q head returns 4 values per sample.*need 5"):
        gan.compile()


def test_single_output_discriminator_is_explained():
    generator, _ = info_networks(6, 4)
    discriminator = keras.Sequential([keras.Input(SHAPE), keras.layers.Flatten(), keras.layers.Dense(1)])
    gan = keras_gan.models.InfoGAN(generator, discriminator, noise_dim=2, categorical=(3,), continuous=1)
    with pytest.raises(GANConfigurationError, match=r"two outputs, `\[logit, q\]`"):
        gan.compile()


def test_trains_as_scheduled_and_resumes_exactly(data):
    def make():
        gan = make_infogan()
        gan.compile()
        return gan, (data,), {"batch_size": 16}

    _, resumed = harness.assert_trains_and_resumes(make, "InfoGAN")
    assert (resumed.noise_dim, resumed.categorical, resumed.continuous) == (2, (3,), 1)


def test_seed_networks_have_the_seed_layer_sizes():
    g = keras_gan.networks.infogan_mnist_generator(74)
    d = keras_gan.networks.infogan_mnist_discriminator(12)
    dense = [layer.units for layer in g.layers if isinstance(layer, keras.layers.Dense)]
    assert dense == [1024, 7 * 7 * 128]
    d_dense = [layer.units for layer in d.layers if isinstance(layer, keras.layers.Dense)]
    assert sorted(d_dense) == [1, 12, 128, 1024]
