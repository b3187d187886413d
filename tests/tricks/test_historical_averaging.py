"""HistoricalAveraging (Salimans et al., 2016): ||theta - (1/t) sum_i theta_i||^2, the average kept per player
and updated after each of that player's updates."""

import keras
import numpy as np

import keras_gan
from tests.conftest import LATENT_DIM, tiny_discriminator, tiny_generator


def numpy(variables):
    return [keras.ops.convert_to_numpy(v).astype("float64") for v in variables]


def test_each_player_s_average_follows_its_own_updates_and_is_not_trained():
    """After each update of a player, its average is the running
    mean of its weights over the updates (count 1, 2), the other player's stays; the terms are the squared
    distances; the averages are state, not trained."""
    keras.utils.set_random_seed(0)
    trick = keras_gan.tricks.HistoricalAveraging(1.0)
    gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM, seed=0,
                               tricks=[trick])
    gan.compile()
    assert trick.trainable_weights == [] and len(trick.non_trainable_weights) == len(gan.trainable_weights) + 2
    history = {role: [numpy(gan.player_variables(role))] for role in ("discriminator", "generator")}
    for update in range(2):
        for role, after in (("discriminator", trick.after_discriminator_update),
                            ("generator", trick.after_generator_update)):
            for variable in gan.player_variables(role):
                variable.assign(variable + 0.5 * (update + 1))
            history[role].append(numpy(gan.player_variables(role)))
            after(gan)
            averages, count = trick._averages[role]
            assert float(count) == update + 1
            for average, *values in zip(numpy(averages), *history[role][1:]):
                np.testing.assert_allclose(average, np.mean(values, axis=0), rtol=1e-6)
    d_avg = [np.mean(values, axis=0) for values in zip(*history["discriminator"][1:])]
    for variable in gan.player_variables("discriminator"):
        variable.assign(variable + 1.0)
    term = float(trick.discriminator_terms(gan, None)["historical_averaging_d"])
    expected = sum(np.sum((v - a) ** 2) for v, a in zip(numpy(gan.player_variables("discriminator")), d_avg))
    np.testing.assert_allclose(term, expected, rtol=1e-5)


def test_one_player_s_averaging_keeps_only_that_player_s_average():
    for player in ("discriminator", "generator"):
        keras.utils.set_random_seed(0)
        trick = keras_gan.tricks.HistoricalAveraging(1.0, players=player)
        gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM, seed=0,
                                   tricks=[trick])
        gan.compile()
        assert set(trick._averages) == {player}
        assert len(trick.non_trainable_weights) == len(gan.player_variables(player)) + 1
        trick.after_discriminator_update(gan)
        trick.after_generator_update(gan)
        assert float(trick._averages[player][1]) == 1.0
        own, none = ((trick.discriminator_terms, trick.generator_terms) if player == "discriminator"
                     else (trick.generator_terms, trick.discriminator_terms))
        assert list(own(gan, None)) == [f"historical_averaging_{player[0]}"] and none(gan, None) == {}
        assert trick.term_names == (f"historical_averaging_{player[0]}",)
