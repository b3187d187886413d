"""CycleGAN: the generators' cost against its definition, pools, errors, save and load."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan import networks
from keras_gan.errors import GANConfigurationError
from tests import harness

SHAPE = (8, 8, 1)


def tiny_translator():
    return keras.Sequential([keras.Input(SHAPE), keras.layers.Conv2D(4, 3, padding="same", activation="relu"),
                             keras.layers.Conv2D(1, 3, padding="same", activation="tanh")])


def tiny_patch_critic():
    return keras.Sequential([keras.Input(SHAPE), keras.layers.Conv2D(4, 3, strides=2, padding="same"),
                             keras.layers.LeakyReLU(0.2), keras.layers.Conv2D(1, 3, padding="same")])


def make_cyclegan(seed=0, paper_networks=False, **kwargs):
    """Tiny convolutional networks (fast to trace), or the package's scaled-down paper networks."""
    keras.utils.set_random_seed(seed)
    if paper_networks:
        nets = (networks.cyclegan_generator(SHAPE, width=4, residual_blocks=1),
                networks.cyclegan_generator(SHAPE, width=4, residual_blocks=1),
                networks.patchgan_discriminator(SHAPE, width=4), networks.patchgan_discriminator(SHAPE, width=4))
    else:
        nets = (tiny_translator(), tiny_translator(), tiny_patch_critic(), tiny_patch_critic())
    return keras_gan.models.CycleGAN(*nets, seed=seed, **kwargs)


@pytest.fixture(scope="module")
def domains():
    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (32,) + SHAPE).astype("float32")
    return a, -rng.permutation(a)


def test_generator_cost_is_adversarial_plus_weighted_cycle_and_identity(domains):
    gan = make_cyclegan(cycle_weight=3.0, identity_weight=2.0)
    gan.compile()
    a, b = (tf.constant(d[:4]) for d in domains)
    step = gan.prepare_step((a, b), training=False)
    step.fake = gan.generate_batch(step, training=False)
    total, parts = gan.compute_generator_loss(step)
    G, F, DA, DB = gan.generator_ab, gan.generator_ba, gan.discriminator_a, gan.discriminator_b

    def l1(x, y):
        return float(np.mean(np.abs(np.asarray(x) - np.asarray(y))))

    fake_b, fake_a = G(a), F(b)
    cycle = l1(F(fake_b), a) + l1(G(fake_a), b)
    identity = l1(F(a), a) + l1(G(b), b)
    adversarial = 0.5 * np.mean((np.asarray(DB(fake_b)) - 1) ** 2) + 0.5 * np.mean((np.asarray(DA(fake_a)) - 1) ** 2)
    np.testing.assert_allclose(float(parts["cycle_loss"]), cycle, rtol=1e-5)
    np.testing.assert_allclose(float(parts["identity_loss"]), identity, rtol=1e-5)
    np.testing.assert_allclose(float(total), adversarial + 3 * cycle + 2 * identity, rtol=1e-5)


def test_training_updates_all_four_networks_and_fills_the_pools(domains):
    gan = make_cyclegan(pool_size=10, paper_networks=True)
    gan.compile()
    before = [np.concatenate([np.ravel(w) for w in n.get_weights()]) for n in
              (gan.generator_ab, gan.generator_ba, gan.discriminator_a, gan.discriminator_b)]
    history = gan.fit(*domains, batch_size=8, verbose=0).history
    after = [np.concatenate([np.ravel(w) for w in n.get_weights()]) for n in
             (gan.generator_ab, gan.generator_ba, gan.discriminator_a, gan.discriminator_b)]
    assert all(not np.allclose(x, y) for x, y in zip(before, after))
    assert int(gan.pool_a.count) == int(gan.pool_b.count) == 10
    assert set(history) == {"g_loss", "d_loss", "cycle_loss", "identity_loss"}
    assert int(gan.g_optimizer.iterations) == int(gan.d_optimizer.iterations) == 4


def test_dataset_of_pairs_and_tuple_input_train(domains):
    """A dataset of `(a, b)` pairs and an `(a, b)` tuple both train all four networks as scheduled, and alike."""
    sources = {
        "dataset": lambda gan: gan.fit(tf.data.Dataset.zip(tuple(tf.data.Dataset.from_tensor_slices(d).batch(8)
                                                                  for d in domains)), verbose=0),
        "tuple": lambda gan: gan.fit(tuple(domains), batch_size=8, shuffle=False, verbose=0),
    }
    steps = len(domains[0]) // 8
    runs = {}
    for source, fit in sources.items():
        gan = make_cyclegan()
        gan.compile()
        networks = (gan.generator_ab, gan.generator_ba, gan.discriminator_a, gan.discriminator_b)
        start = [[np.array(w) for w in network.get_weights()] for network in networks]
        history = fit(gan).history
        assert (int(gan.d_optimizer.iterations), int(gan.g_optimizer.iterations)) == (steps, steps), source
        for before, network in zip(start, networks):
            assert all(not np.array_equal(a, b) for a, b in zip(before, network.get_weights())), (source, network.name)
        runs[source] = (history, gan.get_weights())
    reference, reference_weights = runs.pop("tuple")
    for source, (history, trained) in runs.items():
        for key in ("d_loss", "g_loss", "cycle_loss"):
            np.testing.assert_allclose(history[key], reference[key], rtol=1e-5, err_msg=f"{source}: {key}")
        for a, b in zip(trained, reference_weights):
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6, err_msg=source)


@pytest.mark.parametrize(
    "args, message",
    [
        (lambda a, b: (a, None), "trains on two domains"),
        (lambda a, b: (a, b[:10]), "as many A images as B images"),
        (lambda a, b: (a, np.zeros((32, 4, 4, 1), "float32")), r"Domain B's images have shape \(4, 4, 1\)"),
        (lambda a, b: (tf.data.Dataset.from_tensor_slices(a).batch(8), None), r"dataset of `\(a, b\)` pairs"),
    ],
)
def test_wrong_data_structure_is_explained_before_training(domains, args, message):
    gan = make_cyclegan()
    gan.compile()
    x, y = args(*domains)
    with pytest.raises(GANConfigurationError, match=message):
        gan.fit(x, y, batch_size=8, verbose=0)
    assert int(gan.g_optimizer.iterations) == 0


def test_generator_with_the_wrong_output_shape_is_explained():
    wrong = keras.Sequential([keras.Input(SHAPE), keras.layers.Conv2D(3, 1)])
    gan = keras_gan.models.CycleGAN(
        wrong, networks.cyclegan_generator(SHAPE, width=4),
        networks.patchgan_discriminator(SHAPE, width=4), networks.patchgan_discriminator(SHAPE, width=4),
    )
    with pytest.raises(GANConfigurationError, match=r"maps images of shape \(8, 8, 1\) to \(8, 8, 3\)"):
        gan.compile()


def test_fit_before_compile_is_explained(domains):
    with pytest.raises(ValueError, match="Call `compile\\(\\)` before `fit\\(\\)`"):
        make_cyclegan().fit(*domains)


def test_trains_as_scheduled_and_resumes_exactly(domains):
    """The harness: iterations under DiscriminatorSteps, save/load/continue equal to never stopping."""

    def make():
        gan = make_cyclegan()
        gan.compile()
        return gan, domains, {"batch_size": 8}

    full, resumed = harness.assert_trains_and_resumes(make, "CycleGAN")
    assert int(resumed.pool_a.count) == int(full.pool_a.count) > 0
