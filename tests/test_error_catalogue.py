"""The catalogue of user mistakes: each gets a message that names the problem and the fix,
before any training step runs, never a stack trace from inside TensorFlow."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan.networks import conditional as cnets
from tests.conftest import LATENT_DIM, SAMPLE_SHAPE, tiny_discriminator, tiny_generator

DATA = np.random.default_rng(0).uniform(-1, 1, (32,) + SAMPLE_SHAPE).astype("float32")


def compiled(**kwargs):
    gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM, **kwargs)
    gan.compile()
    return gan


def cgan():
    gan = keras_gan.models.ConditionalGAN(cnets.conditional_mlp_generator(3, 3, SAMPLE_SHAPE, hidden=4),
                                          cnets.conditional_mlp_discriminator(SAMPLE_SHAPE, 3, hidden=4),
                                          latent_dim=3, num_classes=3)
    gan.compile()
    return gan


def two_logit_discriminator():
    return keras.Sequential([keras.Input(SAMPLE_SHAPE), keras.layers.Flatten(), keras.layers.Dense(2)])


def infogan_with_q(units):
    x = keras.Input(SAMPLE_SHAPE)
    h = keras.layers.Flatten()(x)
    d = keras.Model(x, [keras.layers.Dense(1)(h), keras.layers.Dense(units)(h)])
    gan = keras_gan.models.InfoGAN(tiny_generator(latent_dim=2 + 4), d, noise_dim=2, categorical=(3,), continuous=1)
    gan.compile()


def cyclegan_fit(a, b):
    s = (8, 8, 1)

    def translator():
        return keras.Sequential([keras.Input(s), keras.layers.Conv2D(1, 1, activation="tanh")])

    def critic():
        return keras.Sequential([keras.Input(s), keras.layers.Conv2D(1, 3, strides=2)])

    gan = keras_gan.models.CycleGAN(translator(), translator(), critic(), critic())
    gan.compile()
    gan.fit(a, b, verbose=0)


IMAGES_8 = np.zeros((16, 8, 8, 1), "float32")

MISTAKES = [
    ("discriminator with two outputs per sample",
     lambda: keras_gan.models.GAN(tiny_generator(), two_logit_discriminator(), LATENT_DIM).compile(),
     ValueError, r"one logit per sample.*Dense\(1\)"),
    ("generator output shape differs from the data",
     lambda: compiled().fit(np.zeros((8, 5, 5, 1), "float32"), verbose=0),
     ValueError, r"generator's output shape \(4, 4, 1\).*data's sample shape \(5, 5, 1\)"),
    ("generator input size differs from latent_dim",
     lambda: keras_gan.models.GAN(tiny_generator(latent_dim=7), tiny_discriminator(), LATENT_DIM).compile(),
     ValueError, r"input size equal `latent_dim`"),
    ("fit before compile",
     lambda: keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM).fit(DATA),
     ValueError, r"Call `compile\(\)` before `fit\(\)`"),
    ("unknown loss name",
     lambda: keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM).compile(loss="wassertein"),
     ValueError, r"Unknown GAN loss .wassertein.. Use one of"),
    ("unknown trick",
     lambda: keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM, tricks=["gp"]),
     TypeError, r"keras_gan.tricks.Trick"),
    ("conditional model without labels", lambda: cgan().fit(DATA, verbose=0),
     ValueError, r"needs a label for every sample \(an integer class.*without `labels`"),
    ("labels out of range", lambda: cgan().fit(DATA, np.arange(32) % 5, verbose=0),
     ValueError, r"must lie in \[0, num_classes=3\)"),
    ("one-hot labels of the wrong width", lambda: cgan().fit(DATA, np.eye(4)[np.arange(32) % 4], verbose=0),
     ValueError, r"width num_classes=3"),
    ("InfoGAN codes that do not match the Q head", lambda: infogan_with_q(5),
     ValueError, r"Q head returns 5 values per sample.*need 4"),
    ("a dataset that yields nothing",
     lambda: compiled().fit(tf.data.Dataset.from_tensor_slices(DATA).batch(64, drop_remainder=True), verbose=0),
     ValueError, r"yields no batches"),
    ("NaN in the data", lambda: compiled().fit(np.where(DATA > 0.9, np.nan, DATA), verbose=0),
     ValueError, r"NaN or Inf values.*nan_to_num"),
    ("Inf in a dataset", lambda: compiled().fit(tf.data.Dataset.from_tensor_slices(
        np.where(DATA > 0.9, np.inf, DATA)).batch(8), verbose=0), ValueError, r"NaN or Inf"),
    ("integer images", lambda: compiled().fit((DATA * 127 + 128).astype("uint8"), verbose=0),
     ValueError, r"integer type \(uint8\).*127.5 - 1"),
    ("generate(0)", lambda: compiled().generate(0), ValueError, r"positive number of samples"),
    ("generate(-3)", lambda: compiled().generate(-3), ValueError, r"positive number of samples"),
    ("latent vectors of the wrong length", lambda: compiled().generate(np.zeros((2, 9))),
     ValueError, r"shape \(n, latent_dim=3\)"),
    ("latent_dim of the wrong type",
     lambda: keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), "3"), TypeError, r"positive int"),
    ("CycleGAN given one domain", lambda: cyclegan_fit(IMAGES_8, None), ValueError, r"two domains"),
    ("CycleGAN domains of different sizes", lambda: cyclegan_fit(IMAGES_8, IMAGES_8[:5]),
     ValueError, r"as many A images as B images"),
    ("evaluation metric given images of the wrong shape",
     lambda: keras_gan.metrics.conditional_accuracy(np.zeros((4, 32, 32, 3)), [0, 1, 2, 3]),
     ValueError, r"takes images of shape \(28, 28, 1\); received images of shape \(32, 32, 3\)"),
    ("FID given images without a channel axis",
     lambda: keras_gan.metrics.DigitFrechetDistance().update_state(np.zeros((4, 28, 28)), np.zeros((4, 28, 28))),
     ValueError, r"add a channel axis: x\[\.\.\., None\]"),
    ("Evaluate with a metric for other images than the generator's",
     lambda: compiled().fit(DATA, verbose=0, callbacks=[keras_gan.callbacks.Evaluate(DATA, "digit_fd", 8)]),
     ValueError, r"expects \(28, 28, 1\)"),
    ("unknown evaluation metric", lambda: keras_gan.callbacks.Evaluate(DATA, ["frechet"]),
     ValueError, r"Unknown sample-quality metric 'frechet'"),
    ("the same optimizer for both players",
     lambda: (lambda o: keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM).compile(
         d_optimizer=o, g_optimizer=o))(keras.optimizers.Adam()), ValueError, r"each player needs its own optimizer"),
    ("discriminator_steps of 0",
     lambda: keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM, discriminator_steps=0),
     ValueError, r"int >= 1"),
    ("unknown latent distribution",
     lambda: keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM, latent_distribution="gauss"),
     ValueError, r"'normal', 'uniform'"),
]


@pytest.mark.parametrize("case", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_mistake_gets_a_clear_error(case):
    _, action, error, pattern = case
    with pytest.raises(error, match=pattern) as info:
        action()
    message = str(info.value)
    assert "Traceback" not in message and "tensorflow/" not in message and len(message) < 600


def test_the_catalogue_has_at_least_twenty_mistakes():
    assert len(MISTAKES) >= 20


def test_unscaled_images_warn():
    with pytest.warns(UserWarning, match=r"ranges over \[0, 255\].*\[-1, 1\]"):
        compiled().fit(np.linspace(0, 255, 32 * 16, dtype="float32").reshape((32,) + SAMPLE_SHAPE), verbose=0)


def test_sigmoid_discriminator_with_a_logit_loss_warns():
    d = keras.Sequential([keras.Input(SAMPLE_SHAPE), keras.layers.Flatten(),
                          keras.layers.Dense(1, activation="sigmoid")])
    with pytest.warns(UserWarning, match=r"ends with a sigmoid.*take logits"):
        keras_gan.models.GAN(tiny_generator(), d, LATENT_DIM).compile()


def test_divergence_stops_with_the_step_and_player_and_keeps_the_last_good_weights():
    gan = compiled(seed=0)
    gan.fit(DATA, batch_size=4, verbose=0, callbacks=[keras_gan.callbacks.StopOnDivergence(every=2)])  # 8 steps

    def state():  # every variable the guard restores: the networks', the schedule's, both optimizers'
        variables = list(gan.variables) + list(gan.d_optimizer.variables) + list(gan.g_optimizer.variables)
        return {id(v): np.array(keras.ops.convert_to_numpy(v), copy=True) for v in variables}

    seen = {}

    class Poison(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen[batch + 1] = state()  # the state after step batch + 1, before the poison
            if batch == 2:  # after step 3: only the discriminator's weights turn NaN
                for v in gan.discriminator.trainable_variables:
                    v.assign(v * np.nan)

    guard = keras_gan.callbacks.StopOnDivergence(every=2)
    history = gan.fit(DATA, batch_size=4, epochs=3, verbose=0, callbacks=[Poison(), guard])
    assert guard.diverged == {"step": 4, "player": "discriminator", "loss": "d_loss", "restored_step": 2}
    assert "Training diverged at step 4: the discriminator's loss (d_loss)" in guard.message
    assert len(history.history["d_loss"]) == 1  # stopped in the first epoch
    # The last good weights are those of the snapshot at step 2, exactly: not step 3's (finite, but not a
    # snapshot), not step 4's (NaN), not the previous fit's end.
    now = state()
    assert now.keys() == seen[2].keys()
    for key, value in seen[2].items():
        np.testing.assert_array_equal(now[key], value)
    assert int(gan.d_optimizer.iterations) == int(gan.g_optimizer.iterations) == 8 + 2
    assert any(not np.array_equal(now[key], seen[3][key]) for key in now)
