"""Shipping a trained generator (`export_generator`) and drawing the game (`functional_view`, `plot`)."""

import os
import subprocess
import sys

import keras
import numpy as np
import pytest

import keras_gan
from tests.conftest import LATENT_DIM, SAMPLE_SHAPE, tiny_discriminator, tiny_generator


def trained_gan(tiny_data, ema, d_ema=False):
    keras.utils.set_random_seed(0)
    gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM, seed=0)
    gan.compile(g_optimizer=keras.optimizers.Adam(1e-2, use_ema=ema, ema_momentum=0.5),
                d_optimizer=keras.optimizers.Adam(1e-2, use_ema=d_ema, ema_momentum=0.5))
    gan.fit(tiny_data, batch_size=16, epochs=2, verbose=0)
    return gan


def values(network):
    return [np.array(keras.ops.convert_to_numpy(w)) for w in network.weights]


def moving_average(optimizer, network):
    """The optimizer's own moving average of `network`'s weights (Keras's `use_ema` slots)."""
    slots = optimizer._model_variables_moving_average
    return [np.array(keras.ops.convert_to_numpy(slots[optimizer._get_variable_index(w)])) for w in network.weights]


def move_away(network, offset):
    """Assigns weights that are not the moving average (`fit` leaves the average in the weights)."""
    for w in network.weights:
        w.assign(keras.ops.convert_to_numpy(w) + offset)
    return values(network)


def assert_all_close(actual, expected, what):
    assert len(actual) == len(expected), what
    for a, e in zip(actual, expected):
        np.testing.assert_allclose(a, e, atol=1e-6, err_msg=what)


def test_exported_generator_loads_without_keras_gan_and_holds_the_averaged_weights(tiny_data, tmp_path):
    gan = trained_gan(tiny_data, ema=True)
    average = moving_average(gan.g_optimizer, gan.generator)
    assert_all_close(values(gan.generator), average, "fit leaves the moving average in the weights")
    move_away(gan.generator, 0.25)
    z = np.random.default_rng(0).normal(size=(5, LATENT_DIM)).astype("float32")
    reference = keras.models.clone_model(gan.generator)
    reference.set_weights(average)
    expected = np.asarray(reference(z))  # the average's samples, computed without the model's swap
    assert not np.allclose(expected, gan.generate(z), atol=1e-3)
    path = gan.export_generator(tmp_path / "generator.keras")
    np.save(tmp_path / "z.npy", z)
    code = (
        "import os, sys, numpy as np; os.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'; import keras\n"
        f"g = keras.models.load_model({str(path)!r})\n"
        f"out = np.asarray(g(np.load({str(tmp_path / 'z.npy')!r})))\n"
        f"np.save({str(tmp_path / 'out.npy')!r}, out)\n"
        "assert 'keras_gan' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                            cwd=str(tmp_path), env=dict(os.environ, PYTHONPATH=""))
    assert result.returncode == 0, result.stderr[-2000:]
    np.testing.assert_allclose(np.load(tmp_path / "out.npy"), expected, atol=1e-6)
    assert sorted(os.listdir(tmp_path)) == ["generator.keras", "out.npy", "z.npy"]  # no temporary file left


def test_export_takes_the_moving_average_or_the_current_weights_and_leaves_both_in_place(tiny_data, tmp_path):
    gan = trained_gan(tiny_data, ema=True)
    average = moving_average(gan.g_optimizer, gan.generator)
    current = move_away(gan.generator, 0.25)
    averaged = keras.models.load_model(gan.export_generator(tmp_path / "averaged.keras"))
    assert_all_close(values(averaged), average, "averaged=True exports the optimizer's moving average")
    assert_all_close(values(gan.generator), current, "the generator's weights after the export")
    assert_all_close(moving_average(gan.g_optimizer, gan.generator), average, "the average after the export")
    plain = keras.models.load_model(gan.export_generator(tmp_path / "plain.keras", averaged=False))
    assert_all_close(values(plain), current, "averaged=False exports the current weights")


def test_averaged_weights_swap_the_average_in_for_the_block_and_back_after(tiny_data):
    gan = trained_gan(tiny_data, ema=True, d_ema=True)
    for role, network, optimizer, block in (
        ("generator", gan.generator, gan.g_optimizer, gan.averaged_generator),
        ("discriminator", gan.discriminator, gan.d_optimizer, lambda: gan.averaged_weights("discriminator")),
    ):
        other = gan.discriminator if role == "generator" else gan.generator
        average = moving_average(optimizer, network)
        current = move_away(network, 0.25)
        untouched = values(other)
        with block() as model:
            assert model is gan
            assert_all_close(values(network), average, f"the {role} inside the block")
            assert_all_close(values(other), untouched, f"the other player inside the {role}'s block")
        assert_all_close(values(network), current, f"the {role} after the block")
        assert_all_close(moving_average(optimizer, network), average, f"the {role}'s average after the block")
        with pytest.raises(RuntimeError, match="inside"), block():
            raise RuntimeError("inside")
        assert_all_close(values(network), current, f"the {role} after a block that raised")
    plain = trained_gan(tiny_data, ema=False)
    before = values(plain.generator)
    with plain.averaged_generator():  # no moving average: nothing changes
        assert_all_close(values(plain.generator), before, "without EMA")


def test_export_without_averaging_and_bad_path(tiny_data, tmp_path):
    gan = trained_gan(tiny_data, ema=False)
    path = gan.export_generator(tmp_path / "g.keras", averaged=False)
    z = np.ones((2, LATENT_DIM), "float32")
    np.testing.assert_allclose(np.asarray(keras.models.load_model(path)(z)), gan.generate(z), atol=1e-6)
    with pytest.raises(ValueError, match="ending in '.keras'"):
        gan.export_generator(tmp_path / "g.h5")
    assert not (tmp_path / "g.h5").exists()


def test_functional_view_draws_generator_then_discriminator():
    gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM)
    view = gan.functional_view()
    assert [layer.name for layer in view.layers[1:]] == [gan.generator.name, gan.discriminator.name]
    assert view.input_shape == (None, LATENT_DIM) and view.output_shape == (None, 1)
    assert view.count_params() == gan.generator.count_params() + gan.discriminator.count_params()


