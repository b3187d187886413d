"""Feature matching, historical averaging, orthogonal regularization, packing, instance noise,
and training only the losing player: each against its definition, each composable and saved."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan.models import GANStep
from keras_gan.tricks import (
    FeatureMatching,
    HistoricalAveraging,
    InstanceNoise,
    OrthogonalRegularization,
    Packing,
    TrainLosingPlayer,
    orthogonal_penalty,
)
from tests.conftest import LATENT_DIM, SAMPLE_SHAPE, tiny_discriminator, tiny_generator


def make(tricks, discriminator=None, seed=0, **compile_kwargs):
    keras.utils.set_random_seed(seed)
    gan = keras_gan.models.GAN(tiny_generator(), discriminator or tiny_discriminator(), LATENT_DIM,
                               tricks=tricks, seed=seed)
    gan.compile(**compile_kwargs)
    return gan


def test_feature_matching_is_the_squared_distance_of_mean_features(tiny_data):
    trick = FeatureMatching(layer=-2)
    gan = make([trick])
    real, fake = tf.constant(tiny_data[:8]), tf.constant(-tiny_data[8:16])
    value = float(trick.generator_terms(gan, GANStep(real=real, fake=fake))["feature_matching"])
    cut = keras.Model(gan.discriminator.inputs, gan.discriminator.layers[-2].output)
    expected = np.mean((np.asarray(cut(real)).mean(0) - np.asarray(cut(fake)).mean(0)) ** 2)
    np.testing.assert_allclose(value, expected, rtol=1e-5)


def test_feature_matching_can_replace_the_generator_objective(tiny_data):
    gan = make([FeatureMatching(replace_objective=True)])
    step = GANStep(real=tf.constant(tiny_data[:8]), fake=tf.constant(-tiny_data[8:16]), training=True)
    step.fake_logits = tf.constant([[5.0]] * 8)
    loss, logs = gan.compute_generator_loss(step)
    np.testing.assert_allclose(float(loss), float(logs["feature_matching"]), rtol=1e-6)
    history = gan.fit(tiny_data, batch_size=16, verbose=0).history
    np.testing.assert_allclose(history["g_loss"], history["feature_matching"], rtol=1e-5)


def test_historical_averaging_tracks_the_mean_of_past_parameters(tiny_data):
    trick = HistoricalAveraging(weight=0.1)
    gan = make([trick], d_optimizer=keras.optimizers.SGD(0.1), g_optimizer=keras.optimizers.SGD(0.1))
    snapshots = {"discriminator": [], "generator": []}

    class Snapshot(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            for player in snapshots:
                snapshots[player].append([v.numpy().copy() for v in getattr(gan, player).trainable_variables])

    initial = {p: [v.numpy().copy() for v in getattr(gan, p).trainable_variables] for p in snapshots}
    gan.fit(tiny_data, batch_size=16, verbose=0, callbacks=[Snapshot()])  # 4 updates each
    for player in snapshots:
        averages, count = trick._averages[player]
        assert float(count) == 4
        for i, average in enumerate(averages):
            # Average of theta after each update (the initial value is replaced by the first).
            expected = np.mean([snap[i] for snap in snapshots[player]], axis=0)
            np.testing.assert_allclose(average.numpy(), expected, rtol=1e-5, atol=1e-6)
    # The cost term is ||theta - average||^2 over all weights of the player.
    step = GANStep()
    d_term = float(trick.discriminator_terms(gan, step)["historical_averaging_d"])
    expected = sum(np.sum((v.numpy() - a.numpy()) ** 2)
                   for v, a in zip(gan.discriminator.trainable_variables, trick._averages["discriminator"][0]))
    np.testing.assert_allclose(d_term, expected, rtol=1e-5)
    assert initial  # the averages started from the initial weights: term 0 before any update


def test_historical_averaging_state_is_saved(tiny_data, tmp_path):
    gan = make([HistoricalAveraging(players="generator")])
    gan.fit(tiny_data, batch_size=16, verbose=0)
    gan.save(tmp_path / "ha.keras")
    loaded = keras.models.load_model(tmp_path / "ha.keras")
    (trick,) = loaded.tricks
    assert trick.term_names == ("historical_averaging_g",)
    for a, b in zip(trick._averages["generator"][0], gan.tricks[0]._averages["generator"][0]):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_orthogonal_penalty_definition():
    w = np.random.default_rng(0).normal(size=(3, 3, 2, 4)).astype("float32")
    flat = w.reshape(-1, 4)
    gram = flat.T @ flat
    expected = np.sum((gram * (1 - np.eye(4))) ** 2)
    np.testing.assert_allclose(float(orthogonal_penalty(w)), expected, rtol=1e-5)
    q, _ = np.linalg.qr(np.random.default_rng(1).normal(size=(6, 4)))
    assert float(orthogonal_penalty(q.astype("float32"))) < 1e-10


def test_orthogonal_regularization_is_logged_and_shrinks_overlap(tiny_data):
    gan = make([OrthogonalRegularization(weight=1.0)])
    history = gan.fit(tiny_data, batch_size=16, epochs=3, verbose=0).history
    assert history["orthogonal_g"][-1] < history["orthogonal_g"][0]


def test_packing_concatenates_consecutive_samples_along_channels():
    batch = np.random.default_rng(0).normal(size=(6, 2, 2, 3)).astype("float32")
    packed = np.asarray(Packing(3).transform_discriminator_input(None, batch, GANStep(), "real"))
    assert packed.shape == (2, 2, 2, 9)
    np.testing.assert_array_equal(packed[1, ..., 3:6], batch[4])
    np.testing.assert_array_equal(packed[0, ..., 0:3], batch[0])


@pytest.mark.parametrize("m", [2, 3, 4])
def test_packed_discriminator_trains_and_refuses_uneven_batches(tiny_data, m):
    d = tiny_discriminator(sample_shape=SAMPLE_SHAPE[:-1] + (m,))
    gan = make([Packing(m)], discriminator=d)  # builds on a batch every pack size divides
    start = [[np.array(w) for w in network.get_weights()] for network in (gan.generator, gan.discriminator)]
    history = gan.fit(tiny_data[: 12 * 4], batch_size=12, verbose=0).history
    assert np.isfinite(history["d_loss"][0])
    # Both players trained, as scheduled (4 steps of 12 samples, 12 / m packs each), the generator through
    # the packs.
    assert (int(gan.d_optimizer.iterations), int(gan.g_optimizer.iterations)) == (4, 4)
    for before, network in zip(start, (gan.generator, gan.discriminator)):
        assert all(not np.array_equal(a, b) for a, b in zip(before, network.get_weights())), network.name
    with pytest.raises(ValueError, match="multiple of 2"):
        Packing(2).transform_discriminator_input(None, tf.zeros((3, 2)), GANStep(), "real")


def test_instance_noise_anneals_linearly_and_is_saved(tiny_data, tmp_path):
    trick = InstanceNoise(stddev=0.5, anneal_steps=8, seed=0)
    gan = make([trick])
    history = gan.fit(tiny_data, batch_size=16, epochs=2, verbose=0).history  # 8 updates
    np.testing.assert_allclose(float(trick.sigma()), 0.0, atol=1e-7)
    # Epoch means of sigma at updates 0..3 and 4..7: 0.5 * (1 - t / 8).
    np.testing.assert_allclose(history["instance_noise"], [0.5 * (1 - 1.5 / 8), 0.5 * (1 - 5.5 / 8)], rtol=1e-5)
    x = tf.zeros((1000, 2))
    noisy = np.asarray(InstanceNoise(0.3, seed=1).transform_discriminator_input(None, x, GANStep(), "real"))
    np.testing.assert_allclose(noisy.std(), 0.3, rtol=0.05)
    gan.save(tmp_path / "noise.keras")
    assert float(keras.models.load_model(tmp_path / "noise.keras").tricks[0].updates) == 8


def test_train_losing_player_skips_the_winner(tiny_data):
    trick = TrainLosingPlayer(discriminator_threshold=1e6, generator_threshold=0.0)
    gan = make([trick])
    gan.fit(tiny_data, batch_size=16, verbose=0)  # 4 steps: after the first, d_loss < 1e6 -> D frozen
    assert int(gan.d_optimizer.iterations) == 1
    assert int(gan.g_optimizer.iterations) == 4
    trick.discriminator_threshold.assign(0.0)
    gan.fit(tiny_data, batch_size=16, verbose=0)  # 4 more steps, D's gate open again
    assert int(gan.d_optimizer.iterations) == 5
    assert int(gan.g_optimizer.iterations) == 8


def test_changing_k_and_the_tricks_variables_never_retraces_the_step(tiny_data, monkeypatch):
    """k and the thresholds are variables: the step is traced once (TensorFlow traces `schedule.run` once per
    trace of the train function), and every change, between fits or between epochs, acts on that one trace."""
    trick = TrainLosingPlayer(discriminator_threshold=1e6, generator_threshold=0.0)
    gan = make([trick])
    traces = []
    run = gan.schedule.run

    def counting(model, step, B):
        traces.append(1)
        return run(model, step, B)

    monkeypatch.setattr(gan.schedule, "run", counting)  # before anything is traced

    def iterations():
        return int(gan.d_optimizer.iterations), int(gan.g_optimizer.iterations)

    gan.fit(tiny_data, batch_size=16, verbose=0)  # 4 steps: after the first, d_loss < 1e6 -> D frozen
    assert (len(traces), iterations()) == (1, (1, 4))
    trick.discriminator_threshold.assign(0.0)  # between fits: D trains again
    gan.fit(tiny_data, batch_size=16, verbose=0)
    assert (len(traces), iterations()) == (1, (5, 8))
    gan.set_discriminator_steps(2)  # between fits: k = 2

    class Change(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 0:  # during fit: k back to 1, D frozen again
                gan.set_discriminator_steps(1)
                trick.discriminator_threshold.assign(1e6)

    gan.fit(tiny_data, batch_size=16, epochs=2, verbose=0, callbacks=[Change()])
    # Epoch 1 (k = 2, D's gate open): D 4, G 2; epoch 2 (k = 1, D's gate shut): D 0, G 4.
    assert (len(traces), iterations()) == (1, (9, 14))


def test_tricks_compose(tiny_data):
    tricks = [keras_gan.tricks.GradientPenalty(1.0, seed=0), HistoricalAveraging(1e-3),
              OrthogonalRegularization(1e-4), InstanceNoise(0.1, 100, seed=0), FeatureMatching(0.1)]
    gan = make(tricks)
    history = gan.fit(tiny_data, batch_size=16, verbose=0).history
    for name in ("gradient_penalty", "historical_averaging_d", "historical_averaging_g", "orthogonal_g",
                 "instance_noise", "feature_matching"):
        assert name in history and np.isfinite(history[name][0]), name


def test_the_same_trick_twice_is_refused():
    with pytest.raises(ValueError, match="same name"):
        make([OrthogonalRegularization(), OrthogonalRegularization()])
