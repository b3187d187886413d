"""A run killed with SIGKILL mid-epoch resumes from its backup and ends where an uninterrupted run
ends; two runs with the same seed are identical. Each run is a separate process, as in real life.

Backups are taken at epoch ends (`save_freq="epoch"`): Keras's `BackupAndRestore` with a batch
frequency restores mid-epoch weights but replays the interrupted epoch from its first batch, so
such a resumed run trains on some batches twice and cannot match an uninterrupted one exactly.
"""

import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

WORKER = textwrap.dedent('''
    import os, signal, sys
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import keras, numpy as np, tensorflow as tf
    import keras_gan
    keras.utils.set_random_seed(0)
    tf.config.experimental.enable_op_determinism()
    mode, out, backup = sys.argv[1], sys.argv[2], sys.argv[3]
    data = np.random.default_rng(0).uniform(-1, 1, (64, 4, 4, 1)).astype("float32")
    G = keras.Sequential([keras.Input((3,)), keras.layers.Dense(8, activation="relu"),
                          keras.layers.Dense(16, activation="tanh"), keras.layers.Reshape((4, 4, 1))])
    D = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(), keras.layers.Dense(8),
                          keras.layers.LeakyReLU(0.2), keras.layers.Dense(1)])
    gan = keras_gan.models.GAN(G, D, latent_dim=3, seed=0)
    gan.compile()
    callbacks = []
    if mode != "plain":
        callbacks.append(keras.callbacks.BackupAndRestore(backup, save_freq="epoch", double_checkpoint=True))

    class Kill(keras.callbacks.Callback):
        seen = 0
        def on_train_batch_end(self, batch, logs=None):
            Kill.seen += 1
            if Kill.seen == 13:  # mid-epoch: epoch 2, batch 5 of 8; the last backup ended epoch 1
                os.kill(os.getpid(), signal.SIGKILL)

    if mode == "crash":
        callbacks.append(Kill())
    history = gan.fit(data, batch_size=8, epochs=3, shuffle=False, verbose=0, callbacks=callbacks)
    np.savez(out, *gan.get_weights(), epochs=np.array(history.epoch),
             **{"history_" + key: np.array(values) for key, values in history.history.items()},
             d_iterations=int(gan.d_optimizer.iterations), samples=gan.generate(4, seed=1))
''')


def run(tmp_path, mode, name, backup="backup"):
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.getcwd()] + sys.path))
    return subprocess.run([sys.executable, str(script), mode, str(tmp_path / name), str(tmp_path / backup)],
                          env=env, capture_output=True, text=True, timeout=300)


def load(path):
    with np.load(path) as archive:
        return {key: archive[key] for key in archive.files}


@pytest.mark.slow
def test_sigkill_mid_epoch_then_resume_equals_an_uninterrupted_run(tmp_path):
    reference = run(tmp_path, "plain", "reference.npz")
    assert reference.returncode == 0, reference.stderr[-2000:]
    crashed = run(tmp_path, "crash", "never.npz")
    assert crashed.returncode == -signal.SIGKILL
    assert not (tmp_path / "never.npz").exists() and (tmp_path / "backup").exists()
    resumed = run(tmp_path, "crash-free", "resumed.npz")
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    a, b = load(tmp_path / "reference.npz"), load(tmp_path / "resumed.npz")
    for key in a:
        if key.startswith("arr_"):
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    np.testing.assert_array_equal(a["samples"], b["samples"])
    assert int(a["d_iterations"]) == int(b["d_iterations"]) == 3 * 8
    # The resumed run trained only the epochs after the backup (the backup ended epoch 1): its history holds
    # epochs 2 and 3, equal to the uninterrupted run's. A run that ignored the backup and retrained from scratch
    # (identical weights, being seeded) would hold all three.
    np.testing.assert_array_equal(a["epochs"], [0, 1, 2])
    np.testing.assert_array_equal(b["epochs"], [1, 2], err_msg="the resumed run's epochs")
    logged = sorted(key for key in a if key.startswith("history_"))
    assert {"history_d_loss", "history_g_loss"} <= set(logged)
    assert logged == sorted(key for key in b if key.startswith("history_"))
    for key in logged:
        np.testing.assert_array_equal(b[key], a[key][1:], err_msg=key)


@pytest.mark.slow
def test_two_runs_with_the_same_seed_are_identical(tmp_path):
    first = run(tmp_path, "plain", "first.npz")
    second = run(tmp_path, "plain", "second.npz")
    assert first.returncode == 0 and second.returncode == 0, first.stderr[-2000:]
    a, b = load(tmp_path / "first.npz"), load(tmp_path / "second.npz")
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
