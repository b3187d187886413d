import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from tests.conftest import LATENT_DIM, SAMPLE_SHAPE, tiny_discriminator, tiny_generator


def weights(model):
    return [np.array(v) for v in model.weights]


def changed(before, after):
    return any(not np.array_equal(a, b) for a, b in zip(before, after))


def test_fit_logs_losses_and_probabilities_in_history(make_gan, tiny_data):
    gan = make_gan()
    gan.compile()
    history = gan.fit(tiny_data, batch_size=16, epochs=2, verbose=0)
    assert set(history.history) == {"d_loss", "g_loss", "p_real", "p_fake"}
    assert all(len(v) == 2 for v in history.history.values())
    for key in ("p_real", "p_fake"):
        assert all(0.0 < p < 1.0 for p in history.history[key])


def test_compile_defaults_are_adam_2e4_beta_05_and_non_saturating(make_gan):
    gan = make_gan()
    gan.compile()
    for optimizer in (gan.d_optimizer, gan.g_optimizer):
        assert isinstance(optimizer, keras.optimizers.Adam)
        assert float(optimizer.learning_rate) == pytest.approx(2e-4)
        assert optimizer.beta_1 == pytest.approx(0.5)
    assert gan.d_optimizer is not gan.g_optimizer
    assert isinstance(gan.loss_fn, keras_gan.losses.NonSaturatingLoss)


@pytest.mark.parametrize("frozen", ["generator", "discriminator"])
def test_each_optimizer_updates_only_its_own_network(make_gan, tiny_data, frozen):
    gan = make_gan()
    lr = {"d_optimizer": keras.optimizers.SGD(0.1), "g_optimizer": keras.optimizers.SGD(0.1)}
    gan.compile(**lr)
    other = "discriminator" if frozen == "generator" else "generator"
    # Zero the learning rate of the player we watch: nothing else may move its weights.
    optimizer = gan.g_optimizer if frozen == "generator" else gan.d_optimizer
    optimizer.learning_rate.assign(0.0)
    before = {name: weights(getattr(gan, name)) for name in (frozen, other)}
    gan.fit(tiny_data, batch_size=16, epochs=1, verbose=0)
    assert not changed(before[frozen], weights(getattr(gan, frozen)))
    assert changed(before[other], weights(getattr(gan, other)))
    d_vars = {id(v) for v in gan.discriminator.trainable_variables}
    assert {id(v) for v in gan.d_optimizer._trainable_variables} == d_vars


def test_k_discriminator_steps_per_generator_step(make_gan, tiny_data):
    gan = make_gan(discriminator_steps=3)
    gan.compile()
    gan.fit(tiny_data[:48], batch_size=8, epochs=1, verbose=0)  # 6 batches
    assert int(gan.d_optimizer.iterations) == 6
    assert int(gan.g_optimizer.iterations) == 2


