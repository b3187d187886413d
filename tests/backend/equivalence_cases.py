"""Training runs that must give the same result on every Keras backend.

Each case builds tiny networks with fixed initial weights, injects its latent
vectors (and penalty interpolation weights) as functions of the data, trains
with `fit` for a few steps, and returns every variable of the model and both
optimizers, the optimizers' iteration counts and the History. Run as a script
(`python equivalence_cases.py OUT_DIR [CASE ...]`) under a chosen
`KERAS_BACKEND`; `tests/backend/test_equivalence.py` compares each backend's
results with TensorFlow's.
"""

import os
import re
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import ops  # noqa: E402

import keras_gan  # noqa: E402

LATENT = 3
STEPS_DATA = 32
BATCH = 8


def _det(shape, offset):
    size = int(np.prod(shape))
    return (0.5 * np.sin(np.arange(size) * 0.7317 + offset)).reshape(shape).astype("float32")


def set_weights(*networks):
    """Deterministic initial weights, the same on every backend."""
    offset = 0.0
    for network in networks:
        network.set_weights([_det(np.shape(w), offset + i) for i, w in enumerate(network.get_weights())])
        offset += 10.0


def data(shape=(4,)):
    rng = np.random.default_rng(0)
    return rng.uniform(-1, 1, (STEPS_DATA,) + shape).astype("float32")


