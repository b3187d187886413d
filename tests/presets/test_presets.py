"""Presets: the shipped trained models load offline, on every backend, and do what their cards say."""

import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan import presets
from keras_gan.presets.store import PRESET_DIR

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHIPPED = {"dcgan_digits": "DCGAN", "conditional_gan_digits": "ConditionalGAN", "infogan_digits": "InfoGAN",
           "self_conditioned_digits": "SelfConditionedGAN"}


def test_the_shipped_presets_are_listed_with_their_cards():
    assert presets.list() == sorted(SHIPPED)
    for name, class_name in SHIPPED.items():
        card = presets.metadata(name)
        assert card["class_name"] == class_name
        assert card["command"] == f"python scripts/build_presets.py {name}"
        assert card["keras_version"] and card["keras_gan_version"] == keras_gan.__version__
        assert card["figures"] and card["training"] and card["description"]
        size = sum(os.path.getsize(PRESET_DIR / name / f) for f in os.listdir(PRESET_DIR / name))
        assert size < 8e6, f"{name} is {size / 1e6:.1f} MB; a preset is a few MB at most (float16 weights)"


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_each_preset_loads_into_its_class_built_and_uncompiled(name):
    cls = getattr(keras_gan.models, SHIPPED[name])
    model = cls.from_preset(name)
    assert type(model) is cls and model.built
    assert not getattr(model, "_compile_args", None)  # a preset carries no optimizer state
    # Every weight came from the file: a fresh build from the same config differs.
    with open(PRESET_DIR / name / presets.CONFIG_FILE) as f:
        fresh = keras.saving.deserialize_keras_object(json.load(f))
    fresh.build()
    differs = [not np.array_equal(a.numpy() if hasattr(a, "numpy") else keras.ops.convert_to_numpy(a),
                                  keras.ops.convert_to_numpy(b))
               for a, b in zip(model.generator.weights, fresh.generator.weights, strict=True)]
    assert sum(differs) >= len(differs) // 2, "the generator's weights were not loaded"


def test_a_parent_class_loads_a_subclass_preset_and_a_wrong_class_is_refused_with_the_right_call():
    assert type(keras_gan.models.GAN.from_preset("dcgan_digits")) is keras_gan.models.DCGAN
    with pytest.raises(ValueError, match=r"holds a ConditionalGAN.*ConditionalGAN\.from_preset\('conditional_gan"):
        keras_gan.models.DCGAN.from_preset("conditional_gan_digits")


def test_an_unknown_preset_or_a_folder_without_one_is_refused_with_the_names(tmp_path):
    with pytest.raises(ValueError, match=r"Unknown preset 'dcgan_mnist'.*dcgan_digits.*Received: preset='dcgan_mnist'"):
        keras_gan.models.DCGAN.from_preset("dcgan_mnist")
    with pytest.raises(ValueError, match=r"not a preset: it must hold config.json and model.weights.h5"):
        keras_gan.models.DCGAN.from_preset(str(tmp_path))
    with pytest.raises(TypeError, match=r"Received: preset=3"):
        keras_gan.models.DCGAN.from_preset(3)


def _tiny_gan(seed=0):
    G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4), keras.layers.LeakyReLU(0.2), keras.layers.Dense(1)])
    gan = keras_gan.models.GAN(G, D, latent_dim=4, seed=seed, tricks=[keras_gan.tricks.R1Penalty(1.0)])
    gan.compile(d_optimizer=keras.optimizers.Adam(0.05), g_optimizer=keras.optimizers.Adam(0.05))
    return gan


