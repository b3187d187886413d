"""GANHyperModel: the tuner's objective is the sample-quality metric, and the best trial has the best value."""

import keras
import numpy as np
import pytest

import keras_gan

keras_tuner = pytest.importorskip("keras_tuner")
from keras_gan.tuning import DEFAULT_SEARCH_SPACE, GANHyperModel  # noqa: E402


def _tiny_networks(image_shape, latent_dim, width):
    generator = keras.Sequential([keras.Input((latent_dim,)), keras.layers.Dense(784, activation="tanh"),
                                  keras.layers.Reshape(image_shape)])
    discriminator = keras.Sequential([keras.Input(image_shape), keras.layers.Flatten(), keras.layers.Dense(width),
                                      keras.layers.LeakyReLU(0.2), keras.layers.Dense(1)])
    return generator, discriminator


def test_two_trials_report_the_metric_and_the_best_trial_has_the_best_metric(tmp_path):
    images = keras_gan.datasets.load_digits()[0][:256]
    hypermodel = GANHyperModel(metric="digit_fd", num_eval_samples=64, build_networks=_tiny_networks,
                               search_space={"width": 4, "latent_dim": [8, 16], "discriminator_steps": 1})
    assert (hypermodel.objective.name, hypermodel.objective.direction) == ("digit_fd", "min")
    logged = []

    class Record(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logged.append(logs.get("digit_fd"))

    tuner = keras_tuner.RandomSearch(hypermodel, objective=hypermodel.objective, max_trials=2, seed=1,
                                     directory=tmp_path, project_name="gan")
    tuner.search(images, epochs=1, batch_size=64, verbose=0, callbacks=[Record()])
    trials = list(tuner.oracle.trials.values())
    assert len(trials) == 2
    scores = sorted(t.score for t in trials)
    # Each trial's score is the digit_fd its fit logged (not a loss), and the two trials differ.
    assert sorted(logged) == pytest.approx(scores) and scores[0] != scores[1]
    best = tuner.oracle.get_best_trials(1)[0]
    assert best.score == min(scores)
    assert set(best.hyperparameters.values) == set(DEFAULT_SEARCH_SPACE)
    # The best model is a GAN that generates digits.
    model = tuner.get_best_models(1)[0]
    assert isinstance(model, keras_gan.models.GAN) and model.generate(2).shape == (2, 28, 28, 1)


def test_search_space_overrides_and_their_errors():
    hp = keras_tuner.HyperParameters()
    hypermodel = GANHyperModel(search_space={"loss": "least_squares", "width": [8], "beta_1": lambda hp: 0.3,
                                             "label_smoothing": 0.1},
                               build_networks=_tiny_networks)
    gan = hypermodel.build(hp)
    assert gan.loss_fn.name == "least_squares" and gan.loss_fn.label_smoothing == pytest.approx(0.1)
    assert float(gan.d_optimizer.beta_1) == pytest.approx(0.3)
    assert hp.values["width"] == 8 and "g_learning_rate" in hp.values
    with pytest.raises(ValueError, match="Unknown search-space entries \\['lr'\\]"):
        GANHyperModel(search_space={"lr": 1e-3})
    assert GANHyperModel(metric="digit_score").objective.direction == "max"
    assert np.isfinite(hp.values["d_learning_rate"])


@pytest.mark.parametrize("metric, direction", [("digit_fd", "min"), ("digit_score", "max"),
                                               ("digit_precision_recall", "max"), ("digit_density_coverage", "max")])
def test_the_objective_goes_the_way_its_metric_declares(metric, direction):
    """Each metric declares whether a better generator raises or lowers it; the tuner follows."""
    objective = GANHyperModel(metric=metric).objective
    assert objective.direction == direction
    assert objective.name == GANHyperModel(metric=metric).metric.name
