"""`weight` is handled once, on `Trick`; the rules a trick declares beside its code."""

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan import tricks as T
from keras_gan.errors import GANConfigurationError
from keras_gan.utils.requirements import declared_requirements
from tests.conftest import LATENT_DIM, SAMPLE_SHAPE, tiny_discriminator, tiny_generator

#: Every public trick, as made in a user's code.
EVERY_TRICK = {
    "GradientPenalty": lambda: T.GradientPenalty(5.0, target=0.5, seed=3),
    "R1Penalty": lambda: T.R1Penalty(4.0),
    "WeightClipping": lambda: T.WeightClipping(0.05),
    "FeatureMatching": lambda: T.FeatureMatching(0.5, layer=-3, replace_objective=True),
    "HistoricalAveraging": lambda: T.HistoricalAveraging(1e-2, players="generator"),
    "OrthogonalRegularization": lambda: T.OrthogonalRegularization(1e-3, player="discriminator"),
    "Packing": lambda: T.Packing(3),
    "InstanceNoise": lambda: T.InstanceNoise(0.2, anneal_steps=10, seed=1),
    "TrainLosingPlayer": lambda: T.TrainLosingPlayer(0.1, 0.2),
    "TopK": lambda: T.TopK(0.25, decay=0.5, decay_steps=2),
    "DiffAugment": lambda: T.DiffAugment("translation,cutout", seed=2),
    "ADA": lambda: T.ADA(target=0.5, interval=2, kimg=10, p_init=0.1, seed=1),
    "LeCam": lambda: T.LeCam(0.2, decay=0.9),
    "ConsistencyRegularization": lambda: T.ConsistencyRegularization(5.0, balanced=True, seed=3),
}
UNWEIGHTED = {"WeightClipping", "Packing", "InstanceNoise", "TrainLosingPlayer", "TopK", "DiffAugment", "ADA"}


def test_every_public_trick_is_listed():
    assert set(EVERY_TRICK) == set(T.__all__) - {"Trick", "TrickChain", "orthogonal_penalty", "gradient_penalty",
                                                   "r1_penalty", "interpolate", "diff_augment"}


@pytest.mark.parametrize("name", sorted(EVERY_TRICK))
def test_every_trick_round_trips_through_its_config(name):
    trick = EVERY_TRICK[name]()
    config = keras.saving.serialize_keras_object(trick)
    restored = keras.saving.deserialize_keras_object(config)
    assert type(restored) is type(trick)
    assert restored.get_config() == trick.get_config()
    assert ("weight" in trick.get_config()) == (name not in UNWEIGHTED) == trick.weighted


@pytest.mark.parametrize("name", sorted(UNWEIGHTED))
def test_a_trick_without_cost_terms_takes_no_weight(name):
    cls = getattr(T, name)
    assert cls().weight is None
    with pytest.raises(TypeError, match=rf"{name} adds no cost term, so it takes no `weight`; received weight=2.0"):
        cls(weight=2.0)


@pytest.mark.parametrize("weight, error", [(-1.0, ValueError), ("1", TypeError), (True, TypeError)])
def test_a_bad_weight_is_refused_once_for_every_trick(weight, error):
    for cls in (T.GradientPenalty, T.FeatureMatching, T.HistoricalAveraging, T.OrthogonalRegularization):
        expected = rf"^`weight` must be a number >= 0 \(the factor of {cls.__name__}'s cost term\)"
        with pytest.raises(error, match=expected):
            cls(weight=weight)


def test_a_custom_trick_is_weighted_by_default():
    assert T.Trick().weight == 1.0 and T.Trick(weight=0.5).get_config()["weight"] == 0.5


def test_r1_weight_is_half_gamma_and_a_saved_weight_wins():
    trick = T.R1Penalty(gamma=4.0)
    assert trick.weight == 2.0 and trick.get_config()["gamma"] == 4.0 and trick.get_config()["weight"] == 2.0
    config = trick.get_config()
    config["weight"] = 3.0  # e.g. changed after construction, then saved
    assert T.R1Penalty.from_config(config).weight == 3.0
    older = {k: v for k, v in trick.get_config().items() if k != "weight"}  # configs written before `weight` was kept
    assert T.R1Penalty.from_config(older).weight == 2.0
    with pytest.raises(ValueError, match=r"`gamma` must be a number >= 0"):
        T.R1Penalty(-1.0)


