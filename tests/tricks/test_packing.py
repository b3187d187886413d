"""Packing (PacGAN) checked against its definition: packs of one kind, the paper's loss, and what it can see.

Lin et al., "PacGAN: The power of two samples in generative adversarial networks", NeurIPS 2018:
the discriminator judges m samples at once, concatenated, all real or all generated, with the
ordinary GAN loss on the packs.
"""

import types

import keras
import numpy as np
import pytest
from keras import ops

import keras_gan
from keras_gan.errors import GANConfigurationError
from keras_gan.tricks import Packing

layers = keras.layers


class Recorder(layers.Layer):
    """Passes its input through, keeping a copy of every concrete batch it sees (run eagerly) in `log.batches`."""

    def __init__(self, log, **kwargs):
        super().__init__(**kwargs)
        self.log = log  # not a list: Keras would track (copy) a list attribute

    def call(self, x):
        if not isinstance(x, keras.KerasTensor):
            self.log.batches.append(np.array(ops.convert_to_numpy(x)))
        return x


def _numbered(n, sample_shape):
    """n samples whose every value says which sample it belongs to: sample i holds 1000 (i + 1) + position."""
    size = int(np.prod(sample_shape))
    return (1000.0 * (np.arange(n)[:, None] + 1) + np.arange(size)[None, :]).reshape((n,) + sample_shape)


