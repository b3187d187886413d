"""A fitted model is freed once its user drops it, on TensorFlow, JAX and PyTorch (no process-level state).

Four tiny GANs are fitted in a row, as a tuner's trials are (the first is
also evaluated); after each the test keeps only weak references (to the
model, a weight, an optimizer and one of its slots), and after `gc.collect()`
all of them must be dead, without `keras.backend.clear_session()`. The
active backend runs in this process; the others run this file as a script in
a subprocess each (the backend is fixed when keras is imported). A failure names,
for each survivor, a chain of referrers from it back to the module that
keeps it.
"""

import gc
import importlib.util
import json
import os
import subprocess
import sys
import types
import weakref

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TRIALS = 4


def tiny_gan(seed):
    import keras

    import keras_gan

    keras.utils.set_random_seed(seed)
    generator = keras.Sequential([
        keras.Input((3,)),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(16, activation="tanh"),
        keras.layers.Reshape((4, 4, 1)),
    ])
    discriminator = keras.Sequential([
        keras.Input((4, 4, 1)),
        keras.layers.Flatten(),
        keras.layers.Dense(8),
        keras.layers.LeakyReLU(0.2),
        keras.layers.Dense(1),
    ])
    return keras_gan.models.GAN(generator, discriminator, latent_dim=3, seed=seed)


def fit_and_drop(trials=TRIALS):
    """Fits `trials` tiny GANs one after another, dropping each; returns what of them is still alive."""
    import numpy as np

    data = np.random.default_rng(0).uniform(-1, 1, size=(32, 4, 4, 1)).astype("float32")
    refs = []
    for trial in range(trials):
        gan = tiny_gan(trial)
        gan.compile()
        gan.fit(data, batch_size=8, epochs=2, verbose=0)
        if trial == 0:  # once: each evaluation compiles a step of its own (seconds on JAX)
            gan.evaluate(data, batch_size=8, verbose=0)
        refs.append({
            "model": weakref.ref(gan),
            "generator weight": weakref.ref(gan.generator.trainable_variables[0]),
            "discriminator optimizer": weakref.ref(gan.d_optimizer),
            "discriminator optimizer slot": weakref.ref(gan.d_optimizer.variables[-1]),
        })
        del gan
    gc.collect()
    alive = []
    for trial, named in enumerate(refs):
        for name, ref in named.items():
            if ref() is not None:
                alive.append(f"trial {trial}, {name}: held by {held_by(ref())}")
    return alive


def held_by(obj, depth=8, width=300):
    """A chain of referrers from `obj` back to a module's globals or a class (a failure's explanation)."""
    targets, paths, seen = [obj], [[]], {id(obj)}
    for _ in range(depth):
        next_targets, next_paths = [], []
        for target, path in zip(targets, paths):
            for referrer in gc.get_referrers(target):
                if (id(referrer) in seen or isinstance(referrer, types.FrameType)
                        or referrer is targets or referrer is next_targets):
                    continue
                seen.add(id(referrer))
                step = path + [_describe(referrer, target)]
                owner = _owner(referrer)
                if owner:
                    return " <- ".join(step + [owner])
                if len(next_targets) < width:
                    next_targets.append(referrer)
                    next_paths.append(step)
        targets, paths = next_targets, next_paths
    return f"no module or class found within {depth} referrers"


def _describe(referrer, target):
    if isinstance(referrer, dict):
        keys = [repr(k)[:60] for k, v in referrer.items() if v is target][:3]
        return f"dict[{', '.join(keys)}]"
    if isinstance(referrer, types.FunctionType):
        return f"function {referrer.__module__}.{referrer.__qualname__}"
    return type(referrer).__name__


def _owner(referrer):
    if isinstance(referrer, type):
        return f"class {referrer.__module__}.{referrer.__qualname__}"
    if isinstance(referrer, dict):
        for name, module in list(sys.modules.items()):
            if getattr(module, "__dict__", None) is referrer:
                return f"the globals of module {name}"
    return None


@pytest.mark.parametrize("backend", ["tensorflow", "jax", "torch"])
def test_fitted_models_are_freed_when_dropped(backend):
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed")
    import keras

    if keras.backend.backend() == backend:
        alive = fit_and_drop()
    else:
        env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3",
                   PYTHONPATH=os.pathsep.join([ROOT] + sys.path))
        result = subprocess.run([sys.executable, os.path.abspath(__file__)], env=env, capture_output=True,
                                text=True, timeout=300, cwd=ROOT)
        assert result.returncode == 0, f"{backend} run failed:\n{result.stderr[-4000:]}"
        alive = json.loads(result.stdout.strip().splitlines()[-1])
    assert not alive, f"on {backend}, dropped models are still alive:\n" + "\n".join(alive)


if __name__ == "__main__":  # a subprocess of the test, with KERAS_BACKEND set
    print(json.dumps(fit_and_drop()))