def injected_latent(real, width):
    flat = ops.reshape(ops.cast(real, "float32"), (ops.shape(real)[0], -1))
    reps = -(-width // int(flat.shape[1]))
    tiled = ops.concatenate([flat] * reps, axis=1)[:, :width]
    return ops.sin(3.0 * tiled + 0.5)


@keras.saving.register_keras_serializable(package="keras_gan_tests")
class InjectedGAN(keras_gan.models.GAN):
    """A GAN whose latent vectors are a fixed function of the real batch."""

    def sample_latent(self, step):
        return injected_latent(step.real, self.latent_dim)


class InjectedConditionalGAN(keras_gan.models.ConditionalGAN):
    def sample_latent(self, step):
        return injected_latent(step.real, self.latent_dim)


class InjectedInfoGAN(keras_gan.models.InfoGAN):
    def sample_latent(self, step):
        n_draws = len(self.categorical) + self.continuous
        u = injected_latent(-step.real, n_draws)
        noise = injected_latent(step.real, self.noise_dim)
        return ops.concatenate([noise, self._codes_from_uniform(u)], axis=-1)


@keras.saving.register_keras_serializable(package="keras_gan_tests")
class FixedPenalty(keras_gan.tricks.GradientPenalty):
    """Interpolation weights fixed by the data."""

    def interpolation_weights(self, model, step):
        flat = ops.reshape(ops.cast(step.real, "float32"), (ops.shape(step.real)[0], -1))
        return 0.5 + 0.4 * ops.sin(5.0 * flat[:, 0])


def mlp_generator(latent=LATENT, out=4, batch_norm=False):
    # No bias before batch norm: its gradient is zero up to rounding, which Adam would amplify.
    layers = [keras.Input((latent,)), keras.layers.Dense(8, use_bias=not batch_norm)]
    if batch_norm:
        layers.append(keras.layers.BatchNormalization())
    layers += [keras.layers.ReLU(), keras.layers.Dense(out, activation="tanh")]
    return keras.Sequential(layers)


def mlp_discriminator(inp=4):
    return keras.Sequential([keras.Input((inp,)), keras.layers.Dense(8), keras.layers.LeakyReLU(0.2),
                             keras.layers.Dense(1)])


def sgd():
    return keras.optimizers.SGD(0.1)


def adam(**kwargs):
    return keras.optimizers.Adam(1e-2, beta_1=0.5, **kwargs)


def gan_case(model_kwargs=None, compile_kwargs=None, tricks=None, batch_norm=False, epochs=2, d_inputs=4):
    G, D = mlp_generator(batch_norm=batch_norm), mlp_discriminator(d_inputs)
    set_weights(G, D)
    gan = InjectedGAN(G, D, latent_dim=LATENT, tricks=tricks, seed=0, **(model_kwargs or {}))
    kwargs = {"d_optimizer": adam(), "g_optimizer": adam()}
    kwargs.update(compile_kwargs or {})
    gan.compile(**kwargs)
    return gan, (data(),), {"batch_size": BATCH, "epochs": epochs}


def conditional_case():
    from keras_gan.networks import conditional as nets

    G = nets.conditional_mlp_generator(LATENT, 3, (4,), hidden=8)
    D = nets.conditional_mlp_discriminator((4,), 3, hidden=8)
    set_weights(G, D)
    gan = InjectedConditionalGAN(G, D, latent_dim=LATENT, num_classes=3, seed=0)
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    x = data()
    return gan, (x, np.arange(len(x)) % 3), {"batch_size": BATCH, "epochs": 2}


def infogan_case():
    inputs = keras.Input((4,))
    hidden = keras.layers.LeakyReLU(0.2)(keras.layers.Dense(8)(inputs))
    D = keras.Model(inputs, [keras.layers.Dense(1)(hidden), keras.layers.Dense(3 + 1)(hidden)])
    G = mlp_generator(latent=2 + 3 + 1)
    set_weights(G, D)
    gan = InjectedInfoGAN(G, D, noise_dim=2, categorical=(3,), continuous=1, seed=0)
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    return gan, (data(),), {"batch_size": BATCH, "epochs": 2}


def cyclegan_case():
    def translator():
        return keras.Sequential([keras.Input((4,)), keras.layers.Dense(6, activation="relu"),
                                 keras.layers.Dense(4, activation="tanh")])

    nets = [translator(), translator(), mlp_discriminator(), mlp_discriminator()]
    set_weights(*nets)
    gan = keras_gan.models.CycleGAN(*nets, pool_size=50, seed=0)  # 24 images < 50: the pool only fills
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    a = data()
    return gan, (a, -a[::-1]), {"batch_size": BATCH, "epochs": 1}


IMAGE = (8, 8, 1)


def image_generator(latent=LATENT):
    return keras.Sequential([keras.Input((latent,)), keras.layers.Dense(8), keras.layers.ReLU(),
                             keras.layers.Dense(int(np.prod(IMAGE)), activation="tanh"), keras.layers.Reshape(IMAGE)])


def image_discriminator():
    return keras.Sequential([keras.Input(IMAGE), keras.layers.Flatten(), keras.layers.Dense(8),
                             keras.layers.LeakyReLU(0.2), keras.layers.Dense(1)])


def image_case(tricks, epochs=2):
    """`gan_case` on 8 x 8 images: the image augmentations shift by 1 pixel and cut out 4 x 4 squares."""
    G, D = image_generator(), image_discriminator()
    set_weights(G, D)
    gan = InjectedGAN(G, D, latent_dim=LATENT, tricks=tricks, seed=0)
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    return gan, (data(IMAGE),), {"batch_size": BATCH, "epochs": epochs}


def fixed_draw(operation, x):
    """Augmentation parameters as fixed functions of the batch (each backend draws its own random numbers)."""
    n = ops.shape(x)[0]
    index = ops.arange(n, dtype="int32")
    level = ops.stop_gradient(ops.mean(ops.reshape(ops.cast(x, "float32"), (n, -1)), axis=1))
    return {
        "brightness": lambda: {"shift": 0.45 * ops.sin(7.0 * level)},
        "saturation": lambda: {"factor": 1.0 + 0.9 * ops.sin(5.0 * level + 1.0)},
        "contrast": lambda: {"factor": 1.0 + 0.45 * ops.cos(3.0 * level)},
        "translation": lambda: {"shift_h": index % 3 - 1, "shift_w": (index // 3) % 3 - 1},
        "cutout": lambda: {"offset_h": index % 9, "offset_w": (index * 5) % 9},
        "flip": lambda: {"flip": ops.equal(index % 2, 0)},
    }[operation]()


class FixedDiffAugment(keras_gan.tricks.DiffAugment):
    def draw(self, operation, x):
        return fixed_draw(operation, x)


class FixedADA(keras_gan.tricks.ADA):
    """Fixed parameters, and fixed chances u per sample (none a multiple of the p steps of 1/8)."""

    def draw(self, operation, x):
        u = ops.mod(ops.cast(ops.arange(ops.shape(x)[0]), "float32") * 0.618 + 0.1, 1.0)
        return fixed_draw(operation, x), u


class FixedConsistency(keras_gan.tricks.ConsistencyRegularization):
    def draw(self, operation, x):
        return fixed_draw(operation, x)


CASES = {
    "k1": lambda: gan_case(),
    "k3": lambda: gan_case({"discriminator_steps": 3}, epochs=3),
    "simultaneous": lambda: gan_case({"simultaneous": True}),
    "gradient_penalty": lambda: gan_case(tricks=[FixedPenalty(10.0)], compile_kwargs={"loss": "wasserstein"}),
    "r1_penalty": lambda: gan_case(tricks=[keras_gan.tricks.R1Penalty(1.0)]),
    "weight_clipping": lambda: gan_case(tricks=[keras_gan.tricks.WeightClipping(0.05)],
                                        compile_kwargs={"loss": "wasserstein", "d_optimizer": sgd(),
                                                        "g_optimizer": sgd()}),
    "ema": lambda: gan_case(compile_kwargs={"g_optimizer": adam(use_ema=True, ema_momentum=0.9)}),
    "batch_norm_and_tricks": lambda: gan_case(
        tricks=[keras_gan.tricks.HistoricalAveraging(1e-2), keras_gan.tricks.Packing(2),
                keras_gan.tricks.TrainLosingPlayer(0.3, 0.3)], batch_norm=True, d_inputs=8),
    "top_k": lambda: gan_case(tricks=[keras_gan.tricks.TopK(0.25, 0.5, decay_steps=2)]),
    "diff_augment": lambda: image_case([FixedDiffAugment("color,translation,cutout,flip")]),
    # p moves by 8 * 2 / 128 = 1/8 every 2 discriminator updates.
    "ada": lambda: image_case([FixedADA(target=0.6, interval=2, kimg=0.128, p_init=0.5,
                                        policy="flip,translation,color,cutout")]),
    "lecam": lambda: gan_case(tricks=[keras_gan.tricks.LeCam(0.3, decay=0.9)]),
    "consistency": lambda: image_case([FixedConsistency(1.0, balanced=True)]),
    "conditional": conditional_case,
    "infogan": infogan_case,
    "cyclegan": cyclegan_case,
}


def state_of(gan):
    """Every variable of the model and its optimizers, keyed by position and name.

    Positions, not paths: layer names carry a process-wide counter.
    """
    state = {}
    variables = list(gan.variables) + list(gan.optimizer_variables())
    for i, variable in enumerate(variables):
        if "seed_generator" in variable.path:
            continue  # each backend's random generator has its own state layout
        state[f"{i:03d} {re.sub(r'_[0-9]+', '', variable.name)}"] = np.asarray(ops.convert_to_numpy(variable))
    return state


def run(name):
    """Trains case `name`; returns `(state, iterations, history)`."""
    keras.utils.set_random_seed(0)
    gan, fit_args, fit_kwargs = CASES[name]()
    history = gan.fit(*fit_args, shuffle=False, verbose=0, **fit_kwargs).history
    iterations = [int(ops.convert_to_numpy(gan.d_optimizer.iterations)),
                  int(ops.convert_to_numpy(gan.g_optimizer.iterations))]
    return state_of(gan), iterations, {k: [float(v) for v in vs] for k, vs in history.items()}


def resume(path):
    """Loads a model saved (on any backend) at `path` and trains it one more epoch on the k1 data."""
    gan = keras.models.load_model(path)
    history = gan.fit(data(), batch_size=BATCH, epochs=1, shuffle=False, verbose=0).history
    iterations = [int(ops.convert_to_numpy(gan.d_optimizer.iterations)),
                  int(ops.convert_to_numpy(gan.g_optimizer.iterations))]
    return state_of(gan), iterations, {k: [float(v) for v in vs] for k, vs in history.items()}


def save(out_dir, name, result):
    import json

    state, iterations, history = result
    np.savez(os.path.join(out_dir, f"{name}.npz"), **state)
    with open(os.path.join(out_dir, f"{name}.json"), "w") as f:
        json.dump({"iterations": iterations, "history": history}, f)


def main(out_dir, names):
    from tests.harness import _fast_jax_compilation

    _fast_jax_compilation(out_dir)  # compiling dominates these tiny runs on JAX: XLA without its optimizations
    if names and names[0] == "--smoke":
        import json

        with open(os.path.join(out_dir, "smoke.json"), "w") as f:
            json.dump({name: smoke(name) for name in smoke_names()}, f)
        return
    if names and names[0] == "--resume":
        save(out_dir, "resume", resume(names[1]))
        return
    for name in names or list(CASES):
        save(out_dir, name, run(name))
    if not names:
        main(out_dir, ["--smoke"])



# ------------------------------------------------------------ every model and trick


def smoke_tricks():
    """`{name: tricks}`: trick configurations the matrix does not hold, on the plain GAN."""
    t = keras_gan.tricks
    return {
        "FeatureMatching": [t.FeatureMatching(replace_objective=True)],
        "InstanceNoise": [t.InstanceNoise(0.1, anneal_steps=10)],
    }


def smoke(name):
    """Trains one smoke case two epochs; returns `(iterations, history keys, finite, moved)`."""
    keras.utils.set_random_seed(0)
    if name.startswith("trick:"):
        gan = keras_gan.models.GAN(mlp_generator(), mlp_discriminator(), latent_dim=LATENT,
                                   tricks=smoke_tricks()[name[6:]])
        gan.compile()
        fit_args, fit_kwargs = (data(),), {}
    elif name == "mixed_precision":
        keras.config.set_dtype_policy("mixed_float16")
        try:
            gan = keras_gan.models.GAN(mlp_generator(), mlp_discriminator(), latent_dim=LATENT)
            gan.compile()
        finally:
            keras.config.set_dtype_policy("float32")
        fit_args, fit_kwargs = (data(),), {}
    else:  # EMA and the callbacks a user adds
        gan = keras_gan.models.GAN(mlp_generator(), mlp_discriminator(), latent_dim=LATENT)
        gan.compile(g_optimizer=keras.optimizers.Adam(1e-3, use_ema=True))
        fit_args, fit_kwargs = (data(),), {}
    before = [np.array(v) for v in gan.get_weights()]
    kwargs = {"batch_size": BATCH, "epochs": 2, "verbose": 0}
    kwargs.update(fit_kwargs)
    if len(fit_args) == 1 and hasattr(fit_args[0], "element_spec"):
        kwargs.pop("batch_size")
    history = gan.fit(*fit_args, **kwargs).history
    after = gan.get_weights()
    finite = all(np.all(np.isfinite(v)) for values in history.values() for v in values)
    moved = any(not np.allclose(a, b) for a, b in zip(before, after) if a.dtype.kind == "f")
    iterations = [int(ops.convert_to_numpy(gan.d_optimizer.iterations)),
                  int(ops.convert_to_numpy(gan.g_optimizer.iterations))]
    return {"iterations": iterations, "keys": sorted(history), "finite": bool(finite), "moved": bool(moved),
            "policy": gan.d_optimizer.__class__.__name__}


#: The smoke runs each backend makes. Every model, and every trick as the matrix configures it, train on every
#: backend in `tests/harness.py`'s matrix, whose records `tests/test_matrix.py` compares across backends
#: (logged keys, finite values, iteration counts); here, the configurations the matrix does not hold.
SMOKE = ("trick:FeatureMatching", "trick:InstanceNoise", "mixed_precision", "ema")


def smoke_names():
    return list(SMOKE)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
