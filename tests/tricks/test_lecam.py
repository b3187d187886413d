"""LeCam regularization (Tseng et al., CVPR 2021) checked against its definition.

R_LC = E[(D(x) - alpha_F)^2] + E[(D(G(z)) - alpha_R)^2], alpha_R and alpha_F the moving averages
(decay 0.99, zero-debiased as in the authors' `lecam_loss.py`) of the discriminator's mean output on
real and generated batches, updated from the step's outputs before the penalty, without gradient.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan.errors import GANConfigurationError
from keras_gan.models import GANStep
from keras_gan.tricks import LeCam
from tests.conftest import LATENT_DIM, tiny_discriminator, tiny_generator


def penalty(trick, real, fake, training=True):
    step = GANStep(real_logits=tf.constant(real, "float32", shape=(len(real), 1)),
                   fake_logits=tf.constant(fake, "float32", shape=(len(fake), 1)), training=training)
    return float(trick.discriminator_terms(None, step)["lecam"])


def anchors(trick):
    return tuple(float(a) for a in trick.anchors())


def test_the_penalty_equals_the_closed_form_on_hand_computed_values():
    trick = LeCam(weight=1.0, decay=0.9)
    # Step 1: batch means 2 and -1; zero-debiased, the first averages are the means: alpha_R = 2, alpha_F = -1.
    # E[(D(x) + 1)^2] = (4 + 16) / 2 = 10, E[(2 - D(G(z)))^2] = (16 + 4) / 2 = 10.
    assert penalty(trick, [1.0, 3.0], [-2.0, 0.0]) == pytest.approx(20.0, rel=1e-6)
    assert anchors(trick) == pytest.approx((2.0, -1.0), rel=1e-6)
    # Step 2: means 1 and 0. Biased averages 0.9 * 0.2 + 0.1 * 1 = 0.28 and 0.9 * -0.1 = -0.09, divided by
    # 1 - 0.9^2 = 0.19: alpha_R = 28 / 19, alpha_F = -9 / 19.
    a_r, a_f = 28 / 19, -9 / 19
    expected = np.mean(np.square([0.0 - a_f, 2.0 - a_f])) + np.mean(np.square([a_r - 1.0, a_r + 1.0]))
    assert expected == pytest.approx(6.3434903, rel=1e-6)
    assert penalty(trick, [0.0, 2.0], [1.0, -1.0]) == pytest.approx(expected, rel=1e-6)
    assert anchors(trick) == pytest.approx((a_r, a_f), rel=1e-6)


def test_one_sided_penalizes_only_outputs_across_the_other_anchor():
    # alpha_R = -1, alpha_F = 1: D(x) - alpha_F = (-4, 0) and alpha_R - D(G(z)) = (-3, -1), all on the safe side.
    assert penalty(LeCam(decay=0.9, one_sided=True), [-3.0, 1.0], [2.0, 0.0]) == pytest.approx(0.0, abs=1e-10)
    assert penalty(LeCam(decay=0.9), [-3.0, 1.0], [2.0, 0.0]) == pytest.approx((16 + 0) / 2 + (9 + 1) / 2)
    # D(x) = 3 > alpha_F: (3 - alpha_F)^2 = 4 counts, half of it in the mean.
    assert penalty(LeCam(decay=0.9, one_sided=True), [-5.0, 3.0], [2.0, 0.0]) == pytest.approx(2.0)


def test_the_anchors_follow_the_zero_debiased_moving_average():
    rng = np.random.default_rng(0)
    trick = LeCam(decay=0.99)
    biased = np.zeros(2)
    for t in range(1, 31):
        real, fake = rng.normal(2.0, 1.0, 8), rng.normal(-1.0, 1.0, 8)
        penalty(trick, real, fake)
        biased = 0.99 * biased + 0.01 * np.array([real.mean(), fake.mean()])
        np.testing.assert_allclose(anchors(trick), biased / (1 - 0.99 ** t), rtol=1e-4)
        # Equivalently, the means weighted 0.99^(t - i), normalized.
    assert float(trick.updates.numpy()) == 30


def test_evaluation_leaves_the_anchors_as_they_are():
    trick = LeCam(decay=0.9)
    penalty(trick, [1.0, 3.0], [-2.0, 0.0])
    before = [v.numpy().copy() for v in (trick.biased_real, trick.biased_fake, trick.updates)]
    penalty(trick, [10.0, 30.0], [-20.0, 0.0], training=False)
    assert [v.numpy() for v in (trick.biased_real, trick.biased_fake, trick.updates)] == before


def test_the_gradient_reaches_the_outputs_not_the_anchors():
    trick = LeCam(decay=0.9)
    real, fake = tf.Variable([[1.0], [3.0]]), tf.Variable([[-2.0], [0.0]])
    with tf.GradientTape() as tape:
        value = trick.discriminator_terms(None, GANStep(real_logits=real, fake_logits=fake, training=True))["lecam"]
    d_real, d_fake = tape.gradient(value, [real, fake])
    # alpha_F = -1, alpha_R = 2, held fixed: d/dD(x_i) = 2 (D(x_i) + 1) / 2, d/dD(G(z_j)) = -2 (2 - D(G(z_j))) / 2.
    np.testing.assert_allclose(d_real.numpy().ravel(), [2.0, 4.0], rtol=1e-6)
    np.testing.assert_allclose(d_fake.numpy().ravel(), [-4.0, -2.0], rtol=1e-6)


def test_weighted_into_the_discriminators_cost_and_trained(tmp_path, tiny_data):
    keras.utils.set_random_seed(0)
    trick = LeCam(weight=0.5, decay=0.9)
    gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM, tricks=[trick], seed=0)
    gan.compile()
    step = GANStep(real=tf.constant(tiny_data[:8]), fake=tf.constant(-tiny_data[8:16]), training=True)
    loss, logs = gan.compute_discriminator_loss(step)
    real, fake = step.real_logits.numpy().ravel(), step.fake_logits.numpy().ravel()
    expected = np.mean((real - fake.mean()) ** 2) + np.mean((real.mean() - fake) ** 2)  # first step: the means
    np.testing.assert_allclose(float(logs["lecam"]), expected, rtol=1e-5)
    base = gan.loss_fn.discriminator_loss(step.real_logits, step.fake_logits)
    np.testing.assert_allclose(float(loss), float(base) + 0.5 * expected, rtol=1e-5)
    trick.updates.assign(0.0)
    history = gan.fit(tiny_data, batch_size=16, epochs=2, verbose=0).history
    assert float(trick.updates.numpy()) == 8 and np.all(np.isfinite(history["lecam"]))
    gan.save(tmp_path / "lecam.keras")
    (loaded,) = keras.models.load_model(tmp_path / "lecam.keras").tricks
    assert (loaded.weight, loaded.decay, loaded.one_sided) == (0.5, 0.9, False)
    assert anchors(loaded) == anchors(trick) and float(loaded.updates.numpy()) == 8


def test_extreme_logits_stay_finite():
    trick = LeCam()
    value = penalty(trick, [50.0, 50.0, -50.0], [-50.0, 50.0, -50.0])
    assert np.isfinite(value) and np.all(np.isfinite(anchors(trick)))


def test_refused_with_two_discriminators():
    def translator():
        return keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(1, 1, activation="tanh")])

    def patches():
        return keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(1, 3, strides=2)])

    model = keras_gan.models.CycleGAN(translator(), translator(), patches(), patches(), tricks=[LeCam()])
    with pytest.raises(GANConfigurationError, match=r"CycleGAN cannot use LeCam: it anchors one discriminator's "
                                                    r"outputs.*CycleGAN has 2 discriminators.*instead"):
        model.compile()


@pytest.mark.parametrize("kwargs, error, pattern", [
    ({"decay": 1.0}, ValueError, r"`decay` must be a number in \[0, 1\).*Received: decay=1.0"),
    ({"decay": -0.1}, ValueError, r"Received: decay=-0.1"),
    ({"decay": None}, TypeError, r"Received: decay=None"),
    ({"one_sided": "yes"}, TypeError, r"Received: one_sided='yes'"),
    ({"weight": -1.0}, ValueError, r"Received: weight=-1.0"),
])
def test_bad_arguments_are_named(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        LeCam(**kwargs)


def test_config_round_trip():
    trick = LeCam(0.1, decay=0.95, one_sided=True)
    again = LeCam.from_config(trick.get_config())
    assert again.get_config() == trick.get_config()
    assert (again.weight, again.decay, again.one_sided, again.term_names) == (0.1, 0.95, True, ("lecam",))


def test_the_anchors_are_zero_before_the_first_update():
    """alpha_R = alpha_F = 0 until the first update (the debiasing divides by 1 - decay^0 = 0 otherwise)."""
    trick = LeCam(0.3)
    np.testing.assert_array_equal([float(x) for x in trick.anchors()], [0.0, 0.0])
