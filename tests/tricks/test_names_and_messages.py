# ruff: noqa: E501 - the expected messages are whole sentences, one per string
"""The tricks' names and whole messages: default names, Keras keywords reaching the layer, state-variable
names, and the exact text of the refusals a trick makes at `compile` (model x trick pairs that cannot work).

The refusals are compared in full (`str(error) == ...`), so a changed word, count, list of names or
alternative is caught; each is triggered by the smallest model that meets it.
"""

import types

import keras
import pytest

import keras_gan
from keras_gan import tricks as T
from keras_gan.errors import GANConfigurationError
from keras_gan.tricks.feature_matching import _named_layer, _one_input
from tests.conftest import LATENT_DIM, SAMPLE_SHAPE, tiny_discriminator, tiny_generator
from tests.harness import MODELS

#: Every public trick and its default name (the snake_case of its class name).
DEFAULT_NAMES = {
    "GradientPenalty": "gradient_penalty",
    "R1Penalty": "r1_penalty",
    "WeightClipping": "weight_clipping",
    "FeatureMatching": "feature_matching",
    "HistoricalAveraging": "historical_averaging",
    "OrthogonalRegularization": "orthogonal_regularization",
    "Packing": "packing",
    "InstanceNoise": "instance_noise",
    "TrainLosingPlayer": "train_losing_player",
    "TopK": "top_k",
    "DiffAugment": "diff_augment",
    "ADA": "ada",
    "LeCam": "lecam",
    "ConsistencyRegularization": "consistency_regularization",
}


def test_every_public_trick_has_its_default_name_listed():
    public = {name for name in T.__all__
              if isinstance(getattr(T, name), type) and issubclass(getattr(T, name), keras.layers.Layer)}
    assert public - {"Trick"} == set(DEFAULT_NAMES)


@pytest.mark.parametrize("name", sorted(DEFAULT_NAMES))
def test_default_name_and_keras_keywords_reach_the_layer(name):
    cls = getattr(T, name)
    default = cls()
    assert default.name == DEFAULT_NAMES[name]
    assert default.dtype_policy.name == "float32" and default.trainable is True  # the controls of the next lines
    mine = cls(name="mine", dtype="float64", trainable=False)
    assert mine.name == "mine"
    assert mine.dtype_policy.name == "float64"
    assert mine.trainable is False


# ----------------------------------------------------------------------------- state variables

#: The names of each trick's variables once compiled on a tiny GAN (`trick.variables`: its weights, then its
#: seed generators' states), in order. HistoricalAveraging's depend on the networks: one average per variable
#: of each player (the tiny discriminator and generator have 4 each) and a count.
STATE = {
    "GradientPenalty": (lambda: T.GradientPenalty(1.0, seed=0), ["seed_generator_state"]),
    "InstanceNoise": (lambda: T.InstanceNoise(0.1, seed=0), ["updates", "seed_generator_state"]),
    "TopK": (lambda: T.TopK(), ["generator_updates"]),
    "DiffAugment": (lambda: T.DiffAugment("flip", seed=0), ["seed_generator_state"]),
    "ConsistencyRegularization": (lambda: T.ConsistencyRegularization(1.0, augment="flip", seed=0),
                                  ["seed_generator_state"]),
    "ADA": (lambda: T.ADA(policy="flip", seed=0),
            ["p", "sign_sum", "logit_count", "image_count", "updates", "step_signs", "step_logits", "step_images",
             "seed_generator_state"]),
    "LeCam": (lambda: T.LeCam(), ["biased_real", "biased_fake", "updates"]),
    "TrainLosingPlayer": (lambda: T.TrainLosingPlayer(-1e30, -1e30),
                          ["discriminator_threshold", "generator_threshold", "last_d_loss", "last_g_loss"]),
    "HistoricalAveraging": (lambda: T.HistoricalAveraging(),
                            [f"discriminator_avg_{i}" for i in range(4)] + ["discriminator_count"]
                            + [f"generator_avg_{i}" for i in range(4)] + ["generator_count"]),
    # Stateless: nothing to save.
    "R1Penalty": (lambda: T.R1Penalty(1.0), []),
    "WeightClipping": (lambda: T.WeightClipping(0.5), []),
    "OrthogonalRegularization": (lambda: T.OrthogonalRegularization(), []),
}


@pytest.mark.parametrize("name", sorted(STATE))
def test_state_variable_names_after_compile(name):
    factory, expected = STATE[name]
    trick = factory()
    gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM, tricks=[trick])
    gan.compile()
    assert [v.name for v in trick.variables] == expected
    assert [v.path.split("/")[0] for v in trick.weights] == [trick.name] * len(trick.weights)
    assert not trick.trainable_variables


# ----------------------------------------------------------------------------- refusals at compile


def _refusal(model):
    with pytest.raises(GANConfigurationError) as raised:
        model.compile()
    return str(raised.value)


