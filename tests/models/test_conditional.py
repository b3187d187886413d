"""ConditionalGAN: labels reach both players; clear errors for bad labels."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan.networks import conditional as nets
from tests import harness

SHAPE = (4, 4, 1)


def make_cgan(seed=0, **kwargs):
    keras.utils.set_random_seed(seed)
    return keras_gan.models.ConditionalGAN(
        nets.conditional_mlp_generator(3, 3, SHAPE, hidden=8),
        nets.conditional_mlp_discriminator(SHAPE, 3, hidden=8),
        latent_dim=3, num_classes=3, seed=seed, **kwargs,
    )


@pytest.fixture(scope="module")
def labelled():
    rng = np.random.default_rng(0)
    return rng.uniform(-1, 1, (48,) + SHAPE).astype("float32"), np.arange(48) % 3


@pytest.fixture(scope="module")
def trained(labelled):
    gan = make_cgan()
    gan.compile()
    gan.fit(*labelled, batch_size=16, verbose=0)
    return gan


def test_generator_output_depends_on_the_label(trained):
    z = np.zeros((3, 3), "float32")
    images = trained.generate(z, labels=[0, 1, 2])
    assert not np.allclose(images[0], images[1]) and not np.allclose(images[1], images[2])
    np.testing.assert_allclose(trained.predict([z, np.array([0, 1, 2])], verbose=0), images, rtol=1e-5)


def test_discriminator_sees_the_label(trained):
    x = np.zeros((2,) + SHAPE, "float32")
    logits = trained.discriminator([keras.ops.convert_to_tensor(x), trained.one_hot([0, 2])])
    assert abs(float(logits[0, 0]) - float(logits[1, 0])) > 1e-6


def test_integer_and_one_hot_labels_train_alike(labelled):
    x, y = labelled
    results = []
    for labels in (y, np.eye(3, dtype="float32")[y], y.reshape(-1, 1)):
        gan = make_cgan()
        gan.compile()
        results.append(gan.fit(x, labels, batch_size=16, verbose=0, shuffle=False).history["d_loss"])
    np.testing.assert_allclose(results[0], results[1], rtol=1e-5)
    np.testing.assert_allclose(results[0], results[2], rtol=1e-5)


def test_dataset_of_pairs_trains(labelled):
    """A dataset of `(images, labels)` trains both players as scheduled, exactly as the arrays do."""
    runs = []
    for source in (tf.data.Dataset.from_tensor_slices(labelled).batch(16), None):
        gan = make_cgan()
        gan.compile()
        networks = (gan.generator, gan.discriminator)
        start = [[np.array(w) for w in network.get_weights()] for network in networks]
        if source is None:
            history = gan.fit(*labelled, batch_size=16, shuffle=False, verbose=0).history
        else:
            history = gan.fit(source, verbose=0).history
        assert (int(gan.d_optimizer.iterations), int(gan.g_optimizer.iterations)) == (3, 3)  # 48 / 16 steps
        for before, network in zip(start, networks):
            assert all(not np.array_equal(a, b) for a, b in zip(before, network.get_weights())), network.name
        runs.append((history, gan.get_weights()))
    (history, trained), (reference, from_arrays) = runs
    np.testing.assert_allclose(history["d_loss"], reference["d_loss"], rtol=1e-5)
    np.testing.assert_allclose(history["g_loss"], reference["g_loss"], rtol=1e-5)
    for a, b in zip(trained, from_arrays):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "labels, message",
    [
        (None, "needs a label for every sample"),
        (np.arange(48) % 3 + 1, r"must lie in \[0, num_classes=3\)"),
        (np.eye(4)[np.arange(48) % 4], "width num_classes=3"),
        (np.full((48, 3), 0.5), "must be one-hot"),
        (np.linspace(0, 2, 48), "integer class indices"),
    ],
)
def test_bad_labels_get_a_clear_error_before_training(labelled, labels, message):
    gan = make_cgan()
    gan.compile()
    with pytest.raises(ValueError, match=message):
        gan.fit(labelled[0], labels, batch_size=16, verbose=0)
    assert int(gan.d_optimizer.iterations) == 0


def test_dataset_without_labels_is_refused(labelled):
    gan = make_cgan()
    gan.compile()
    with pytest.raises(ValueError, match="needs a label"):
        gan.fit(tf.data.Dataset.from_tensor_slices(labelled[0]).batch(16), verbose=0)


def test_generate_checks_labels(trained):
    assert trained.generate(labels=2).shape == (1,) + SHAPE
    assert trained.generate(4, labels=1).shape == (4,) + SHAPE
    with pytest.raises(ValueError, match="one label per sample"):
        trained.generate(4, labels=[0, 1])
    with pytest.raises(ValueError, match="must lie in"):
        trained.generate(labels=[5])


def test_num_classes_is_validated():
    with pytest.raises(ValueError, match="num_classes"):
        keras_gan.models.ConditionalGAN(
            nets.conditional_mlp_generator(3, 3, SHAPE), nets.conditional_mlp_discriminator(SHAPE, 3),
            latent_dim=3, num_classes=1,
        )


def test_label_width_mismatch_with_the_networks_is_explained():
    gan = keras_gan.models.ConditionalGAN(
        nets.conditional_mlp_generator(3, 5, SHAPE), nets.conditional_mlp_discriminator(SHAPE, 5),
        latent_dim=3, num_classes=3,
    )
    with pytest.raises(ValueError, match="one-hot labels of width num_classes=3"):
        gan.compile()


def test_sample_saver_draws_one_row_per_class(trained, tmp_path):
    saver = keras_gan.callbacks.SampleSaver(tmp_path, n=9, scale=1)
    saver.set_model(trained)
    saver.on_train_begin()
    np.testing.assert_array_equal(saver.inputs["labels"], [0, 0, 0, 1, 1, 1, 2, 2, 2])
    assert saver.rows == 3
    path = saver.save(1)
    from PIL import Image

    height, width = np.asarray(Image.open(path)).shape[:2]
    assert (height, width) == (3 * 4 + 2 * 2, 3 * 4 + 2 * 2)


def test_trains_as_scheduled_and_resumes_exactly(labelled):
    def make():
        gan = make_cgan()
        gan.compile()
        return gan, labelled, {"batch_size": 16}

    _, resumed = harness.assert_trains_and_resumes(make, "ConditionalGAN")
    assert isinstance(resumed, keras_gan.models.ConditionalGAN) and resumed.num_classes == 3
