"""Shared fixtures: TensorFlow imported once, quiet, tiny networks; the matrix's background run."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
# The suite runs several processes at once (the pytest-xdist workers, the matrix's three backends, the tests'
# subprocesses, which inherit this) on few cores: one intra-op thread each (TensorFlow's, PyTorch's and BLAS's
# OpenMP), so no process's pool spins waiting for cores the others hold. (Set before TensorFlow starts.)
for _threads in ("TF_NUM_INTRAOP_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")

import tensorflow as tf  # noqa: E402

# Two logical CPU devices for the tf.distribute tests; must precede TF's start-up.
try:
    tf.config.set_logical_device_configuration(
        tf.config.list_physical_devices("CPU")[0], [tf.config.LogicalDeviceConfiguration()] * 2
    )
except RuntimeError:  # already initialized: the distribution tests skip
    pass

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import keras_gan  # noqa: E402

SAMPLE_SHAPE = (4, 4, 1)
LATENT_DIM = 3


def tiny_generator(latent_dim=LATENT_DIM, sample_shape=SAMPLE_SHAPE, name="tiny_generator"):
    return keras.Sequential(
        [
            keras.Input((latent_dim,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(int(np.prod(sample_shape)), activation="tanh"),
            keras.layers.Reshape(sample_shape),
        ],
        name=name,
    )


def tiny_discriminator(sample_shape=SAMPLE_SHAPE, name="tiny_discriminator"):
    return keras.Sequential(
        [
            keras.Input(sample_shape),
            keras.layers.Flatten(),
            keras.layers.Dense(8),
            keras.layers.LeakyReLU(0.2),
            keras.layers.Dense(1),
        ],
        name=name,
    )


def tiny_gan(seed=0, **kwargs):
    keras.utils.set_random_seed(seed)
    return keras_gan.models.GAN(
        tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM, seed=seed, **kwargs
    )


class TrainingMark(keras.layers.Layer):
    """Doubles its input in training mode and passes it through otherwise: shows the mode a network ran in."""

    def call(self, x, training=None):
        return x * 2.0 if training else x


class FixedGates(keras_gan.tricks.Trick):
    """A trick whose discriminator and generator gates are fixed (True: open, False: closed, None: no opinion)."""

    def __init__(self, d=None, g=None, **kwargs):
        super().__init__(**kwargs)
        self.d, self.g = d, g

    def discriminator_gate(self, model):
        return None if self.d is None else keras.ops.convert_to_tensor(self.d)

    def generator_gate(self, model):
        return None if self.g is None else keras.ops.convert_to_tensor(self.g)


class LatentFromData(keras_gan.models.GAN):
    """Latent vectors derived from the real batch: runs compare without random numbers."""

    def sample_latent(self, step):
        flat = keras.ops.reshape(step.real, (keras.ops.shape(step.real)[0], -1))
        return flat[:, : self.latent_dim] * 2.0


@pytest.fixture
def make_gan():
    """Factory of freshly built tiny GANs (a few hundred parameters)."""
    return tiny_gan


@pytest.fixture(scope="session")
def tiny_data():
    rng = np.random.default_rng(0)
    return rng.uniform(-1, 1, size=(64,) + SAMPLE_SHAPE).astype("float32")



# ------------------------------------------------ the model x trick x backend matrix, in the background

# The matrix's records are made by one background run (`tests/matrix_runner.py`, each backend its own process)
# that every pytest process of the session shares: with pytest-xdist (`-n`, the default in pyproject.toml) the
# controller names the folder in `KERAS_GAN_MATRIX_OUT` before its workers start, and the first worker that
# collects a matrix test starts the run (an exclusive lock file decides which); the controller stops it at the end.
_MATRIX_ENV = "KERAS_GAN_MATRIX_OUT"
_MATRIX = {}


def pytest_xdist_auto_num_workers(config):
    """`-n auto`: one worker per CPU, at most 4 (each holds TensorFlow; the matrix runs beside them)."""
    return max(1, min(os.cpu_count() or 1, 4))


def pytest_configure(config):
    if not hasattr(config, "workerinput"):  # the controller, or a run without xdist
        os.environ[_MATRIX_ENV] = tempfile.mkdtemp(prefix="keras_gan_matrix_")
        _MATRIX["owner"] = True


def pytest_collection_modifyitems(session, config, items):
    """Moves the matrix's tests last and starts their backends' background run, once per session."""
    matrix = [item for item in items if item.get_closest_marker("matrix")]
    if not matrix:
        return
    items[:] = [item for item in items if not item.get_closest_marker("matrix")] + matrix
    backends = []
    for item in matrix:
        backend = item.callspec.params.get("backend")  # none: the test compares every backend's records
        for name in [backend] if backend else ["tensorflow", "jax", "torch"]:
            if name not in backends:
                backends.append(name)
    out = os.environ[_MATRIX_ENV]
    _MATRIX["out"] = out
    try:
        os.close(os.open(os.path.join(out, "runner.lock"), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:  # another process of this session started it
        return
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    process = subprocess.Popen([sys.executable, "-m", "tests.matrix_runner", out, *backends], cwd=root,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    _MATRIX["process"] = process
    with open(os.path.join(out, "runner.pid.part"), "w") as f:
        f.write(str(process.pid))
    os.replace(os.path.join(out, "runner.pid.part"), os.path.join(out, "runner.pid"))


def _runner_ended(out):
    """Whether the session's matrix runner has ended (it writes `runner.done` last, whatever happened)."""
    process = _MATRIX.get("process")
    if process is not None:
        return process.poll() is not None
    return os.path.exists(os.path.join(out, "runner.done"))