@pytest.mark.parametrize("schedule, g_updates", [([1, 4, 2], 7), ([3, 1, 2], 1 + 4 + 2)])
def test_changing_k_during_training_does_not_retrace(tiny_data, schedule, g_updates):
    traces = []

    class CountingGAN(keras_gan.models.GAN):
        def train_step(self, data):
            traces.append(1)  # Python code runs only while tracing
            return super().train_step(data)

    keras.utils.set_random_seed(0)
    # The step is traced with the first k: k = 1 gates only the generator's apply,
    # k > 1 branches the whole step. Both honour every later k.
    gan = CountingGAN(tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM,
                      discriminator_steps=schedule[0])
    gan.compile()

    class Schedule(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.model.set_discriminator_steps(schedule[epoch])

    gan.fit(tiny_data[:32], batch_size=8, epochs=3, verbose=0, callbacks=[Schedule()])
    assert len(traces) == 1
    # 4 D steps per epoch, and a G step after every k-th: 4 // k per epoch, with the
    # counter carried across epochs (k=3 then 1: 1 G step, 1 D step pending, then 4).
    assert int(gan.d_optimizer.iterations) == 12
    assert int(gan.g_optimizer.iterations) == g_updates


def test_simultaneous_updates_train_both_players(make_gan, tiny_data):
    gan = make_gan(simultaneous=True)
    gan.compile()
    g_before, d_before = weights(gan.generator), weights(gan.discriminator)
    history = gan.fit(tiny_data, batch_size=16, epochs=1, verbose=0)
    assert changed(g_before, weights(gan.generator)) and changed(d_before, weights(gan.discriminator))
    assert int(gan.d_optimizer.iterations) == int(gan.g_optimizer.iterations) == 4
    assert np.isfinite(history.history["g_loss"][0])


def test_alternating_generator_step_sees_the_updated_discriminator(tiny_data):
    """The G loss logged by the alternating step comes from D after its update."""
    recorded = {}

    class Probe(keras_gan.models.GAN):
        def compute_generator_loss(self, step):
            recorded["d_iterations_at_g_loss"] = self.d_optimizer.iterations + 0
            return super().compute_generator_loss(step)

    keras.utils.set_random_seed(0)
    gan = Probe(tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM)
    gan.compile(run_eagerly=True)
    gan.fit(tiny_data[:8], batch_size=8, epochs=1, verbose=0)
    assert int(recorded["d_iterations_at_g_loss"]) == 1


def test_evaluate_computes_metrics_without_updating(make_gan, tiny_data):
    gan = make_gan()
    gan.compile()
    before = weights(gan.generator) + weights(gan.discriminator)
    results = gan.evaluate(tiny_data, batch_size=16, verbose=0, return_dict=True)
    assert set(results) == {"d_loss", "g_loss", "p_real", "p_fake"}
    assert not changed(before, weights(gan.generator) + weights(gan.discriminator))
    assert int(gan.d_optimizer.iterations) == 0 and int(gan.g_optimizer.iterations) == 0


def test_accepts_datasets_of_images_and_of_image_label_pairs(make_gan, tiny_data):
    gan = make_gan()
    gan.compile()
    labels = np.arange(len(tiny_data)) % 10
    for ds in (
        tf.data.Dataset.from_tensor_slices(tiny_data).batch(16),
        tf.data.Dataset.from_tensor_slices((tiny_data, labels)).batch(16),
    ):
        history = gan.fit(ds, epochs=1, verbose=0)
        assert np.isfinite(history.history["d_loss"][0])
    gan.fit(tiny_data, labels, batch_size=16, epochs=1, verbose=0)


def test_generate_predict_and_call_agree(make_gan):
    gan = make_gan()
    gan.compile()
    z = np.random.default_rng(0).normal(size=(5, LATENT_DIM)).astype("float32")
    generated = gan.generate(z)
    assert generated.shape == (5,) + SAMPLE_SHAPE
    np.testing.assert_allclose(gan.predict(z, verbose=0), generated, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(gan(z)), generated, rtol=1e-6)
    np.testing.assert_array_equal(gan.generate(7, seed=3), gan.generate(7, seed=3))
    assert gan.generate(600).shape == (600,) + SAMPLE_SHAPE


def test_uniform_latent_distribution(make_gan):
    gan = make_gan(latent_distribution="uniform")
    z = np.asarray(gan.sample_latent_vectors(2000))
    assert z.min() >= -1.0 and z.max() <= 1.0 and z.min() < -0.95 and z.max() > 0.95
    normal = np.asarray(make_gan().sample_latent_vectors(2000))
    assert abs(normal.std() - 1.0) < 0.05


@pytest.mark.filterwarnings("ignore:The Wasserstein loss needs")
@pytest.mark.parametrize("name", sorted(keras_gan.losses.ALL_OBJECTS))
def test_any_objective_trains(make_gan, tiny_data, name):
    """Both players update as scheduled, and each player's objective moves it the right way: trained alone,
    the discriminator scores real data above generated data, and the generator raises its samples' scores."""
    gan = make_gan()
    gan.compile(loss=name, d_optimizer=keras.optimizers.Adam(1e-2), g_optimizer=keras.optimizers.Adam(1e-2))
    g_start, d_start = weights(gan.generator), weights(gan.discriminator)
    history = gan.fit(tiny_data, batch_size=16, epochs=1, verbose=0).history
    assert changed(g_start, weights(gan.generator)) and changed(d_start, weights(gan.discriminator))
    assert (int(gan.d_optimizer.iterations), int(gan.g_optimizer.iterations)) == (4, 4)  # k = 1: 4 steps, 4 each
    assert all(np.isfinite(v[0]) for v in history.values())
    if not gan.loss_fn.probabilistic:
        assert "critic_gap" in history

    def score(x):
        return float(np.mean(np.asarray(gan.discriminator(x))))

    # The discriminator alone (k larger than the steps: the generator's turn never comes), 12 updates.
    gan.set_discriminator_steps(1000)
    fake = gan.generate(64, seed=1)  # the generator is frozen: its samples stay these
    gap = score(tiny_data) - score(fake)
    g_before = weights(gan.generator)
    history = gan.fit(tiny_data, batch_size=16, epochs=3, verbose=0).history
    assert not changed(g_before, weights(gan.generator))
    assert (int(gan.d_optimizer.iterations), int(gan.g_optimizer.iterations)) == (16, 4)
    assert np.all(np.diff(history["d_loss"]) < 0), history["d_loss"]
    assert score(tiny_data) - score(fake) > max(gap, 0.0) + 0.1, (gap, score(tiny_data) - score(fake))
    if "p_real" in history:
        assert history["p_real"][-1] > history["p_fake"][-1]

    # The generator alone (the discriminator's learning rate 0, k = 1), 12 updates.
    gan.set_discriminator_steps(1)
    gan.d_optimizer.learning_rate.assign(0.0)
    z = gan.sample_latent_vectors(64, seed=2)
    fooled = score(gan.generate(z))
    d_before = weights(gan.discriminator)
    history = gan.fit(tiny_data, batch_size=16, epochs=3, verbose=0).history
    assert not changed(d_before, weights(gan.discriminator))
    assert int(gan.g_optimizer.iterations) == 16
    assert np.all(np.diff(history["g_loss"]) < 0), history["g_loss"]
    assert score(gan.generate(z)) > fooled + 0.1, (fooled, score(gan.generate(z)))


def test_layer_regularization_losses_join_their_players_cost(tiny_data):
    keras.utils.set_random_seed(0)
    d = keras.Sequential([
        keras.Input(SAMPLE_SHAPE), keras.layers.Flatten(),
        keras.layers.Dense(1, kernel_regularizer=keras.regularizers.L2(100.0)),
    ])
    gan = keras_gan.models.GAN(tiny_generator(), d, latent_dim=LATENT_DIM)
    gan.compile()
    plain = keras_gan.losses.NonSaturatingLoss()
    step = gan.prepare_step(tiny_data[:8], training=False)
    step.z = gan.sample_latent(step)
    step.fake = gan.generate_batch(step, training=False)
    step.real_logits = gan.discriminate(step.real, step, training=False)
    step.fake_logits = gan.discriminate(step.fake, step, training=False)
    expected = float(plain.discriminator_loss(step.real_logits, step.fake_logits)) + float(d.losses[0])
    loss, logs = gan.compute_discriminator_loss(step)
    assert float(loss) == pytest.approx(expected, rel=1e-5)
    assert float(logs["d_loss"]) == pytest.approx(expected, rel=1e-5)
