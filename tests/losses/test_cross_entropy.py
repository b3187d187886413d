import keras
import numpy as np
import pytest

from keras_gan import losses

REAL = np.array([2.0, -1.0, 0.5, 3.0], dtype="float32")
FAKE = np.array([-2.0, 0.3, -0.7, 1.5], dtype="float32")


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype="float64")))


def test_discriminator_cross_entropy_matches_definition():
    expected = -np.mean(np.log(sigmoid(REAL))) - np.mean(np.log(1 - sigmoid(FAKE)))
    for loss in (losses.MinimaxLoss(), losses.NonSaturatingLoss(), losses.MaximumLikelihoodLoss()):
        np.testing.assert_allclose(float(loss.discriminator_loss(REAL, FAKE)), expected, rtol=1e-5)
    np.testing.assert_allclose(float(losses.discriminator_cross_entropy(REAL, FAKE)), expected, rtol=1e-5)


def test_one_sided_label_smoothing_targets_real_at_0_9_and_fake_at_0():
    d = sigmoid(REAL)
    expected = np.mean(-0.9 * np.log(d) - 0.1 * np.log(1 - d)) - np.mean(np.log(1 - sigmoid(FAKE)))
    loss = losses.NonSaturatingLoss(label_smoothing=0.1)
    np.testing.assert_allclose(float(loss.discriminator_loss(REAL, FAKE)), expected, rtol=1e-5)


def test_generator_costs_match_their_definitions():
    d = sigmoid(FAKE)
    np.testing.assert_allclose(
        float(losses.MinimaxLoss().generator_loss(FAKE)), np.mean(np.log(1 - d)), rtol=1e-5
    )
    np.testing.assert_allclose(
        float(losses.NonSaturatingLoss().generator_loss(FAKE)), -np.mean(np.log(d)), rtol=1e-5
    )
    inverse_sigmoid = np.log(d / (1 - d))
    np.testing.assert_allclose(
        float(losses.MaximumLikelihoodLoss().generator_loss(FAKE)),
        -0.5 * np.mean(np.exp(inverse_sigmoid)),
        rtol=1e-5,
    )


def test_as_a_keras_loss_it_is_binary_cross_entropy_from_logits():
    y_true = np.array([[1.0], [0.0], [1.0], [0.0]], dtype="float32")
    y_pred = REAL[:, None]
    reference = keras.losses.BinaryCrossentropy(from_logits=True)(y_true, y_pred)
    ours = losses.NonSaturatingLoss()(y_true, y_pred)
    np.testing.assert_allclose(float(ours), float(reference), rtol=1e-5)


def _value_and_grad(fn, logits):
    import tensorflow as tf

    x = tf.constant(logits, dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return float(y), tape.gradient(y, x).numpy()


@pytest.mark.parametrize("name", ["minimax", "non_saturating", "maximum_likelihood"])
def test_extreme_logits_give_finite_values_and_gradients(name):
    loss = losses.get(name)
    extremes = np.array([50.0, -50.0], dtype="float32")
    value, grad = _value_and_grad(lambda x: loss.generator_loss(x), extremes)
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    value, grad = _value_and_grad(lambda x: loss.discriminator_loss(x, x), extremes)
    assert np.isfinite(value) and np.all(np.isfinite(grad))


def test_gradients_behave_as_the_seed_compares_them():
    """When D rejects the samples (D(G(z)) -> 0) only the non-saturating cost keeps a gradient."""
    rejected = np.array([-10.0], dtype="float32")  # D(G(z)) = 4.5e-5
    _, minimax = _value_and_grad(losses.minimax_generator_loss, rejected)
    _, non_saturating = _value_and_grad(losses.non_saturating_generator_loss, rejected)
    _, likelihood = _value_and_grad(losses.maximum_likelihood_generator_loss, rejected)
    assert abs(minimax[0]) < 1e-4
    assert abs(likelihood[0]) < 1e-4
    assert abs(non_saturating[0]) > 0.99
    # When D is fooled (D(G(z)) -> 1) the roles swap: the minimax gradient is largest.
    fooled = np.array([5.0], dtype="float32")
    _, minimax = _value_and_grad(losses.minimax_generator_loss, fooled)
    _, non_saturating = _value_and_grad(losses.non_saturating_generator_loss, fooled)
    assert abs(minimax[0]) > 0.99 and abs(non_saturating[0]) < 0.01
    # Every cost pushes the logit up (negative gradient).
    assert minimax[0] < 0 and non_saturating[0] < 0 and likelihood[0] < 0


def test_discriminator_cross_entropy_function_smooths_the_real_target():
    smoothing = 0.2
    p_real, p_fake = sigmoid(REAL), sigmoid(FAKE)
    expected = -np.mean((1 - smoothing) * np.log(p_real) + smoothing * np.log(1 - p_real)) - np.mean(
        np.log(1 - p_fake))
    value = float(losses.discriminator_cross_entropy(REAL, FAKE, label_smoothing=smoothing))
    np.testing.assert_allclose(value, expected, rtol=1e-5)


def test_binary_cross_entropy_from_logits_takes_float16_logits():
    logits = np.array([2.0, -1.0, 0.5], "float16")
    value = losses.binary_cross_entropy_from_logits(np.array([1.0, 0.0, 1.0], "float32"), logits)
    expected = -np.array([np.log(sigmoid(2.0)), np.log(1 - sigmoid(-1.0)), np.log(sigmoid(0.5))])
    np.testing.assert_allclose(np.asarray(value, dtype="float32"), expected, rtol=2e-3)