def _unpack(packs, m):
    """The inverse of concatenating m samples along the last axis: (P, ..., m C) -> (P, m, ..., C)."""
    shape = packs.shape[1:-1] + (m, packs.shape[-1] // m)
    return np.moveaxis(packs.reshape((len(packs),) + shape), -2, 1)


@pytest.mark.parametrize("m, sample_shape", [(2, (3,)), (3, (2,)), (2, (2, 2, 3))])
def test_the_discriminator_sees_m_samples_of_one_kind_concatenated(m, sample_shape):
    size = int(np.prod(sample_shape))
    batch = 4 * m
    real = _numbered(2 * batch, sample_shape).astype("float32")
    # Generated samples are -1 in every position, real ones positive.
    generator = keras.Sequential([keras.Input((4,)), layers.Dense(size, kernel_initializer="zeros",
                                                                  bias_initializer=keras.initializers.Constant(-1.0)),
                                  layers.Reshape(sample_shape)])
    log = types.SimpleNamespace(batches=[])
    packed_shape = sample_shape[:-1] + (m * sample_shape[-1],)
    discriminator = keras.Sequential([keras.Input(packed_shape), Recorder(log), layers.Flatten(), layers.Dense(1)])
    gan = keras_gan.models.GAN(generator, discriminator, latent_dim=4, tricks=[Packing(m)], seed=0)
    gan.compile(run_eagerly=True)
    log.batches.clear()  # the build's own call
    gan.fit(real, batch_size=batch, epochs=1, shuffle=False, verbose=0)
    seen = log.batches

    assert seen and all(inputs.shape == (batch // m,) + packed_shape for inputs in seen)
    real_inputs = []
    for inputs in seen:
        samples = _unpack(inputs, m)  # (packs, m) + sample_shape
        is_real = (samples > 0).reshape(len(samples), -1)
        assert np.all(is_real.all(axis=1) | (~is_real).all(axis=1)), "a pack mixes real and generated samples"
        if is_real.all():
            real_inputs.append(samples)
        else:
            assert not is_real.any(), "an input holds packs of both kinds"
    # Each discriminator update sees its real batch exactly once, m consecutive samples per pack, in order.
    assert len(real_inputs) == 2
    for step, samples in enumerate(real_inputs):
        np.testing.assert_array_equal(samples.reshape((batch,) + sample_shape), real[step * batch:(step + 1) * batch])


@pytest.mark.parametrize("loss", ["non_saturating", "minimax"])
def test_the_losses_are_the_papers_on_a_hand_computed_example(loss):
    m, batch = 2, 6
    real = np.array([[0.5, -1.0], [1.5, 0.0], [-0.5, 2.0], [1.0, 1.0], [0.0, -2.0], [2.0, 0.5]], "float32")
    g = np.array([0.25, -0.75], "float32")
    w = np.array([0.3, -0.2, 0.5, 0.1], "float32")
    b = -0.1
    generator = keras.Sequential([keras.Input((3,)), layers.Dense(
        2, kernel_initializer="zeros", bias_initializer=keras.initializers.Constant(g))])
    constant = keras.initializers.Constant
    discriminator = keras.Sequential([keras.Input((2 * m,)), layers.Dense(
        1, kernel_initializer=constant(w[:, None]), bias_initializer=constant(b))])
    gan = keras_gan.models.GAN(generator, discriminator, latent_dim=3, tricks=[Packing(m)], seed=0)
    gan.compile(loss=loss)
    logs = gan.evaluate(real, batch_size=batch, verbose=0, return_dict=True)

    # By hand: packs (x1, x2), (x3, x4), (x5, x6) of real data, label 1; every generated pack is (g, g), label 0.
    real_logits = np.array([w @ np.concatenate(real[i:i + m]) + b for i in range(0, batch, m)], "float64")
    fake_logit = float(w @ np.concatenate([g, g]) + b)

    def softplus(x):
        return np.log1p(np.exp(x))

    def sigmoid(x):
        return 1.0 / (1.0 + np.exp(-x))

    # -E log D(real pack) - E log(1 - D(generated pack))
    d_loss = np.mean(softplus(-real_logits)) + softplus(fake_logit)
    # non-saturating: -E log D(generated pack); minimax: E log(1 - D(generated pack))
    g_loss = softplus(-fake_logit) if loss == "non_saturating" else -softplus(fake_logit)
    assert logs["d_loss"] == pytest.approx(d_loss, rel=1e-5)
    assert logs["g_loss"] == pytest.approx(g_loss, rel=1e-5)
    assert logs["p_real"] == pytest.approx(np.mean(sigmoid(real_logits)), rel=1e-5)
    assert logs["p_fake"] == pytest.approx(sigmoid(fake_logit), rel=1e-5)


def test_batches_that_do_not_split_into_packs_are_refused():
    generator = keras.Sequential([keras.Input((2,)), layers.Dense(2)])
    discriminator = keras.Sequential([keras.Input((6,)), layers.Dense(1)])
    gan = keras_gan.models.GAN(generator, discriminator, latent_dim=2, tricks=[Packing(3)])
    gan.compile(run_eagerly=True)
    with pytest.raises(GANConfigurationError, match="multiple of 3"):
        gan.fit(np.zeros((8, 2), "float32"), batch_size=4, epochs=1, verbose=0)


class ModeHopping(layers.Layer):
    """A mode-collapsed generator that hops: each batch sits on one of the modes -1 and +1, drawn per batch.

    The mode is the sign of the batch's first latent value, the spread is the second latent
    coordinate: every single sample is distributed exactly as the real data (each mode with
    probability 1/2, N(mode, 0.05^2) around it), but any two samples of one batch share a mode.
    The "rotating through the modes" collapse of Goodfellow's tutorial (section 5.1.1).
    """

    def call(self, z):
        mode = 2.0 * ops.cast(z[:1, :1] > 0, z.dtype) - 1.0  # (1, 1): one mode for the whole batch
        return mode + 0.05 * z[:, 1:2]


def _train_discriminator(m, real, steps_per_epoch=64, epochs=5):
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([keras.Input((2,)), ModeHopping()])
    discriminator = keras.Sequential([keras.Input((m,)), layers.Dense(32, activation="relu"),
                                      layers.Dense(32, activation="relu"), layers.Dense(1)])
    tricks = [Packing(m)] if m > 1 else []
    gan = keras_gan.models.GAN(generator, discriminator, latent_dim=2, tricks=tricks, seed=0)
    gan.compile(d_optimizer=keras.optimizers.Adam(3e-3), g_optimizer=keras.optimizers.Adam(3e-3))
    history = gan.fit(real, batch_size=len(real) // steps_per_epoch, epochs=epochs, verbose=0)
    return {key: values[-1] for key, values in history.history.items()}


def test_only_a_packed_discriminator_can_tell_a_mode_hopping_generator_from_the_data():
    """Unpacked, the discriminator provably cannot: its loss depends on one sample at a time.

    A sample of the generator has exactly the data's distribution, so for every discriminator D the
    expected loss E_real[-log D(x)] + E_fake[-log(1 - D(x))] is the same as against real data: the best
    D is 1/2 everywhere (loss 2 log 2, p_real = p_fake). Packed by two, half of the real pairs span
    both modes and no generated pair does: the best D says "real" for mixed pairs and 1/3 for the
    others, p_real 2/3, p_fake 1/3, loss (log 3) / 2 + log(3 / 2) = 0.955.
    """
    rng = np.random.default_rng(0)
    real = (rng.choice([-1.0, 1.0], size=(4096, 1)) + 0.05 * rng.normal(size=(4096, 1))).astype("float32")
    unpacked = _train_discriminator(1, real)
    packed = _train_discriminator(2, real)
    # Both reach their optimum (measured: 1.383, 0.490 / 0.487 unpacked; 0.963, 0.658 / 0.326 packed).
    assert unpacked["d_loss"] == pytest.approx(2 * np.log(2), abs=0.03)
    assert abs(unpacked["p_real"] - unpacked["p_fake"]) < 0.05
    assert packed["d_loss"] == pytest.approx(np.log(3) / 2 + np.log(1.5), abs=0.05)
    assert packed["p_real"] == pytest.approx(2 / 3, abs=0.05) and packed["p_fake"] == pytest.approx(1 / 3, abs=0.05)


@pytest.mark.parametrize("penalty", ["gradient_penalty", "r1_penalty"])
def test_gradient_penalties_see_the_packed_discriminator(penalty):
    # A linear critic on pairs whose weights for each sample of the pair have norm 1: the packed
    # critic's gradient has norm sqrt(2) everywhere. WGAN-GP's penalty on it is (sqrt(2) - 1)^2, R1's is 2.
    generator = keras.Sequential([keras.Input((2,)), layers.Dense(2)])
    critic = keras.Sequential([keras.Input((4,)), layers.Dense(
        1, use_bias=False, kernel_initializer=keras.initializers.Constant([[0.6], [0.8], [0.6], [0.8]]))])
    trick = keras_gan.tricks.GradientPenalty(10.0) if penalty == "gradient_penalty" else keras_gan.tricks.R1Penalty()
    gan = keras_gan.models.GAN(generator, critic, latent_dim=2, tricks=[Packing(2), trick], seed=0)
    gan.compile(loss="wasserstein")
    logs = gan.evaluate(np.random.default_rng(0).normal(size=(8, 2)).astype("float32"), batch_size=8, verbose=0,
                        return_dict=True)
    expected = (np.sqrt(2.0) - 1.0) ** 2 if penalty == "gradient_penalty" else 2.0
    assert logs[penalty] == pytest.approx(expected, rel=1e-4)


def test_the_batch_rule_names_the_bad_sizes_or_the_unfixed_size():
    """Packing's `fit` rule: sizes that are not multiples of m are named (fixed or not); sizes that all are,
    but from a dataset whose batch size is not fixed, get the drop_remainder fix; none of the two: no word."""
    from keras_gan.tricks.input_transforms import _batches_of_packs

    trick = Packing(2)
    unfixed = "a tf.data.Dataset whose batch size is not fixed"
    assert _batches_of_packs(trick, None, {"batch_sizes": [4, 2], "batch_text": "batch_size=4"}) is None
    assert _batches_of_packs(trick, None, {"batch_sizes": [4, 3], "batch_text": unfixed}) == (
        f"Packing(m=2) needs batches of a multiple of 2 samples; {unfixed} gives batches of 3, 4. Choose "
        "`batch_size` as a multiple of 2 and drop the last partial batch (x[: len(x) - len(x) % batch_size], or "
        "dataset.batch(batch_size, drop_remainder=True)).")
    assert _batches_of_packs(trick, None, {"batch_sizes": [4], "batch_text": unfixed}) == (
        "Packing(m=2) needs every batch to hold a multiple of 2 samples, and the dataset's batch size is not "
        "fixed (its last batch may be partial). Batch it with dataset.batch(batch_size, drop_remainder=True), "
        "batch_size a multiple of 2.")
    assert _batches_of_packs(Packing(1), None, {"batch_sizes": [3], "batch_text": unfixed}) is None
