import re

import keras
import numpy as np
import pytest
from keras import ops

from keras_gan import losses

NAMES = ["minimax", "non_saturating", "maximum_likelihood", "least_squares", "wasserstein", "hinge"]


@pytest.mark.parametrize("name", NAMES)
def test_every_documented_name_resolves_and_round_trips(name):
    loss = losses.get(name)
    assert isinstance(loss, losses.AdversarialLoss) and isinstance(loss, keras.losses.Loss)
    restored = losses.deserialize(losses.serialize(loss))
    assert type(restored) is type(loss) and restored.name == loss.name


def test_serialization_keeps_label_smoothing():
    restored = losses.deserialize(losses.serialize(losses.NonSaturatingLoss(label_smoothing=0.1)))
    assert restored.label_smoothing == pytest.approx(0.1)


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="Unknown GAN loss 'wasserstien'.*non_saturating"):
        losses.get("wasserstien")


def test_a_plain_keras_loss_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="discriminator cost and a generator cost"):
        losses.get(keras.losses.MeanSquaredError())


def test_label_smoothing_out_of_range():
    with pytest.raises(ValueError, match="label_smoothing"):
        losses.NonSaturatingLoss(label_smoothing=1.0)


_FIX = "`keras_gan.losses.AdversarialLoss` instance."


@pytest.mark.parametrize("name, cls", [
    ("Non-Saturating", losses.NonSaturatingLoss), ("least-squares", losses.LeastSquaresLoss),
    ("nonsaturating", losses.NonSaturatingLoss), ("LSGAN", losses.LeastSquaresLoss),
    ("wgan", losses.WassersteinLoss), ("maximum-likelihood", losses.MaximumLikelihoodLoss),
])
def test_get_accepts_dashes_any_case_and_the_aliases(name, cls):
    assert type(losses.get(name)) is cls


@pytest.mark.parametrize("cls", [losses.HingeLoss, losses.MinimaxLoss])
def test_get_instantiates_a_loss_class(cls):
    loss = losses.get(cls)
    assert type(loss) is cls and loss.label_smoothing == 0.0


def test_unknown_name_message_is_the_full_sentence():
    expected = (f"Unknown GAN loss 'wasserstien'. Use one of {sorted(losses.ALL_OBJECTS)} or pass a {_FIX}")
    with pytest.raises(ValueError, match=f"^{re.escape(expected)}$"):
        losses.get("wasserstien")


@pytest.mark.parametrize("bad", [42, keras.losses.MeanSquaredError])
def test_unusable_identifier_message_is_the_full_sentence(bad):
    expected = (f"Cannot use {bad!r} as a GAN loss: a GAN needs a discriminator cost and a generator cost. "
                f"Pass a name such as 'non_saturating' or a {_FIX}")
    with pytest.raises(ValueError, match=f"^{re.escape(expected)}$"):
        losses.get(bad)


def test_label_smoothing_message_is_the_full_sentence():
    expected = ("`label_smoothing` must be in [0, 1): the real target becomes 1 - label_smoothing. "
                "Received: label_smoothing=1.5")
    with pytest.raises(ValueError, match=f"^{re.escape(expected)}$"):
        losses.NonSaturatingLoss(label_smoothing=1.5)


class _Gap(losses.AdversarialLoss):
    def call(self, y_true, y_pred):
        return ops.square(y_pred - ops.cast(y_true, y_pred.dtype))


def test_a_subclass_that_omits_label_smoothing_gets_none():
    loss = _Gap()
    assert loss.label_smoothing == 0.0
    # Real target 1, fake target 0: (2 - 1)^2 + (1 - 0)^2 = 2.
    assert float(loss.discriminator_loss([2.0], [1.0])) == pytest.approx(2.0)


@pytest.mark.parametrize("cls, name", [
    (losses.MinimaxLoss, "minimax"), (losses.NonSaturatingLoss, "non_saturating"),
    (losses.MaximumLikelihoodLoss, "maximum_likelihood"), (losses.LeastSquaresLoss, "least_squares"),
    (losses.WassersteinLoss, "wasserstein"), (losses.HingeLoss, "hinge"),
])
def test_default_names_and_keras_arguments_reach_keras(cls, name):
    assert cls().name == name
    assert cls(name="mine").name == "mine"
    # `reduction` and `dtype` are passed on to keras.losses.Loss.
    per_sample = cls(reduction=None)(np.array([1.0, 0.0, 1.0]), np.array([0.5, -0.5, 2.0]))
    assert tuple(per_sample.shape) == (3,)
    half = cls(dtype="float16")(np.array([1.0, 0.0]), np.array([0.5, -0.5]))
    assert keras.backend.standardize_dtype(half.dtype) == "float16"


@pytest.mark.parametrize("cls", [losses.MinimaxLoss, losses.NonSaturatingLoss, losses.MaximumLikelihoodLoss,
                                 losses.LeastSquaresLoss])
def test_label_smoothing_reaches_the_base_class(cls):
    assert cls().label_smoothing == 0.0
    assert cls(label_smoothing=0.2).label_smoothing == pytest.approx(0.2)


@pytest.mark.parametrize("cls", [losses.MinimaxLoss, losses.NonSaturatingLoss, losses.MaximumLikelihoodLoss,
                                 losses.LeastSquaresLoss, losses.WassersteinLoss, losses.HingeLoss])
def test_float16_scores_give_the_float32_values(cls):
    y_true, y_pred = np.array([1.0, 0.0, 1.0, 0.0]), np.array([0.5, -0.5, 2.0, 1.0])
    reference = np.asarray(cls(reduction=None)(y_true, y_pred.astype("float32")))
    half = cls(reduction=None, dtype="float16")(y_true, y_pred.astype("float16"))
    np.testing.assert_allclose(np.asarray(half, dtype="float32"), reference, rtol=2e-3, atol=2e-3)
