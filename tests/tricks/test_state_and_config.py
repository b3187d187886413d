"""What the tricks keep, how their configs round-trip and how their random streams are seeded: tests written
for the mutants that survived `python scripts/mutation.py tricks` (docs/reliability.md, Mutation testing)."""

import keras
import numpy as np
import pytest

from keras_gan import tricks
from keras_gan.tricks.diff_augment import diff_augment
from keras_gan.tricks.feature_matching import _missing_layer


def test_ada_state_is_frozen_and_aggregated_from_the_first_replica():
    """Under data parallelism each replica computes the same p: the variables take the first replica's value."""
    ada = tricks.ADA(p_init=0.25, seed=0)
    described = [(v.name, v.dtype, tuple(v.shape), v.trainable, v.aggregation) for v in ada.weights]
    floats = ["p", "sign_sum", "logit_count", "image_count"]
    expected = [(name, "float32", (), False, "only_first_replica") for name in floats]
    expected.append(("updates", "int32", (), False, "only_first_replica"))
    expected += [(name, "float32", (), False, "only_first_replica") for name in ("step_signs", "step_logits",
                                                                                  "step_images")]
    assert [d for d in described if d[0] != "seed_generator_state"] == expected
    assert float(keras.ops.convert_to_numpy(ada.p)) == 0.25


def test_ada_draws_follow_its_seed():
    x = np.random.default_rng(0).uniform(-1, 1, (4, 8, 8, 3)).astype("float32")

    def draws(seed):
        ada = tricks.ADA(p_init=1.0, seed=seed)
        return [keras.ops.convert_to_numpy(ada.augment(x)) for _ in range(2)]

    np.testing.assert_array_equal(draws(3), draws(3))
    assert not np.allclose(draws(3)[0], draws(4)[0])


def test_train_losing_player_config_keeps_both_thresholds():
    trick = tricks.TrainLosingPlayer(discriminator_threshold=0.2, generator_threshold=0.7)
    config = trick.get_config()
    assert (config["discriminator_threshold"], config["generator_threshold"]) == (0.2, 0.7)
    restored = tricks.TrainLosingPlayer.from_config(config)
    assert restored._thresholds == (0.2, 0.7)
    assert float(keras.ops.convert_to_numpy(restored.discriminator_threshold)) == pytest.approx(0.2)


def test_diff_augment_defaults_to_the_papers_policy_and_follows_an_int_seed():
    """Zhao et al. 2020's policy for limited data: color, translation and cutout, in that order."""
    x = np.random.default_rng(1).uniform(-1, 1, (4, 8, 8, 3)).astype("float32")
    by_default = keras.ops.convert_to_numpy(diff_augment(x, seed=5))
    spelled_out = keras.ops.convert_to_numpy(diff_augment(x, "color,translation,cutout", seed=5))
    np.testing.assert_array_equal(by_default, spelled_out)
    np.testing.assert_array_equal(by_default, keras.ops.convert_to_numpy(diff_augment(x, seed=5)))
    assert not np.allclose(by_default, keras.ops.convert_to_numpy(diff_augment(x, seed=6)))
    generator = keras.random.SeedGenerator(5)
    first = keras.ops.convert_to_numpy(diff_augment(x, seed=generator))
    assert not np.allclose(first, keras.ops.convert_to_numpy(diff_augment(x, seed=generator)))  # it advances


def test_feature_matching_indexes_like_a_python_list():
    layers = [keras.layers.Dense(1, name=name) for name in ("a", "b", "c")]
    for index in (-3, -1, 0, 2):
        assert _missing_layer(tricks.FeatureMatching(layer=index), layers) is None
    for index in (-4, 3):
        assert _missing_layer(tricks.FeatureMatching(layer=index), layers) == (
            f"FeatureMatching cannot read layer {index} of the discriminator (its layers: 'a', 'b', 'c'). Use a "
            "Sequential or functional discriminator and name an existing layer.")
    assert _missing_layer(tricks.FeatureMatching(layer="b"), layers) is None
    assert "cannot read layer 'd'" in _missing_layer(tricks.FeatureMatching(layer="d"), layers)