def test_weights_survive_saving_the_model(tmp_path):
    data = np.random.default_rng(0).uniform(-1, 1, (16,) + SAMPLE_SHAPE).astype("float32")
    gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM, seed=0,
                               tricks=[T.R1Penalty(gamma=3.0), T.HistoricalAveraging(0.25), T.TopK(0.5)])
    gan.compile()
    gan.fit(data, batch_size=8, verbose=0)
    gan.save(tmp_path / "gan.keras")
    loaded = keras.models.load_model(tmp_path / "gan.keras")
    assert [t.weight for t in loaded.tricks] == [1.5, 0.25, None]


def test_the_declared_properties_carry_the_rules_every_trick_inherits():
    names = {r.name for r in declared_requirements(T.WeightClipping)}
    assert {"single_discriminator", "input_gradient_penalty_no_batch_norm", "trick_term_names"} <= names
    assert "packing_one_input_one_output" in {r.name for r in declared_requirements(T.Packing())}


def test_a_custom_trick_that_declares_one_discriminator_is_refused_on_cyclegan():
    class Reads(T.Trick):
        needs_single_discriminator = True
        single_discriminator_reason = "it reads model.discriminator"
        single_discriminator_alternative = "InstanceNoise"

    s = (8, 8, 1)

    def net(filters, strides=1):
        return keras.Sequential([keras.Input(s), keras.layers.Conv2D(filters, 3, strides=strides, padding="same")])

    gan = keras_gan.models.CycleGAN(net(1), net(1), net(1, 2), net(1, 2), tricks=[Reads()])
    with pytest.raises(GANConfigurationError, match=r"^CycleGAN cannot use Reads: it reads model.discriminator, and "
                                                    r"CycleGAN has 2 discriminators. Use InstanceNoise instead.$"):
        gan.compile()


def test_feature_matching_reads_the_packs_under_packing():
    critic = keras.Sequential([keras.Input(SAMPLE_SHAPE[:-1] + (2,)), keras.layers.Flatten(),
                               keras.layers.Dense(8, name="features"), keras.layers.Dense(1)])
    gan = keras_gan.models.GAN(tiny_generator(), critic, LATENT_DIM,
                               tricks=[T.Packing(2), T.FeatureMatching(layer="features")])
    gan.compile()
    data = np.random.default_rng(0).uniform(-1, 1, (16,) + SAMPLE_SHAPE).astype("float32")
    history = gan.fit(data, batch_size=8, verbose=0).history
    assert np.isfinite(history["feature_matching"][0])


def test_feature_matching_on_a_named_layer_of_a_two_headed_discriminator():
    x = keras.Input(SAMPLE_SHAPE)
    h = keras.layers.Dense(4, name="body")(keras.layers.Flatten()(x))
    d = keras.Model(x, [keras.layers.Dense(1)(h), keras.layers.Dense(4)(h)])
    gan = keras_gan.models.InfoGAN(tiny_generator(latent_dim=6), d, noise_dim=2, categorical=(3,), continuous=1,
                                   tricks=[T.FeatureMatching(layer="body")])
    gan.compile()
    data = np.random.default_rng(0).uniform(-1, 1, (16,) + SAMPLE_SHAPE).astype("float32")
    assert np.isfinite(gan.fit(data, batch_size=8, verbose=0).history["feature_matching"][0])


def test_feature_matching_names_a_missing_layer_of_a_sequential_without_input():
    critic = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(8), keras.layers.Dense(1)])
    gan = keras_gan.models.GAN(tiny_generator(), critic, LATENT_DIM, tricks=[T.FeatureMatching(layer="features")])
    with pytest.raises(GANConfigurationError, match=r"cannot read layer 'features'.*'flatten"):
        gan.compile()
    with pytest.raises(TypeError, match="`layer` must be a layer name or an int"):
        T.FeatureMatching(layer=1.5)


def test_train_losing_player_takes_thresholds_on_a_critic_loss_scale():
    gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM,
                               tricks=[T.TrainLosingPlayer(-5.0, -5.0), T.WeightClipping(0.1)])
    gan.compile(loss="hinge")  # explicit thresholds: accepted
    refused = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM, tricks=[T.TrainLosingPlayer()])
    with pytest.raises(GANConfigurationError, match=r"^GAN cannot use TrainLosingPlayer.*the hinge loss"):
        refused.compile(loss="hinge")
    keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM,
                         tricks=[T.TrainLosingPlayer()]).compile(loss="least_squares")
