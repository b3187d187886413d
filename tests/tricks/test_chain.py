"""TrickChain: the tricks' gates folded together, and a trick's built state (a trick has no build step)."""

import keras
import pytest

import keras_gan
from keras_gan.tricks.chain import TrickChain
from tests.conftest import FixedGates


@pytest.mark.parametrize("player", ["discriminator", "generator"])
def test_a_player_updates_only_when_every_trick_s_gate_is_open(player):
    """No gate: None (always); one gate: that gate; several: their logical and, in any order (a closed gate
    after an open one, or before it, closes the player's update)."""
    def gates(*values):
        return [FixedGates(**{player[0]: value}) for value in values]

    assert TrickChain([]).gate(None, player) is None
    assert TrickChain(gates(None, None)).gate(None, player) is None
    for values in [(True,), (False,), (True, True), (True, False), (False, True), (None, False, True),
                   (True, None, True)]:
        gate = TrickChain(gates(*values)).gate(None, player)
        expected = all(value for value in values if value is not None)
        assert bool(keras.ops.convert_to_numpy(gate)) is expected, values
    other = "generator" if player == "discriminator" else "discriminator"
    assert TrickChain(gates(False)).gate(None, other) is None  # a gate holds only its own player


def test_a_trick_is_built_when_made():
    """A trick has no inputs to be built on: it is built at construction (Keras then saves and loads its state
    without a build step)."""
    assert keras_gan.tricks.LeCam(0.3).built is True
    assert FixedGates(True).built is True