def test_save_to_preset_round_trips_a_trained_model_without_its_optimizers(tmp_path):
    gan = _tiny_gan()
    gan.fit(np.random.default_rng(0).normal(size=(64, 2)).astype("float32"), batch_size=16, epochs=2, verbose=0)
    folder = gan.save_to_preset(tmp_path / "mine", metadata={"command": "the test", "figures": {"x": 1}})
    card = presets.metadata(folder)
    assert card["command"] == "the test" and card["class_name"] == "GAN" and card["backend"] == keras.backend.backend()
    again = keras_gan.models.GAN.from_preset(folder)
    z = np.random.default_rng(1).normal(size=(8, 4)).astype("float32")
    np.testing.assert_array_equal(again.generate(z), gan.generate(z))
    assert [type(t).__name__ for t in again.tricks] == ["R1Penalty"]
    # Fine-tuning: compile and fit the loaded model.
    again.compile(d_optimizer=keras.optimizers.Adam(0.05), g_optimizer=keras.optimizers.Adam(0.05))
    before = keras.ops.convert_to_numpy(again.generator.weights[0]).copy()
    again.fit(np.ones((16, 2), "float32"), batch_size=16, epochs=1, verbose=0)
    assert not np.array_equal(before, keras.ops.convert_to_numpy(again.generator.weights[0]))


def test_save_to_preset_refuses_to_overwrite_and_leaves_nothing_half_written(tmp_path, monkeypatch):
    gan = _tiny_gan()
    gan.build()
    folder = tmp_path / "kept"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match=r"is not empty.*overwrite=True"):
        gan.save_to_preset(folder)
    assert os.listdir(folder) == ["notes.txt"]
    unbuilt = keras_gan.models.GAN(keras.Sequential([keras.layers.Dense(2)]), keras.Sequential([keras.layers.Dense(1)]),
                                   latent_dim=4)
    with pytest.raises(ValueError, match=r"needs a built model"):
        unbuilt.save_to_preset(tmp_path / "unbuilt")
    with pytest.raises(ValueError, match=r"Received: weights_dtype='int8'"):
        gan.save_to_preset(tmp_path / "int8", weights_dtype="int8")
    with pytest.raises(ValueError, match=r"does not write into keras-gan's shipped presets"):
        gan.save_to_preset(PRESET_DIR / "dcgan_digits_copy")

    def broken(self, path):
        raise OSError("disk full")

    monkeypatch.setattr(keras.Model, "save_weights", broken)
    with pytest.raises(OSError, match="disk full"):
        gan.save_to_preset(folder, overwrite=True)
    assert os.listdir(folder) == ["notes.txt"]  # the old folder is intact
    assert sorted(os.listdir(tmp_path)) == ["kept"]  # and no staging folder is left


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_each_preset_does_what_its_card_says(name):
    """The figures on each card, measured again as scripts/build_presets.py measured them."""
    sys.path.insert(0, os.path.join(ROOT, "scripts"))
    try:
        import build_presets
    finally:
        sys.path.pop(0)
    figures = presets.metadata(name)["figures"]
    model = getattr(keras_gan.models, SHIPPED[name]).from_preset(name)
    if name == "conditional_gan_digits":
        requested = np.repeat(np.arange(10), 50)
        accuracy = keras_gan.metrics.conditional_accuracy(model.generate(labels=requested, seed=1), requested)
        assert accuracy >= 0.9, accuracy  # the bar; chance is 0.10
        assert abs(accuracy - figures["conditional_accuracy"]) <= 0.02, (accuracy, figures)
    elif name in ("dcgan_digits", "self_conditioned_digits"):
        measured = build_presets.dcgan_quality(model)
        assert abs(measured["confident_share"] - figures["confident_share"]) <= 0.02, (measured, figures)
        assert abs(measured["digit_fd"] - figures["digit_fd"]) <= 0.05 * figures["digit_fd"], (measured, figures)
        assert measured["smallest_class_share"] >= 0.03, measured  # every digit is drawn
        if name == "self_conditioned_digits":  # the main job: issue 24's bar
            assert measured["confident_share"] >= 0.85 and measured["smallest_class_share"] >= 0.05, measured
    else:
        spec = __import__("importlib.util").util.spec_from_file_location(
            "infogan_digits", os.path.join(ROOT, "examples", "infogan_digits.py"))
        example = __import__("importlib.util").util.module_from_spec(spec)
        spec.loader.exec_module(example)
        score = example.code_agreement(model)
        assert abs(score["majority"] - figures["majority"]) <= 0.02, (score, figures)
        assert score["majority"] >= 2 * score["chance"], score


