"""OrthogonalRegularization (Brock et al., 2019): beta * sum_W ||W^T W * (1 - I)||_F^2 over the chosen player's
kernels (rank >= 2), in that player's cost only."""

import keras
import numpy as np

import keras_gan
from keras_gan.tricks import OrthogonalRegularization
from tests.conftest import LATENT_DIM, tiny_discriminator, tiny_generator


def closed_form(variables):
    total = 0.0
    for w in (keras.ops.convert_to_numpy(v).astype("float64") for v in variables if len(v.shape) >= 2):
        gram = w.reshape(-1, w.shape[-1]).T @ w.reshape(-1, w.shape[-1])
        total += np.sum((gram * (1.0 - np.eye(gram.shape[0]))) ** 2)
    return total


def test_the_term_is_the_chosen_player_s_kernels_overlap_and_the_other_has_none():
    for player, other in (("discriminator", "generator"), ("generator", "discriminator")):
        keras.utils.set_random_seed(0)
        trick = OrthogonalRegularization(1.0, player=player)
        gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM, tricks=[trick])
        terms = {"discriminator": trick.discriminator_terms(gan, None), "generator": trick.generator_terms(gan, None)}
        assert list(terms[player]) == [f"orthogonal_{player[0]}"] and terms[other] == {}
        np.testing.assert_allclose(float(terms[player][f"orthogonal_{player[0]}"]),
                                   closed_form(gan.player_variables(player)), rtol=1e-5)
