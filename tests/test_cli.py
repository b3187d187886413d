"""The keras-gan command line."""

import json
import os
import pathlib
import re
import subprocess
import sys

import keras
import numpy as np
import pytest
from PIL import Image

from keras_gan import cli

QUICK = ["--epochs", "2", "--steps-per-epoch", "2", "--width", "4", "--latent-dim", "4",
         "--sample-every", "1", "--verbose", "0"]


@pytest.mark.parametrize("model", ["self_conditioned", "dcgan"])
def test_train_then_sample(tmp_path, capsys, model):
    """The main job (a SelfConditionedGAN, the default) and the DCGAN: trained, saved, sampled from both files."""
    out = tmp_path / "run"
    argv = ["train", "--out", str(out)] + QUICK + ([] if model == "self_conditioned" else ["--model", model])
    assert cli.main(argv) == 0
    for name in ("gan.keras", "generator.keras", "losses.png", "history.json",
                 "samples/epoch_0001.png", "samples/epoch_0002.png"):
        assert (out / name).is_file(), name
    loaded = keras.models.load_model(out / "gan.keras")
    generator = keras.models.load_model(out / "generator.keras")
    z = np.ones((2, 4), "float32")
    if model == "self_conditioned":
        assert type(loaded).__name__ == "SelfConditionedGAN" and loaded.num_clusters == 50 and loaded.clustered
        assert json.loads((out / "run.json").read_text())["clusters"] == 50
        labels = np.eye(50, dtype="float32")[[3, 41]]
        np.testing.assert_allclose(loaded.generate(z, labels=[3, 41]), generator.predict([z, labels], verbose=0),
                                   rtol=1e-6)
    else:
        assert type(loaded).__name__ == "DCGAN"
        np.testing.assert_allclose(loaded.generate(z), generator.predict(z, verbose=0), rtol=1e-6)
    assert cli.main(["sample", "--model", str(out / "gan.keras"), "--n", "9",
                     "--out", str(tmp_path / "grid.png")]) == 0
    with Image.open(tmp_path / "grid.png") as image:
        assert image.size == (2 * (3 * 28 + 4), 2 * (3 * 28 + 4))
    # The bare generator too (a conditional one gets uniformly drawn one-hot labels).
    assert cli.main(["sample", "--model", str(out / "generator.keras"), "--n", "9",
                     "--out", str(tmp_path / "g.png")]) == 0
    with Image.open(tmp_path / "g.png") as image:
        assert image.size == (2 * (3 * 28 + 4), 2 * (3 * 28 + 4))


def test_clusters_only_with_the_self_conditioned_model(capsys, tmp_path):
    line = _one_line_error(capsys, ["train", "--model", "dcgan", "--clusters", "10", "--out", str(tmp_path / "r")])
    assert "--clusters applies to --model self_conditioned only (received --model dcgan --clusters 10)" in line
    assert not (tmp_path / "r").exists()
    assert "must be at least 2 (received 1)" in _one_line_error(capsys, ["train", "--clusters", "1"])


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
    # Training again into the finished run's folder is refused before anything is written.
    before = _snapshot(out)
    line = _one_line_error(capsys, ["train", "--out", str(out)] + QUICK)
    assert f"--out {out} already holds a run (run.json, gan.keras, generator.keras" in line, line
    assert "Pass a new folder with --out" in line
    assert _snapshot(out) == before


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
    # The epochs the backup holds (Keras's BackupAndRestore writes the count of completed epochs).
    backed_up = json.loads((out / "backup" / "training_metadata.json").read_text())["epoch"]
    assert 2 <= backed_up < 6
    before = {path.name: path.stat().st_mtime_ns for path in (out / "samples").glob("epoch_*.png")}
    assert sorted(before) == [f"epoch_{epoch:04d}.png" for epoch in range(1, backed_up + 1)]
    assert cli.main(["train", "--resume", str(out), "--verbose", "0"]) == 0
    gan = keras.models.load_model(out / "gan.keras")
    assert int(gan.d_optimizer.iterations) == 6 * 40
    # The resumed run trained the remaining epochs only: its history holds 6 - backed_up epochs, it
    # rewrote no grid of a backed-up epoch and wrote those of the remaining ones.
    history = json.loads((out / "history.json").read_text())
    assert {"d_loss", "g_loss"} <= set(history)
    assert {key: len(values) for key, values in history.items()} == {key: 6 - backed_up for key in history}
    after = {path.name: path.stat().st_mtime_ns for path in (out / "samples").glob("epoch_*.png")}
    assert sorted(after) == [f"epoch_{epoch:04d}.png" for epoch in range(1, 7)]
    assert all(after[name] == before[name] for name in before), "a backed-up epoch's grid was rewritten"


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
    capsys.readouterr()
    assert cli.main(["tune", "--trials", "2", "--epochs", "1", "--samples", "64", "--out", str(tmp_path / "t"),
                     "--dataset", "digits", "--steps-per-epoch", "3"]) == 0
    out = capsys.readouterr().out
    assert "2 trials of 1 epoch on 'digits'" in out
    # One line per trial, as it ends: its score, the best so far, its time.
    trials = [line for line in out.splitlines() if line.startswith("keras-gan: trial ")]
    assert [line.split(":")[1].strip() for line in trials] == ["trial 1/2", "trial 2/2"], out
    scores = [float(re.search(r"digit_fd ([\d.]+)", line).group(1)) for line in trials]
    bests = [float(re.search(r"best ([\d.]+)", line).group(1)) for line in trials]
    assert bests == [scores[0], min(scores)] and all(re.search(r", [\d.]+ s$", line) for line in trials)
    best = json.loads((tmp_path / "t" / "best.json").read_text())
    assert best["metric"] == "digit_fd" and np.isfinite(best["score"]) and "g_learning_rate" in best["hyperparameters"]
    assert (tmp_path / "t" / "best.png").is_file()
    line = _one_line_error(capsys, ["tune", "--metric", "fdi"])
    assert "invalid choice" in line