def test_conditional_view_takes_the_label():
    from keras_gan.networks import conditional as nets

    gan = keras_gan.models.ConditionalGAN(nets.conditional_mlp_generator(4, 3, SAMPLE_SHAPE, hidden=8),
                                          nets.conditional_mlp_discriminator(SAMPLE_SHAPE, 3, hidden=8),
                                          latent_dim=4, num_classes=3)
    view = gan.functional_view()
    assert [tuple(i.shape) for i in view.inputs] == [(None, 4), (None, 3)]
    assert view.output_shape == (None, 1)


def test_plot_says_what_it_needs_when_pydot_is_missing(monkeypatch, tmp_path):
    gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM)
    monkeypatch.setitem(sys.modules, "pydot", None)  # import pydot -> ImportError
    with pytest.raises(ImportError, match="pip install pydot"):
        gan.plot(str(tmp_path / "gan.png"))


def test_export_refuses_a_folder_a_name_without_keras_and_an_existing_file_without_overwrite(make_gan, tmp_path):
    """Each is refused before anything is saved, and what was there is left as it was."""
    gan = make_gan()
    gan.compile()
    folder = tmp_path / "models.keras"
    folder.mkdir()
    with pytest.raises(ValueError, match=r"export_generator\(path='.*models.keras'\): .* is an existing folder"):
        gan.export_generator(folder)
    assert os.listdir(folder) == []
    plain = tmp_path / "models"
    plain.mkdir()
    with pytest.raises(ValueError, match=r"ending in '.keras'.*an existing folder: pass a file inside it, e.g. "
                                         r"'.*generator.keras'"):
        gan.export_generator(plain)
    assert os.listdir(plain) == []
    kept = tmp_path / "kept.keras"
    kept.write_bytes(b"a generator saved earlier")
    with pytest.raises(FileExistsError, match=r"kept.keras'\): the file exists and overwrite=False"):
        gan.export_generator(kept, overwrite=False)
    assert kept.read_bytes() == b"a generator saved earlier"
    with pytest.raises(TypeError, match=r"`path` must be a file path ending in '.keras'.*Received: path=None"):
        gan.export_generator(None)
    with pytest.raises(TypeError, match=r"`averaged` must be True or False. Received: averaged='no'"):
        gan.export_generator(tmp_path / "g.keras", averaged="no")
    assert sorted(os.listdir(tmp_path)) == ["kept.keras", "models", "models.keras"]
    assert keras.models.load_model(gan.export_generator(kept)).output_shape == (None,) + SAMPLE_SHAPE  # overwrite
