import keras
import pytest

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
