import keras
import numpy as np
import pytest

import keras_gan
from keras_gan.tricks import WeightClipping
from tests.conftest import LATENT_DIM, tiny_discriminator, tiny_generator


def test_every_discriminator_weight_stays_within_the_clip(tiny_data):
    keras.utils.set_random_seed(0)
    gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM,
                               tricks=[WeightClipping(0.05)], seed=0)
    gan.compile(d_optimizer=keras.optimizers.SGD(1.0), loss="wasserstein")
    gan.fit(tiny_data, batch_size=16, verbose=0)
    weights = np.concatenate([np.ravel(w) for w in gan.discriminator.get_weights()])
    assert np.abs(weights).max() <= 0.05 + 1e-7
    assert np.isclose(np.abs(weights).max(), 0.05)  # the large learning rate hit the bound
    # The generator is not clipped.
    assert max(np.abs(w).max() for w in gan.generator.get_weights()) > 0.05


def test_clip_value_must_be_positive():
    with pytest.raises(ValueError, match="clip_value"):
        WeightClipping(0.0)