def _two_headed(second, channels=1, first=1):
    """A functional discriminator `x -> [head, second head]`, every layer named (its layers are listed)."""
    x = keras.Input(SAMPLE_SHAPE[:-1] + (channels,), name="x")
    h = keras.layers.Dense(4, name="body")(keras.layers.Flatten(name="flat")(x))
    return keras.Model(x, [keras.layers.Dense(first, name="logit")(h),
                           h if second == "features" else keras.layers.Dense(second, name="q")(h)])


def _infogan(tricks, channels=1):
    return keras_gan.models.InfoGAN(tiny_generator(latent_dim=2 + 3 + 1), _two_headed(4, channels), noise_dim=2,
                                    categorical=(3,), continuous=1, tricks=tricks)


def _conditional(tricks, channels=1):
    return MODELS["ConditionalGAN"](tricks, 0, m=channels)[0]


def test_top_k_refused_on_a_generator_without_adversarial_cost():
    gan = keras_gan.models.SemiSupervisedGAN(tiny_generator(), _two_headed("features", first=3), LATENT_DIM,
                                             num_classes=3, tricks=[T.TopK()])
    assert _refusal(gan) == (
        "SemiSupervisedGAN cannot use TopK: TopK selects samples in the generator's adversarial cost, and "
        "SemiSupervisedGAN's generator has none (it matches features). Use TopK with a model whose generator has "
        "an adversarial cost (GAN, ConditionalGAN, InfoGAN, CycleGAN) instead.")


def test_packing_refused_on_a_discriminator_with_several_inputs():
    assert _refusal(_conditional([T.Packing(2)], channels=2)) == (
        "ConditionalGAN cannot use Packing(m=2): it cuts the samples into packs of 2, and ConditionalGAN's "
        "discriminator takes 2 inputs per sample (the samples and 1 more, such as labels), which cannot be packed "
        "with them. Use keras_gan.layers.MinibatchStandardDeviation or MinibatchDiscrimination in the discriminator "
        "(they also let it judge a batch's variety) instead.")


def test_packing_refused_on_a_discriminator_with_several_outputs():
    assert _refusal(_infogan([T.Packing(2)], channels=2)) == (
        "InfoGAN cannot use Packing(m=2): the discriminator returns one output per pack of 2 samples, and InfoGAN's "
        "discriminator has 2 outputs, which the model reads per sample (codes, classes or features). Use "
        "keras_gan.layers.MinibatchStandardDeviation or MinibatchDiscrimination in the discriminator (they also "
        "let it judge a batch's variety) instead.")


def test_feature_matching_refused_on_a_discriminator_with_several_inputs_names_them():
    assert _refusal(_conditional([T.FeatureMatching()])) == (
        "ConditionalGAN cannot use FeatureMatching: it runs the discriminator on the samples alone, and "
        "ConditionalGAN's discriminator takes 2 inputs ('x', 'label'). Use HistoricalAveraging or "
        "OrthogonalRegularization instead.")


def _stub_model(discriminator):
    """The least `_one_input` and `_named_layer` read of a model: its one discriminator."""
    return types.SimpleNamespace(player_networks=lambda role: [discriminator])


def test_feature_matching_names_inputs_without_a_name_by_a_question_mark():
    discriminator = types.SimpleNamespace(inputs=[object(), object(), object()], outputs=[object()])
    assert _one_input(T.FeatureMatching(), _stub_model(discriminator), {}) == (
        "SimpleNamespace cannot use FeatureMatching: it runs the discriminator on the samples alone, and "
        "SimpleNamespace's discriminator takes 3 inputs ('?', '?', '?'). Use HistoricalAveraging or "
        "OrthogonalRegularization instead.")


def test_feature_matching_on_a_layer_index_of_a_two_headed_discriminator_lists_its_layers():
    assert _refusal(_infogan([T.FeatureMatching(layer=-2)])) == (
        "InfoGAN cannot use FeatureMatching(layer=-2): InfoGAN's discriminator has 2 outputs, so the layer at index "
        "-2 need not hold the features its logit reads (its layers: 'flat', 'body', 'logit', 'q'). Use "
        "FeatureMatching(layer='<the features layer's name>') instead.")


def test_feature_matching_on_a_layer_index_of_a_discriminator_without_layers():
    discriminator = types.SimpleNamespace(inputs=[object()], outputs=[object(), object()])  # no `.layers`
    assert _named_layer(T.FeatureMatching(layer=1), _stub_model(discriminator), {}) == (
        "SimpleNamespace cannot use FeatureMatching(layer=1): SimpleNamespace's discriminator has 2 outputs, so the "
        "layer at index 1 need not hold the features its logit reads (its layers: ). Use "
        "FeatureMatching(layer='<the features layer's name>') instead.")


def test_feature_matching_on_a_layer_past_the_discriminator_gives_the_cut_s_message():
    gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM, tricks=[T.FeatureMatching(layer=7)])
    assert _refusal(gan) == (
        "FeatureMatching cannot read layer 7 of the discriminator (list index out of range). Use a Sequential or "
        "functional discriminator and name an existing layer.")
