"""SemiSupervisedGAN: the K+1-class discriminator's costs against their definitions."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan.errors import GANConfigurationError
from keras_gan.models import GANStep
from keras_gan.models.semi_supervised import SemiSupervisedStep

SHAPE = (4, 4, 1)
K = 3


def make_ssgan(seed=0):
    keras.utils.set_random_seed(seed)
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(16, activation="tanh"),
                                  keras.layers.Reshape(SHAPE)])
    x = keras.Input(SHAPE)
    features = keras.layers.Dense(5, activation="relu")(keras.layers.Flatten()(x))
    discriminator = keras.Model(x, [keras.layers.Dense(K)(features), features])
    gan = keras_gan.models.SemiSupervisedGAN(generator, discriminator, latent_dim=2, num_classes=K, seed=seed)
    gan.compile()
    return gan


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (40,) + SHAPE).astype("float32")
    return x, x[:6], np.array([0, 1, 2, 0, 1, 2])


def _softplus(v):
    return np.log1p(np.exp(-np.abs(v))) + np.maximum(v, 0)


def test_real_probability_is_z_over_z_plus_one():
    gan = make_ssgan()
    x = tf.constant(np.random.default_rng(1).normal(size=(5,) + SHAPE).astype("float32"))
    logit = np.asarray(gan.discriminate(x, GANStep(), training=False))[:, 0]
    class_logits = np.asarray(gan.discriminator(x)[0])
    z = np.exp(class_logits).sum(1)
    np.testing.assert_allclose(1 / (1 + np.exp(-logit)), z / (z + 1), rtol=1e-5)


def test_discriminator_cost_is_unsupervised_plus_supervised(data):
    gan = make_ssgan()
    x, x_l, y_l = data
    step = SemiSupervisedStep(real=tf.constant(x[:8]), fake=tf.constant(-x[8:16]), training=False,
                              labelled=(tf.constant(x_l), tf.constant(y_l)))
    step.real_logits = gan.discriminate(step.real, step, training=False, role="real")
    step.fake_logits = gan.discriminate(step.fake, step, training=False, role="fake")
    cost, logs = gan.compute_discriminator_loss(step)
    cost = float(cost)
    lse_real = np.log(np.exp(np.asarray(gan.discriminator(step.real)[0])).sum(1))
    lse_fake = np.log(np.exp(np.asarray(gan.discriminator(step.fake)[0])).sum(1))
    unsupervised = np.mean(_softplus(-lse_real)) + np.mean(_softplus(lse_fake))  # -log D(x) - log(1 - D(G(z)))
    logits_l = np.asarray(gan.discriminator(x_l)[0])
    log_p = logits_l - np.log(np.exp(logits_l).sum(1, keepdims=True))
    supervised = -np.mean(log_p[np.arange(6), y_l])
    np.testing.assert_allclose(cost, unsupervised + supervised, rtol=1e-5)


def test_generator_cost_is_feature_matching(data):
    gan = make_ssgan()
    x, _, _ = data
    step = SemiSupervisedStep(real=tf.constant(x[:8]), fake=tf.constant(-x[8:16]), training=False)
    gan.discriminate(step.real, step, training=False, role="real")
    gan.discriminate(step.fake, step, training=False, role="fake")
    f_real = np.asarray(gan.discriminator(step.real)[1]).mean(0)
    f_fake = np.asarray(gan.discriminator(step.fake)[1]).mean(0)
    np.testing.assert_allclose(float(gan.compute_generator_loss(step)[0]), np.mean((f_real - f_fake) ** 2), rtol=1e-5)


def separable(n, seed):
    """K classes of images, each a bright row (row c for class c) on a dark ground, plus noise."""
    y = np.arange(n) % K
    templates = np.full((K,) + SHAPE, -0.5, "float32")
    for c in range(K):
        templates[c, c] = 0.8
    x = templates[y] + np.random.default_rng(seed).uniform(-0.2, 0.2, (n,) + SHAPE)
    return x.astype("float32"), y


def test_training_logs_and_classifies():
    """12 labels of 48 separable images: the classifier beats chance (1/3) by far on 60 unseen images."""
    x, y = separable(48, seed=0)
    x_test, y_test = separable(60, seed=1)
    gan = make_ssgan()
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-2))
    accuracy_before = np.mean(gan.classify(x_test) == y_test)
    history = gan.fit(gan.make_dataset(x, x[:12], y[:12], batch_size=8), epochs=8, verbose=0).history
    assert {"supervised_loss", "labelled_accuracy", "p_real", "p_fake"} <= set(history)
    assert history["supervised_loss"][-1] < history["supervised_loss"][0]
    accuracy = np.mean(gan.classify(x_test) == y_test)
    assert accuracy >= 0.9 and accuracy > accuracy_before + 0.3, (accuracy_before, accuracy)
    probabilities = gan.predict_classes(x_test[:4])
    assert probabilities.shape == (4, K) and np.allclose(probabilities.sum(1), 1, atol=1e-5)
    np.testing.assert_array_equal(gan.classify(x_test[:4]), probabilities.argmax(1))


def test_make_dataset_pairs_unlabelled_batches_with_labelled_ones(data):
    dataset = keras_gan.models.SemiSupervisedGAN.make_dataset(data[0], data[1], data[2], batch_size=8,
                                                              labelled_batch_size=4)
    batches = list(dataset)
    assert len(batches) == 5
    unlabelled, (x_l, y_l) = batches[0]
    assert unlabelled.shape == (8,) + SHAPE and x_l.shape == (4,) + SHAPE and y_l.shape == (4,)


@pytest.mark.parametrize("bad", ["array", "labels"])
def test_wrong_data_is_explained(data, bad):
    gan = make_ssgan()
    x, x_l, y_l = data
    if bad == "array":
        source, message = x, r"\(x_unlabelled, \(x_labelled, y_labelled\)\)"
    else:
        source, message = gan.make_dataset(x, x_l, y_l + 2, batch_size=8), r"Labels must lie in \[0, num_classes=3\)"
    with pytest.raises(GANConfigurationError, match=message):
        gan.fit(source, verbose=0)


def test_class_logit_count_is_checked():
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(16), keras.layers.Reshape(SHAPE)])
    x = keras.Input(SHAPE)
    features = keras.layers.Dense(5)(keras.layers.Flatten()(x))
    discriminator = keras.Model(x, [keras.layers.Dense(K + 1)(features), features])
    gan = keras_gan.models.SemiSupervisedGAN(generator, discriminator, latent_dim=2, num_classes=K)
    with pytest.raises(GANConfigurationError, match="returns 4 class logits per sample"):
        gan.compile()


def test_save_and_load(data, tmp_path):
    gan = make_ssgan()
    gan.fit(gan.make_dataset(data[0], data[1], data[2], batch_size=8), verbose=0)
    gan.save(tmp_path / "ss.keras")
    loaded = keras.models.load_model(tmp_path / "ss.keras")
    assert loaded.num_classes == K
    np.testing.assert_allclose(loaded.predict_classes(data[0][:4]), gan.predict_classes(data[0][:4]), rtol=1e-5)