SCRIPT = """
import json, sys, keras, numpy as np, keras_gan
out = {}
for name, cls in json.loads(sys.argv[1]).items():
    model = getattr(keras_gan.models, cls).from_preset(name)
    z = np.random.default_rng(0).normal(size=(4, model.generator.inputs[0].shape[-1])).astype("float32")
    inputs = [z] + [np.eye(i.shape[-1], dtype="float32")[:4] for i in model.generator.inputs[1:]]
    batch = inputs if len(inputs) > 1 else z
    out[name] = keras.ops.convert_to_numpy(model.generator.predict(batch, verbose=0)).tolist()
json.dump(out, open(sys.argv[2], "w"))
"""


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_the_presets_load_on_every_backend_to_the_same_samples(backend, tmp_path):
    import importlib.util

    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed")
    out = tmp_path / "out.json"
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3",
               PYTHONPATH=os.pathsep.join([ROOT] + sys.path))
    result = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(SHIPPED), str(out)], env=env,
                            capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    theirs = json.loads(out.read_text())
    for name, cls in SHIPPED.items():
        model = getattr(keras_gan.models, cls).from_preset(name)
        z = np.random.default_rng(0).normal(size=(4, model.generator.inputs[0].shape[-1])).astype("float32")
        inputs = [z] + [np.eye(i.shape[-1], dtype="float32")[:4] for i in model.generator.inputs[1:]]
        mine = keras.ops.convert_to_numpy(model.generator(inputs if len(inputs) > 1 else z, training=False))
        np.testing.assert_allclose(np.asarray(theirs[name]), mine, atol=1e-4, err_msg=f"{name} on {backend}")


def test_keras_gan_sample_draws_a_grid_from_a_preset(tmp_path):
    from keras_gan import cli

    png = tmp_path / "grid.png"
    assert cli.main(["sample", "--preset", "conditional_gan_digits", "--n", "20", "--seed", "0",
                     "--out", str(png)]) == 0
    from PIL import Image

    assert Image.open(png).size[0] > 28


def test_keras_gan_sample_refuses_an_unknown_preset_before_writing(tmp_path, capsys):
    from keras_gan import cli

    png = tmp_path / "grid.png"
    assert cli.main(["sample", "--preset", "nope", "--out", str(png)]) == 2
    err = capsys.readouterr().err
    assert "--preset: Unknown preset 'nope'" in err and "dcgan_digits" in err
    assert not png.exists()
    assert cli.main(["sample", "--preset", "dcgan_digits", "--model", "x.keras", "--out", str(png)]) == 2


def test_keras_gan_sample_keeps_an_existing_grid_unless_told_to_overwrite(tmp_path, capsys):
    from keras_gan import cli

    png = tmp_path / "grid.png"
    png.write_bytes(b"my picture")
    assert cli.main(["sample", "--preset", "dcgan_digits", "--n", "4", "--out", str(png)]) == 2
    assert "already exists; keras-gan sample does not overwrite it" in capsys.readouterr().err
    assert png.read_bytes() == b"my picture"
    assert cli.main(["sample", "--preset", "dcgan_digits", "--n", "4", "--out", str(png), "--overwrite"]) == 0
    assert png.read_bytes().startswith(b"\x89PNG")


def test_float16_weights_halve_the_file_and_round_the_samples_only(tmp_path):
    gan = _tiny_gan()
    gan.fit(np.random.default_rng(0).normal(size=(64, 2)).astype("float32"), batch_size=16, epochs=1, verbose=0)
    full = gan.save_to_preset(tmp_path / "full")
    half = gan.save_to_preset(tmp_path / "half", weights_dtype="float16")
    assert presets.metadata(half)["weights_dtype"] == "float16"
    import h5py

    with h5py.File(os.path.join(half, presets.WEIGHTS_FILE)) as f:
        dtypes = set()
        f.visititems(lambda name, item: dtypes.add(str(item.dtype)) if isinstance(item, h5py.Dataset) else None)
    assert "float32" not in dtypes and "float16" in dtypes
    z = np.random.default_rng(1).normal(size=(32, 4)).astype("float32")
    exact = keras_gan.models.GAN.from_preset(full).generate(z)
    rounded = keras_gan.models.GAN.from_preset(half).generate(z)
    np.testing.assert_array_equal(exact, gan.generate(z))
    assert 0 < np.abs(rounded - exact).max() < 1e-2 * (1 + np.abs(exact).max())