ROOT = pathlib.Path(__file__).parents[1]
HEAVY = ("tensorflow", "keras", "keras_tuner", "matplotlib", "jax", "torch")


@pytest.mark.parametrize("argv", [["--help"], ["train", "--help"], ["tune", "--help"], ["--version"]])
def test_help_and_version_import_no_tensorflow(argv):
    """The console script parses its arguments before any heavy import: `keras-gan --help` answers at once."""
    code = ("import sys, _keras_gan_cli\n"
            f"status = _keras_gan_cli.main({argv!r})\n"
            f"print('HEAVY', status, sorted(m for m in {HEAVY!r} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines()[-1] == "HEAVY 0 []", result.stdout[-2000:]
    if argv == ["--version"]:
        assert result.stdout.startswith("keras-gan 0.1.0")


def test_the_console_script_is_the_lazy_entry_point():
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'^keras-gan = "_keras_gan_cli:main"$', pyproject, re.M)
    assert re.search(r'^py-modules = \["_keras_gan_cli"\]$', pyproject, re.M)


def _actions(parser):
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from ((f"{name} {a}", b) for a, b in _actions(sub))
        else:
            yield "/".join(action.option_strings) or action.dest, action


def test_every_option_has_help_and_the_help_shows_defaults(capsys):
    undocumented = [name for name, action in _actions(cli.build_parser()) if not (action.help or "").strip()]
    assert not undocumented, f"options without help text: {undocumented}"
    assert cli.main(["train", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    for shown in ("--epochs N passes over the data (default: 20 (self_conditioned), 40 (dcgan, gan))",
                  "--clusters N number of k-means clusters the self_conditioned model is conditioned on (default: 50)",
                  "(default: non_saturating)",
                  "(default: 0.0002)", "(default: runs/<timestamp>)"):
        assert shown in text, shown
    assert "(default: None)" not in text and "(default: False)" not in text


def test_loss_choices_are_the_registered_losses():
    from keras_gan.losses import ALL_OBJECTS

    assert cli.LOSS_CHOICES == sorted(ALL_OBJECTS)


def test_one_epoch_run_with_tensorboard(tmp_path, capsys):
    """Singular wording; `--tensorboard` puts losses, digit_fd and the grids in one run, at the same steps."""
    from tests.callbacks.events import read_events

    out = tmp_path / "run"
    assert cli.main(["train", "--out", str(out), "--epochs", "1", "--steps-per-epoch", "2", "--width", "4",
                     "--latent-dim", "4", "--verbose", "0", "--tensorboard"]) == 0
    printed = capsys.readouterr().out
    assert " for 1 epoch; " in printed, printed
    events = read_events(out / "logs" / "train")
    assert {tag: sorted(steps) for tag, steps in events.items() if tag in ("epoch_d_loss", "epoch_digit_fd",
                                                                          "samples")} == {
        "epoch_d_loss": [0], "epoch_digit_fd": [0], "samples": [0]}
    assert events["samples"][0].shape == (10 * 28 + 9 * 2, 10 * 28 + 9 * 2, 1)  # the 100-sample grid
    assert json.loads((out / "run.json").read_text())["tensorboard"] is True


def test_sample_through_the_console_script_loads_a_saved_gan(make_gan, tmp_path):
    """The console script imports subpackages lazily: `sample` must still register keras-gan's classes."""
    gan = make_gan()
    gan.compile()
    gan.save(tmp_path / "gan.keras")
    code = ("import sys, _keras_gan_cli\n"
            f"sys.exit(_keras_gan_cli.main(['sample', '--model', {str(tmp_path / 'gan.keras')!r}, '--n', '4', "
            f"'--out', {str(tmp_path / 'grid.png')!r}]))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "grid.png").is_file()


def _snapshot(folder):
    """Every file under `folder` with its size and modification time: equal snapshots, nothing written."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def _fake_run(folder, *names):
    folder.mkdir()
    for name in names:
        if name.endswith("/"):
            (folder / name).mkdir()
            (folder / name / "kept.txt").write_text("saved")
        else:
            (folder / name).write_text("saved")
    return folder


@pytest.mark.parametrize("names, expected", [
    (("run.json", "gan.keras", "generator.keras", "history.json", "losses.png", "samples/"),
     r"--out \S+ already holds a run \(run.json, gan.keras, generator.keras, history.json, losses.png, samples/\); "
     r"training again would overwrite it. Pass a new folder with --out .*--resume continues only an interrupted"),
    (("run.json", "samples/", "backup/"),
     r"--out (\S+) holds an interrupted run \(run.json, samples/, backup/\); .*Continue it with: keras-gan train "
     r"--resume \1; or pass a new folder with --out"),
    (("gan.keras",), r"already holds a run \(gan.keras\)"),
])
def test_train_refuses_a_folder_that_holds_a_run_and_writes_nothing(capsys, tmp_path, names, expected):
    out = _fake_run(tmp_path / "run", *names)
    before = _snapshot(out)
    line = _one_line_error(capsys, ["train", "--out", str(out)] + QUICK)
    assert re.search(expected, line), line
    assert _snapshot(out) == before


def test_train_accepts_a_folder_without_run_files(tmp_path):
    """A folder of the user's own files is no run: only the names a run writes are refused."""
    out = _fake_run(tmp_path / "mine", "notes.txt", "logs/")
    cli.check_paths(cli.build_parser().parse_args(["train", "--out", str(out)]))
    with pytest.raises(cli.CLIError, match=r"already holds a run \(logs/\)"):  # --tensorboard writes logs/
        cli.check_paths(cli.build_parser().parse_args(["train", "--out", str(out), "--tensorboard"]))


def test_tune_refuses_a_finished_search_and_creates_no_tuner_folder(capsys, tmp_path):
    out = _fake_run(tmp_path / "search", "best.json", "best.png")
    before = _snapshot(out)
    line = _one_line_error(capsys, ["tune", "--out", str(out), "--trials", "1", "--epochs", "1"])
    assert f"--out {out} already holds a finished search (best.json, best.png)" in line, line
    assert _snapshot(out) == before and not (out / "search").exists()
    fresh = tmp_path / "fresh"
    assert "expected an integer >= 2" in _one_line_error(capsys, ["tune", "--samples", "1", "--out", str(fresh)])
    assert not fresh.exists()


def test_help_says_a_run_folder_is_never_overwritten(capsys):
    assert cli.main(["train", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "a folder that holds a run is refused, never overwritten" in text
    assert "continue an interrupted run with --resume" in text
    assert cli.main(["tune", "--help"]) == 0
    assert "finished search (best.json, best.png) is refused" in " ".join(capsys.readouterr().out.split())


def test_a_negative_seed_is_refused_when_parsing(capsys, tmp_path):
    line = _one_line_error(capsys, ["train", "--seed", "-1", "--out", str(tmp_path / "run")])
    assert "argument --seed: expected a non-negative integer, got -1" in line and not (tmp_path / "run").exists()


def test_a_run_refused_by_fits_checks_writes_no_file(capsys, tmp_path, monkeypatch):
    """run.json (the first file) is written once `fit`'s own checks have passed, so a refusal there leaves nothing."""
    from keras_gan.callbacks import SampleSaver

    def refuse(self, model):
        raise ValueError("refused by a check before training")

    monkeypatch.setattr(SampleSaver, "check_before_training", refuse)
    out = tmp_path / "run"
    line = _one_line_error(capsys, ["train", "--out", str(out)] + QUICK, code=1)
    assert "refused by a check before training" in line
    assert not out.exists()
