"""TrainLosingPlayer (the DCGAN notes' scheduling) checked against its definition: the update of the player
whose last loss is below its threshold is skipped, both update otherwise, and the cross-entropy defaults are
refused under a critic's unbounded loss."""

import re
import types

import keras
import pytest

import keras_gan
from keras_gan.errors import GANConfigurationError
from keras_gan.tricks import TrainLosingPlayer
from tests.conftest import LATENT_DIM, tiny_discriminator, tiny_generator


def _value(x):
    return float(keras.ops.convert_to_numpy(x))


def test_its_state_is_four_frozen_scalars_and_the_first_step_updates_both_players():
    trick = TrainLosingPlayer(discriminator_threshold=0.2, generator_threshold=0.7)
    assert TrainLosingPlayer().name == "train_losing_player"
    described = [(v.name, v.dtype, tuple(v.shape), v.trainable) for v in trick.weights]
    assert described == [(name, "float32", (), False) for name in ("discriminator_threshold", "generator_threshold",
                                                                   "last_d_loss", "last_g_loss")]
    assert trick.trainable_weights == []  # no optimizer may move a threshold or a recorded loss
    assert [_value(v) for v in trick.weights] == pytest.approx([0.2, 0.7, 1e9, 1e9])
    # Before any step the recorded losses are huge: both gates open.
    assert (bool(trick.discriminator_gate(None)), bool(trick.generator_gate(None))) == (True, True)


def test_the_player_whose_last_loss_is_below_its_threshold_skips_its_update():
    trick = TrainLosingPlayer(discriminator_threshold=0.3, generator_threshold=0.5)

    def gates(d_loss, g_loss):
        trick.record_losses(None, d_loss, g_loss)
        logs = trick.discriminator_logs(None, None)
        opened = (bool(trick.discriminator_gate(None)), bool(trick.generator_gate(None)))
        assert (_value(logs["d_updates"]), _value(logs["g_updates"])) == (float(opened[0]), float(opened[1]))
        return opened

    assert gates(0.29, 0.8) == (False, True)  # D wins comfortably: only G updates
    assert gates(0.9, 0.49) == (True, False)  # G fools D: only D updates
    assert gates(0.3, 0.5) == (True, True)  # at the thresholds: not below, both update
    assert gates(0.1, 0.1) == (False, False)
    assert (_value(trick.last_d_loss), _value(trick.last_g_loss)) == pytest.approx((0.1, 0.1))


def test_the_default_thresholds_are_refused_under_a_critics_loss_with_the_full_message():
    gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM, tricks=[TrainLosingPlayer()])
    expected = (
        "GAN cannot use TrainLosingPlayer with its default thresholds (0.3, 0.3): they are cross-entropy values, "
        "and the wasserstein loss is a critic's unbounded score, often below 0.3 or negative, so the players soon "
        "stop updating for good. Use thresholds on that loss's scale, TrainLosingPlayer(discriminator_threshold=..., "
        "generator_threshold=...), or a fixed schedule (discriminator_steps=k, "
        "keras_gan.callbacks.DiscriminatorSteps) instead.")
    with pytest.raises(GANConfigurationError, match=f"^{re.escape(expected)}$"):
        gan.compile(loss="wasserstein")


def test_the_loss_scale_rule_holds_without_a_loss_or_without_a_critic():
    (rule,) = TrainLosingPlayer.requirements
    trick = TrainLosingPlayer()
    critic_loss = types.SimpleNamespace(name="hinge", probabilistic=False)
    assert rule.check(trick, types.SimpleNamespace(loss_fn=critic_loss), {}).startswith(
        "SimpleNamespace cannot use TrainLosingPlayer with its default thresholds")  # the negative control
    # No loss yet, or a loss that does not say it is a critic's: nothing to refuse.
    assert rule.check(trick, types.SimpleNamespace(), {}) is None
    assert rule.check(trick, types.SimpleNamespace(loss_fn=None), {}) is None
    assert rule.check(trick, types.SimpleNamespace(loss_fn=types.SimpleNamespace(name="custom")), {}) is None
    assert rule.check(trick, types.SimpleNamespace(loss_fn=types.SimpleNamespace(probabilistic=True)), {}) is None
    # Thresholds given on the loss's scale: accepted.
    assert rule.check(TrainLosingPlayer(-5.0, -5.0), types.SimpleNamespace(loss_fn=critic_loss), {}) is None
