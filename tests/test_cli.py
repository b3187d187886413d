"""The keras-gan command line."""

import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
from PIL import Image

from keras_gan import cli

QUICK = ["--epochs", "2", "--steps-per-epoch", "2", "--width", "4", "--latent-dim", "4",
         "--sample-every", "1", "--verbose", "0"]


def test_train_then_sample(tmp_path, capsys):
    out = tmp_path / "run"
    assert cli.main(["train", "--out", str(out)] + QUICK) == 0
    for name in ("gan.keras", "generator.keras", "losses.png", "history.json",
                 "samples/epoch_0001.png", "samples/epoch_0002.png"):
        assert (out / name).is_file(), name
    loaded = keras.models.load_model(out / "gan.keras")
    generator = keras.models.load_model(out / "generator.keras")
    z = np.ones((2, 4), "float32")
    np.testing.assert_allclose(loaded.generate(z), generator.predict(z, verbose=0), rtol=1e-6)
    assert cli.main(["sample", "--model", str(out / "gan.keras"), "--n", "9",
                     "--out", str(tmp_path / "grid.png")]) == 0
    with Image.open(tmp_path / "grid.png") as image:
        assert image.size == (2 * (3 * 28 + 4), 2 * (3 * 28 + 4))
    assert cli.main(["sample", "--model", str(out / "generator.keras"), "--n", "4",
                     "--out", str(tmp_path / "g.png")]) == 0


def _one_line_error(capsys, argv, code=2):
    assert cli.main(argv) == code
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("keras-gan: error:"), err
    return err[0]


def test_bad_arguments_give_one_line(capsys, tmp_path):
    assert "positive integer" in _one_line_error(capsys, ["train", "--epochs", "-1"])
    assert "invalid choice" in _one_line_error(capsys, ["train", "--loss", "wasserstien"])
    assert "unrecognized" in _one_line_error(capsys, ["train", "--epoch", "3"])
    assert "choose a command" in _one_line_error(capsys, [])
    assert "no such model file" in _one_line_error(capsys, ["sample", "--model", "nope.keras"])
    foreign = tmp_path / "notes.keras"
    foreign.write_text("not a model")
    assert "not a .keras file" in _one_line_error(capsys, ["sample", "--model", str(foreign)])


def test_offline_tfds_dataset_is_one_line(capsys, tmp_path, monkeypatch):
    import tensorflow_datasets as tfds

    def offline(*args, **kwargs):
        raise ConnectionError("no network")

    monkeypatch.setattr(tfds.core.DatasetBuilder, "download_and_prepare", offline)
    line = _one_line_error(capsys, ["train", "--dataset", "mnist", "--out", str(tmp_path)], 1)
    assert "digits" in line


def test_entry_point_exit_status():
    result = subprocess.run([sys.executable, "-m", "keras_gan.cli", "train", "--batch-size", "0"],
                            capture_output=True, text=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("keras-gan")]
    assert lines == ["keras-gan: error: argument --batch-size: expected a positive integer, got 0"]


def test_resume_needs_a_run_folder_with_a_backup(capsys, tmp_path):
    assert "no run.json" in _one_line_error(capsys, ["train", "--resume", str(tmp_path)])
    out = tmp_path / "done"
    assert cli.main(["train", "--out", str(out)] + QUICK) == 0
    assert not (out / "backup").exists()  # deleted after a finished run
    assert "has no backup" in _one_line_error(capsys, ["train", "--resume", str(out)])


@pytest.mark.slow
def test_killed_run_resumes_from_its_last_epoch(tmp_path):
    """`keras-gan train` killed with SIGKILL mid-run, then `--resume`: finishes with every step done once."""
    import signal
    import time

    out = tmp_path / "run"
    argv = [sys.executable, "-m", "keras_gan.cli", "train", "--out", str(out), "--epochs", "6",
            "--steps-per-epoch", "40", "--width", "4", "--latent-dim", "4", "--sample-every", "1",
            "--verbose", "0"]
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 240
    while not (out / "samples" / "epoch_0002.png").exists() and time.time() < deadline:
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert (out / "backup").is_dir() and not (out / "gan.keras").exists()
    assert cli.main(["train", "--resume", str(out), "--verbose", "0"]) == 0
    gan = keras.models.load_model(out / "gan.keras")
    assert int(gan.d_optimizer.iterations) == 6 * 40
    assert (out / "samples" / "epoch_0006.png").is_file()


def test_sample_refuses_a_model_with_a_lambda_layer(capsys, tmp_path):
    """`keras-gan sample` loads with safe_mode=True: a .keras file carrying Python code is refused."""
    model = keras.Sequential([keras.Input((4,)), keras.layers.Lambda(lambda z: z * 2), keras.layers.Dense(784),
                              keras.layers.Reshape((28, 28, 1))])
    path = tmp_path / "lambda.keras"
    model.save(path)
    line = _one_line_error(capsys, ["sample", "--model", str(path), "--out", str(tmp_path / "x.png")])
    assert "cannot load" in line and "Lambda" in line and not (tmp_path / "x.png").exists()


def test_train_logs_the_digit_metric_and_tune_finds_the_best_trial(tmp_path, capsys):
    out = tmp_path / "run"
    assert cli.main(["train", "--epochs", "2", "--steps-per-epoch", "3", "--width", "4", "--sample-every", "1",
                     "--out", str(out), "--verbose", "0"]) == 0
    history = json.loads((out / "history.json").read_text())
    assert len(history["digit_fd"]) == 2 and all(v > 0 for v in history["digit_fd"])
    assert "digit_fd of the final samples" in capsys.readouterr().out
    assert cli.main(["tune", "--trials", "2", "--epochs", "1", "--samples", "64", "--out", str(tmp_path / "t"),
                     "--dataset", "digits", "--steps-per-epoch", "3"]) == 0
    best = json.loads((tmp_path / "t" / "best.json").read_text())
    assert best["metric"] == "digit_fd" and np.isfinite(best["score"]) and "g_learning_rate" in best["hyperparameters"]
    assert (tmp_path / "t" / "best.png").is_file()
    line = _one_line_error(capsys, ["tune", "--metric", "fdi"])
    assert "invalid choice" in line