def pytest_sessionfinish(session, exitstatus):
    if not _MATRIX.get("owner"):
        return
    out = os.environ.get(_MATRIX_ENV, "")
    pid_file = os.path.join(out, "runner.pid")
    if os.path.exists(pid_file) and not os.path.exists(os.path.join(out, "runner.done")):
        import signal

        try:
            os.killpg(int(open(pid_file).read()), signal.SIGTERM)  # the runner and its backends' processes
        except (ProcessLookupError, ValueError):
            pass
        process = _MATRIX.get("process")
        if process is not None:
            process.wait(timeout=30)
    seconds = os.path.join(out, "runner.seconds.json")
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if os.path.exists(seconds) and reporter is not None:
        with open(seconds) as f:
            spent = json.load(f)
        reporter.write_line("the matrix's processes (CPU s / wall s): " + ", ".join(
            f"{name} {times['cpu']:.0f} / {times['wall']:.0f}" for name, times in spent.items()))
    if out.startswith(tempfile.gettempdir()) and os.path.basename(out).startswith("keras_gan_matrix_"):
        shutil.rmtree(out, ignore_errors=True)  # records, logs, JAX's cache, the backends' temporary files


@pytest.fixture(scope="session")
def matrix_records():
    """`records(backend)`: waits for that backend's matrix run and returns its records (skips if not installed)."""
    cache = {}

    def records(backend):
        if backend in cache:
            return cache[backend]
        out = _MATRIX.get("out")
        if not out:
            pytest.skip("the matrix's background run was not started (no matrix test collected)")
        path = os.path.join(out, f"matrix_{backend}")
        deadline = time.monotonic() + 2400
        while time.monotonic() < deadline:
            if os.path.exists(path + ".json"):
                with open(path + ".json") as f:
                    cache[backend] = json.load(f)
                return cache[backend]
            if os.path.exists(path + ".skipped"):
                pytest.skip(open(path + ".skipped").read())
            if os.path.exists(path + ".failed"):
                pytest.fail(f"the {backend} matrix run failed:\n{open(path + '.failed').read()}")
            if _runner_ended(out) and not os.path.exists(path + ".json"):
                pytest.fail(f"the matrix runner ended without {backend}'s records")
            time.sleep(1.0)
        pytest.fail(f"the {backend} matrix run took more than 40 minutes")

    return records
