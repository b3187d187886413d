"""The test harness every model, trick and schedule goes through, in keras-hub's `TestCase` style.

- `run_model_test(make)`: trains the model `make()` builds (compiled, with its
  data) under `DiscriminatorSteps(K)`; each optimizer's iteration count must
  be what the schedule says. A model `make()` refuses (at construction or
  `compile`, before any step) must name the model, the trick, a reason and
  what to use instead.
- `run_saving_test(make, ...)`: the model `run_model_test` saved after its
  first epoch, loaded and fit on, ends with the state (every variable:
  networks, optimizers, schedule, tricks, latent stream) of the run that
  never stopped, and the same last-epoch logs.
- `assert_trains_and_resumes(make)`: both, with their assertions: what a
  model's own test file calls on its configurations.
- `run_trick_test(trick)` / `run_pair(model, trick)`: the matrix's entries.
- `run_data_parallel_test(trick)`: the GAN with the trick, k = K, on one
  device and data parallel over 2 (TensorFlow's `MirroredStrategy`, JAX's
  `keras.distribution.DataParallel`) ends with the same state and logs.

`MODELS` and `TRICKS` name every public model and trick (a test checks that
against `keras_gan.models.__all__` / `keras_gan.tricks.__all__`, so a new one
joins the matrix or fails that test). Each entry is a small factory of tiny
networks. `tests/test_matrix.py` runs the matrix on TensorFlow, JAX and
PyTorch, one background process each (`python -m tests.harness OUT`), which
writes one JSON record per pair.
"""

import functools
import hashlib
import json
import os
import sys
import tempfile
import time
import traceback

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402
from keras_gan import tricks as T  # noqa: E402

SHAPE = (4, 4, 1)
LATENT = 3
BATCH = 4
N = 16  # samples: 4 steps an epoch
K = 2  # DiscriminatorSteps(K) in every run
EPOCHS = 2
TOLERANCE = 1e-5


# ------------------------------------------------------------------ tiny networks


def _generator(latent=LATENT, shape=SHAPE, name="g"):
    return keras.Sequential([keras.Input((latent,)), keras.layers.Dense(8, activation="relu"),
                             keras.layers.Dense(int(np.prod(shape)), activation="tanh"),
                             keras.layers.Reshape(shape)], name=name)


def _discriminator(shape=SHAPE, name="d"):
    return keras.Sequential([keras.Input(shape), keras.layers.Flatten(), keras.layers.Dense(8),
                             keras.layers.LeakyReLU(0.2), keras.layers.Dense(1)], name=name)


def _packed(shape, m):
    """The shape a discriminator takes under `Packing(m)`: m samples along the last axis."""
    return tuple(shape[:-1]) + (shape[-1] * m,)


def _two_headed(second, shape=SHAPE):
    """A discriminator returning `[logits, second]` (InfoGAN's Q, the semi-supervised features)."""
    x = keras.Input(shape)
    body = keras.layers.LeakyReLU(0.2)(keras.layers.Dense(8)(keras.layers.Flatten()(x)))
    return keras.Model(x, second(body))


def _images(seed=0, n=N, shape=SHAPE):
    return np.random.default_rng(seed).uniform(-0.9, 0.9, (n,) + shape).astype("float32")


def _gan(cls):
    def make(tricks, seed, m=1):
        model = cls(_generator(), _discriminator(_packed(SHAPE, m)), LATENT, tricks=tricks, seed=seed)
        return model, (_images(),), {}
    return make


def _dcgan(tricks, seed, m=1):
    from keras_gan.networks import dcgan_discriminator

    model = keras_gan.models.DCGAN(image_shape=(8, 8, 1), latent_dim=LATENT, width=2, tricks=tricks, seed=seed,
                                   discriminator=dcgan_discriminator((8, 8, m), width=2))
    return model, (_images(shape=(8, 8, 1)),), {}


def _conditional(tricks, seed, m=1):
    from keras_gan.networks import conditional as nets

    model = keras_gan.models.ConditionalGAN(nets.conditional_mlp_generator(LATENT, 3, SHAPE, hidden=8),
                                            nets.conditional_mlp_discriminator(_packed(SHAPE, m), 3, hidden=8),
                                            LATENT, 3, tricks=tricks, seed=seed)
    return model, (_images(), np.arange(N) % 3), {}


def _self_conditioned(tricks, seed, m=1):
    from keras_gan.networks import conditional as nets

    model = keras_gan.models.SelfConditionedGAN(nets.conditional_mlp_generator(LATENT, 3, SHAPE, hidden=8),
                                                nets.conditional_mlp_discriminator(_packed(SHAPE, m), 3, hidden=8),
                                                LATENT, 3, tricks=tricks, seed=seed)
    return model, (_images(),), {}


def _infogan(tricks, seed, m=1):
    d = _two_headed(lambda body: [keras.layers.Dense(1)(body), keras.layers.Dense(3 + 1)(body)], _packed(SHAPE, m))
    model = keras_gan.models.InfoGAN(_generator(latent=2 + 3 + 1), d, noise_dim=2, categorical=(3,), continuous=1,
                                     tricks=tricks, seed=seed)
    return model, (_images(),), {}


def _semi_supervised(tricks, seed, m=1):
    import tensorflow as tf

    d = _two_headed(lambda body: [keras.layers.Dense(3)(body), body], _packed(SHAPE, m))
    model = keras_gan.models.SemiSupervisedGAN(_generator(), d, LATENT, num_classes=3, tricks=tricks, seed=seed)
    x = _images()
    # As `make_dataset` builds it, without its reshuffling: every pass is the same (the resumed run sees
    # the batches the uninterrupted one saw).
    unlabelled = tf.data.Dataset.from_tensor_slices(x).batch(BATCH, drop_remainder=True)
    labelled = tf.data.Dataset.from_tensor_slices((x[::-1], np.arange(N) % 3)).batch(BATCH, drop_remainder=True)
    return model, (tf.data.Dataset.zip((unlabelled, labelled)),), {}


def _cyclegan(tricks, seed, m=1):
    def translator(name):
        return keras.Sequential([keras.Input(SHAPE), keras.layers.Flatten(), keras.layers.Dense(8, activation="relu"),
                                 keras.layers.Dense(int(np.prod(SHAPE)), activation="tanh"),
                                 keras.layers.Reshape(SHAPE)], name=name)

    critics = (_discriminator(_packed(SHAPE, m), name="d_a"), _discriminator(_packed(SHAPE, m), name="d_b"))
    model = keras_gan.models.CycleGAN(translator("g_ab"), translator("g_ba"), *critics, pool_size=4, seed=seed,
                                      tricks=tricks)
    a = _images()
    return model, (a, -a[::-1]), {}


#: Every public model: name -> factory(tricks, seed, m) -> (model, fit's positional data, extra fit kwargs);
#: m: the samples a discriminator input holds (`Packing(m)`).
MODELS = {
    "GAN": _gan(keras_gan.models.GAN),
    "DCGAN": _dcgan,
    "ConditionalGAN": _conditional,
    "SelfConditionedGAN": _self_conditioned,
    "InfoGAN": _infogan,
    "SemiSupervisedGAN": _semi_supervised,
    "LSGAN": _gan(keras_gan.models.LSGAN),
    "WGAN": _gan(keras_gan.models.WGAN),
    "WGANGP": _gan(keras_gan.models.WGANGP),
    "CycleGAN": _cyclegan,
}

#: Every public trick: name -> (factory(seed), expected (d, g) optimizer iterations after `steps` steps).
TRICKS = {
    "none": (lambda seed: None, None),
    "GradientPenalty": (lambda seed: T.GradientPenalty(1.0, seed=seed), None),
    "R1Penalty": (lambda seed: T.R1Penalty(1.0), None),
    "WeightClipping": (lambda seed: T.WeightClipping(0.5), None),
    "FeatureMatching": (lambda seed: T.FeatureMatching(0.5), None),
    "HistoricalAveraging": (lambda seed: T.HistoricalAveraging(1e-2), None),
    "OrthogonalRegularization": (lambda seed: T.OrthogonalRegularization(1e-3), None),
    "Packing": (lambda seed: T.Packing(2), None),
    "InstanceNoise": (lambda seed: T.InstanceNoise(0.1, seed=seed), None),
    "TopK": (lambda seed: T.TopK(0.5, decay=0.5, decay_steps=2), None),
    "DiffAugment": (lambda seed, policy="color,translation,cutout": T.DiffAugment(policy, seed=seed), None),
    # kimg=0.008: p moves by batch * interval / 8 = 1 per interval, so it changes during the run.
    "ADA": (lambda seed, policy="flip,translation,color,cutout": T.ADA(interval=2, kimg=0.008, p_init=0.5,
                                                                       policy=policy, seed=seed), None),
    "LeCam": (lambda seed: T.LeCam(0.3), None),
    "ConsistencyRegularization": (lambda seed, augment="flip,translation": T.ConsistencyRegularization(
        1.0, augment=augment, balanced=True, seed=seed), None),
    # The generator's gate is always closed (its last loss never reaches 1e30): it must never update.
    "TrainLosingPlayer": (lambda seed: T.TrainLosingPlayer(discriminator_threshold=-1e30, generator_threshold=1e30),
                          lambda steps: (steps, 0)),
}


#: The augmenting tricks and the argument naming their operations. The plain GAN (whose pairs are also resumed
#: and run data parallel) gets each one's full policy above; every other model gets one operation, a different
#: one per model and trick, so each operation meets several models while the matrix traces and compiles a
#: quarter of the augmentation graph (on JAX, ADA's four operations take 4x one operation's time to compile:
#: 12.8 vs 3.2 CPU seconds for the DCGAN pair). Each operation's own semantics are tested in tests/tricks/.
AUGMENTING = {"DiffAugment": "policy", "ADA": "policy", "ConsistencyRegularization": "augment"}
ONE_OPERATION = ("flip", "translation", "color", "cutout")


def make_trick(model_name, trick_name, seed=0):
    """The trick of the pair `(model_name, trick_name)` (None for `"none"`), as the matrix builds it."""
    factory = TRICKS[trick_name][0]
    if trick_name in AUGMENTING and model_name != "GAN":
        turn = list(MODELS).index(model_name) + list(AUGMENTING).index(trick_name)
        return factory(seed, **{AUGMENTING[trick_name]: ONE_OPERATION[turn % len(ONE_OPERATION)]})
    return factory(seed)


def build(model_name, trick_name, seed=0, **compile_kwargs):
    """`(model, data, fit kwargs)` of the matrix, compiled; raises where the pair is refused."""
    keras.utils.set_random_seed(seed)
    trick = make_trick(model_name, trick_name, seed)
    m = trick.samples_per_input if trick is not None else 1
    model, data, extra = MODELS[model_name]([trick] if trick is not None else None, seed, m)
    model.compile(d_optimizer=keras.optimizers.Adam(1e-2, beta_1=0.5),
                  g_optimizer=keras.optimizers.Adam(1e-2, beta_1=0.5), **compile_kwargs)
    return model, data, extra


def fit(model, data, extra=None, epochs=1, initial_epoch=0, callbacks=()):
    """`model.fit(*data)` quietly, unshuffled, in batches of `BATCH` (arrays), with `callbacks`."""
    kwargs = dict(extra or {}, epochs=epochs, initial_epoch=initial_epoch, verbose=0, shuffle=False,
                  callbacks=list(callbacks))
    if not hasattr(data[0], "element_spec"):
        kwargs.setdefault("batch_size", BATCH)
    return model.fit(*data, **kwargs)


def state(model):
    """`[(path, value)]` of every variable of the model and both optimizers, in order: networks, schedule,
    tricks, latent stream, optimizer slots. (Compared by position: on PyTorch a loaded model's paths
    lose their network's prefix.)"""
    variables = list(model.variables) + list(model.d_optimizer.variables) + list(model.g_optimizer.variables)
    return [(v.path, np.array(keras.ops.convert_to_numpy(v))) for v in variables]


def iterations(model):
    """`[discriminator updates, generator updates]`: the optimizers' iteration counts."""
    return [int(keras.ops.convert_to_numpy(model.d_optimizer.iterations)),
            int(keras.ops.convert_to_numpy(model.g_optimizer.iterations))]


def steps_per_epoch(data, extra=None):
    x = data[0]
    if hasattr(x, "element_spec"):
        return int(x.cardinality())
    return -(-len(x) // (extra or {}).get("batch_size", BATCH))


def run_model_test(make, *, epochs=EPOCHS, k=K, expected=None, folder=None):
    """Trains `make()`'s model under `DiscriminatorSteps(k)` and checks the schedule's iteration counts.

    Args:
        make: `() -> (compiled model, fit's positional data, fit kwargs)`; raising refuses the model.
        epochs: Epochs trained; the model is saved into `folder` (if given) after the first.
        k: The `DiscriminatorSteps` callback's k.
        expected: `steps -> (d, g)` expected iterations; default: the schedule's (steps, steps // k).

    Returns:
        A record: `{"status": "refused", "message"}`, or `{"status": "trained", "iterations",
        "expected", "steps", "history", "_model"}` (`check_record` asserts on it).
    """
    try:
        model, data, extra = make()
    except (ValueError, TypeError) as error:
        return {"status": "refused", "message": str(error)}
    callbacks = [keras_gan.callbacks.DiscriminatorSteps(k)]
    first = fit(model, data, extra, 1, callbacks=callbacks).history
    saved = {}
    if folder is not None:
        model.save(os.path.join(folder, "model.keras"))
        saved = {"_saved_state": state(model), "_saved_config": _config(model), "_saved_iterations": iterations(model)}
    rest = fit(model, data, extra, epochs, initial_epoch=1, callbacks=callbacks).history
    steps = epochs * steps_per_epoch(data, extra)
    return {"status": "trained", "iterations": iterations(model), "steps": steps,
            "expected": list(expected(steps) if expected else (steps, steps // k)),
            "history": {key: [float(x) for x in first[key] + rest[key]] for key in rest}, "_model": model, **saved}


def _config(model):
    """The model's config and compile config, as comparable text (what `load_model` rebuilds from)."""
    tricks = [keras.saving.serialize_keras_object(trick) for trick in model.tricks]  # as built, not as saved
    return json.dumps([model.get_config(), model.get_compile_config(), tricks], sort_keys=True, default=str)


def run_saving_test(make, reference, folder, *, epochs=EPOCHS, k=K, resume=True):
    """Loads the model `run_model_test(make, folder=folder)` saved after its first epoch and fits the rest.

    With `resume=False`, compares the loaded model with the saved one instead of training it on: the same
    config (networks, tricks, schedule, loss, optimizers) and the same value of every variable (training
    on is then the same deterministic computation; the matrix resumes every model without a trick and
    every trick on `GAN`, and round-trips the other pairs).

    Returns:
        The largest difference from the run that never stopped (or from the saved state) over every
        variable, the iterations to expect and those found, and both runs' last-epoch logs.
    """
    loaded = keras.models.load_model(os.path.join(folder, "model.keras"))
    if not resume:
        return dict(_differences(reference["_saved_state"], state(loaded)), resumed=False,
                    config=_config(loaded) == reference["_saved_config"], iterations=iterations(loaded),
                    expected=reference["_saved_iterations"], last_epoch={}, resumed_last_epoch={}, _model=loaded)
    _, data, extra = make()  # the same data, afresh
    history = fit(loaded, data, extra, epochs, initial_epoch=1,
                  callbacks=[keras_gan.callbacks.DiscriminatorSteps(k)]).history
    return dict(_differences(state(reference["_model"]), state(loaded)), resumed=True, config=True,
                iterations=iterations(loaded), expected=reference["expected"],
                last_epoch={key: v[-1] for key, v in reference["history"].items()},
                resumed_last_epoch={key: float(v[-1]) for key, v in history.items()}, _model=loaded)


def _differences(straight, resumed):
    """The largest difference between two `state`s, where, and the variables that do not pair up."""
    worst, difference, mismatched = None, 0.0, []
    for (path, value), (_, other) in zip(straight, resumed):
        if value.shape != other.shape:
            mismatched.append(f"{path}: {value.shape} vs {other.shape}")
            continue
        d = float(np.max(np.abs(value.astype("float64") - other.astype("float64")), initial=0.0))
        if d > difference:
            worst, difference = path, d
    if len(straight) != len(resumed):
        mismatched.append(f"{len(straight)} variables, {len(resumed)} after loading")
    return {"max_difference": difference, "worst": worst, "missing": mismatched}


def run_model_and_saving_test(make, resume=True, **kwargs):
    """`run_model_test` then `run_saving_test`; a JSON-ready record (errors caught, with their traceback)."""
    try:
        with tempfile.TemporaryDirectory() as folder:
            record = run_model_test(make, folder=folder, **kwargs)
            if record["status"] == "trained":
                record["saving"] = run_saving_test(make, record, folder, resume=resume,
                                                   **{k: v for k, v in kwargs.items() if k in ("epochs", "k")})
                for key in ("_saved_state", "_saved_config", "_saved_iterations"):
                    record.pop(key)
    except Exception as error:  # noqa: BLE001 - reported by the test
        record = {"status": "error", "message": f"{type(error).__name__}: {error}",
                  "traceback": traceback.format_exc()[-3000:]}
    return record


def assert_trains_and_resumes(make, where="the model", **kwargs):
    """In a test: `make()`'s model trains as its schedule says, and save, load and continue equals never stopping.

    Returns:
        `(model trained without stopping, model resumed from its save)`.
    """
    record = run_model_and_saving_test(make, **kwargs)
    check_record(record, where)
    return record["_model"], record["saving"]["_model"]


def resumes(model_name, trick_name):
    """Whether the matrix trains the pair on after loading (else it compares the loaded model with the saved)."""
    return trick_name == "none" or model_name == "GAN"


def run_pair(model_name, trick_name):
    """One (model, trick) pair of the matrix, as a JSON-ready record."""
    record = run_model_and_saving_test(lambda: build(model_name, trick_name), expected=TRICKS[trick_name][1],
                                       resume=resumes(model_name, trick_name))
    record.pop("_model", None)
    record.get("saving", {}).pop("_model", None)
    return record


def run_trick_test(trick_name):
    """One trick on every model; `{model: record}`."""
    return {model: run_pair(model, trick_name) for model in MODELS}


#: Pairs refused by a declared rule, and why (a test checks this list, so a change is deliberate).
EXPECTED_REFUSALS = {
    # A discriminator with a second input (labels) or a second output (codes, classes) cannot be packed,
    # and its feature layer is not the one index -2 names.
    ("ConditionalGAN", "FeatureMatching"),
    ("ConditionalGAN", "Packing"),
    ("SelfConditionedGAN", "FeatureMatching"),
    ("SelfConditionedGAN", "Packing"),
    ("InfoGAN", "FeatureMatching"),
    ("InfoGAN", "Packing"),
    ("SemiSupervisedGAN", "FeatureMatching"),
    ("SemiSupervisedGAN", "Packing"),
    # Its generator matches features: there is no adversarial cost to select samples in.
    ("SemiSupervisedGAN", "TopK"),
    # Two discriminators: the penalties and feature matching read one.
    ("CycleGAN", "GradientPenalty"),
    ("CycleGAN", "R1Penalty"),
    ("CycleGAN", "FeatureMatching"),
    # Two discriminators: ADA's heuristic, LeCam's anchors and CR's term read one discriminator's outputs.
    ("CycleGAN", "ADA"),
    ("CycleGAN", "LeCam"),
    ("CycleGAN", "ConsistencyRegularization"),
}


def check_record(record, where, refused=None):
    """The assertions of one record of `run_model_and_saving_test`.

    Args:
        record: The record.
        where: What ran, for messages (`"GAN x Packing on jax"`).
        refused: None (it must train), or the `(model, trick)` names a refusal must mention.
    """
    assert record["status"] != "error", f"{where} failed:\n{record.get('traceback', record['message'])}"
    if record["status"] == "refused":
        message = record["message"]
        assert refused is not None, f"{where} was refused: {message}"
        assert all(name in message for name in refused), f"{where}: the refusal does not name {refused}: {message}"
        assert "instead" in message, f"{where}: the refusal says no alternative: {message}"
        return
    assert refused is None, f"{where} trained, but it should be refused"
    assert record["iterations"] == record["expected"], (
        f"{where}: optimizer iterations (d, g) {record['iterations']}, the schedule says {record['expected']}")
    saving = record["saving"]
    what = "save, load and continue differs from never stopping" if saving["resumed"] else \
        "the loaded model differs from the saved one"
    assert saving["config"], f"{where}: the loaded model's config differs from the saved model's"
    assert saving["iterations"] == saving["expected"], (
        f"{where}: after loading, iterations {saving['iterations']}, expected {saving['expected']}")
    assert not saving["missing"], f"{where}: variables differ after loading: {saving['missing']}"
    assert saving["max_difference"] <= TOLERANCE, (
        f"{where}: {what} by {saving['max_difference']:.3g} at {saving['worst']}")
    for name, value in saving["last_epoch"].items():
        resumed = saving["resumed_last_epoch"][name]
        assert abs(resumed - value) <= 1e-4 * max(1.0, abs(value)), (
            f"{where}: the resumed epoch's {name} is {resumed}, never stopping gives {value}")


def run_eager(model_name):
    """The model compiled with `run_eagerly=True` (no `tf.function`, no `jax.jit`), K steps: its iterations.
    (Op by op, JAX takes seconds a step: K steps are one round of the schedule.)"""
    try:
        model, data, extra = build(model_name, "none", run_eagerly=True)
        model.set_discriminator_steps(K)
        fit(model, data, dict(extra, steps_per_epoch=K), epochs=1)
        return {"status": "trained", "iterations": iterations(model), "steps": K}
    except Exception as error:  # noqa: BLE001 - reported by the test
        return {"status": "error", "message": f"{type(error).__name__}: {error}",
                "traceback": traceback.format_exc()[-3000:]}


def check_eager(model_name, record, backend):
    where = f"{model_name} with run_eagerly=True on {backend}"
    details = record.get("traceback", record.get("message"))
    assert record["status"] == "trained", f"{where} failed:\n{details}"
    expected = [record["steps"], record["steps"] // K]
    assert record["iterations"] == expected, f"{where}: iterations {record['iterations']}, expected {expected}"


def check_pair(model_name, trick_name, record, backend):
    """The assertions of one (model, trick, backend) triple of the matrix."""
    refused = (model_name, trick_name) if (model_name, trick_name) in EXPECTED_REFUSALS else None
    check_record(record, f"{model_name} x {trick_name} on {backend}", refused)


def _fast_jax_compilation(folder):
    """On JAX, compiling the step dominates a tiny model's run: cache compilations (a loaded model
    compiles the step its original compiled) and skip XLA's optimizations (tiny networks)."""
    if keras.backend.backend() == "jax":
        import jax

        jax.config.update("jax_compilation_cache_dir", os.path.join(folder, "jax_cache"))
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
        jax.config.update("jax_persistent_cache_min_entry_size_bytes", -1)
        jax.config.update("jax_disable_most_optimizations", True)


# ------------------------------------------------------------------ input sources

#: Every source Keras's `fit` takes: name -> whether it exists on a backend.
SOURCES = ("numpy", "tf.data", "backend tensors", "DataLoader", "PyDataset", "generator")

#: Models trained from each source: name -> factory `() -> (model, arrays)` (arrays: `(x,)` or `(x, y)`).
SOURCE_MODELS = {
    "ConditionalGAN": lambda: MODELS["ConditionalGAN"](None, 0),
    "GAN": lambda: MODELS["GAN"](None, 0),
    "CycleGAN": lambda: MODELS["CycleGAN"](None, 0),
}


def as_source(arrays, source, batch=BATCH):
    """`(fit's positional data, fit kwargs)` that hand `arrays` (`(x,)` or `(x, y)`) to `fit` from `source`."""
    n = len(arrays[0])
    steps = -(-n // batch)
    batches = [tuple(a[i * batch:(i + 1) * batch] for a in arrays) for i in range(steps)]

    def element(parts):
        return parts if len(parts) > 1 else parts[0]

    if source == "numpy":
        return tuple(arrays), {"batch_size": batch}
    if source == "tf.data":
        import tensorflow as tf

        return (tf.data.Dataset.from_tensor_slices(element(tuple(arrays))).batch(batch),), {}
    if source == "backend tensors":
        return tuple(keras.ops.convert_to_tensor(a) for a in arrays), {"batch_size": batch}
    if source == "DataLoader":
        import torch

        dataset = torch.utils.data.TensorDataset(*(torch.as_tensor(a) for a in arrays))
        return (torch.utils.data.DataLoader(dataset, batch_size=batch),), {}
    if source == "PyDataset":
        class Batches(keras.utils.PyDataset):
            def __len__(self):
                return steps

            def __getitem__(self, index):
                return element(batches[index])

        return (Batches(),), {}
    if source == "generator":
        def forever():
            while True:
                yield from (element(b) for b in batches)

        return (forever(),), {"steps_per_epoch": steps}
    raise ValueError(source)


#: Mistakes made from every source: name -> `arrays -> arrays`, and what the message must hold.
MISTAKES = {
    "uint8 pixels": (lambda a: ((a[0] * 127 + 128).astype("uint8"),) + a[1:], "integer type (uint8)"),
    "a NaN": (lambda a: (np.where(np.arange(a[0].size).reshape(a[0].shape) == 5, np.nan, a[0]).astype("float32"),)
              + a[1:], "NaN or Inf"),
    "channels-first images": (lambda a: (np.ascontiguousarray(np.transpose(a[0], (0, 3, 1, 2))),) + a[1:],
                              "np.transpose(x, (0, 2, 3, 1))"),
    "labels out of range": (lambda a: a[:1] + ((a[1] + 3),), "[0, num_classes=3)"),
    "float labels": (lambda a: a[:1] + ((a[1] + 0.5).astype("float32"),), "non-integer values"),
}


def run_source(model_name, source):
    """Trains a model from `source` for one epoch; a record with the optimizers' iterations (or the error)."""
    try:
        keras.utils.set_random_seed(0)
        model, arrays, _ = SOURCE_MODELS[model_name]()
        model.compile()
        data, kwargs = as_source(arrays, source)
        model.fit(*data, epochs=1, verbose=0, **kwargs)
        return {"status": "trained", "iterations": iterations(model), "steps": -(-len(arrays[0]) // BATCH)}
    except Exception as error:  # noqa: BLE001 - reported by the test
        return {"status": "error", "message": f"{type(error).__name__}: {error}",
                "traceback": traceback.format_exc()[-3000:]}


def run_mistake(mistake, source):
    """ConditionalGAN's `fit` on a mistaken copy of its data from `source`: the message, or what happened."""
    keras.utils.set_random_seed(0)
    model, arrays, _ = SOURCE_MODELS["ConditionalGAN"]()
    model.compile()
    data, kwargs = as_source(MISTAKES[mistake][0](tuple(arrays)), source)
    try:
        model.fit(*data, epochs=1, verbose=0, **kwargs)
    except Exception as error:  # noqa: BLE001 - the message is the record
        return {"status": "refused", "type": type(error).__name__, "message": str(error),
                "steps": int(keras.ops.convert_to_numpy(model.d_optimizer.iterations))}
    return {"status": "trained", "steps": int(keras.ops.convert_to_numpy(model.d_optimizer.iterations))}


def check_source_record(model_name, source, record, backend):
    where = f"{model_name} from {source} on {backend}"
    assert record["status"] == "trained", f"{where} failed:\n{record.get('traceback', record.get('message'))}"
    assert record["iterations"] == [record["steps"]] * 2, f"{where}: iterations {record['iterations']}"


def check_mistakes(mistake, records, backend):
    """Every source refuses the mistake before any step, with one message naming it."""
    expected = MISTAKES[mistake][1]
    messages = {}
    for source, record in records.items():
        where = f"{mistake} from {source} on {backend}"
        assert record["status"] == "refused", f"{where} trained ({record['steps']} steps) without a word"
        assert record["steps"] == 0, f"{where} was refused after {record['steps']} steps"
        assert expected in record["message"], f"{where}: the message does not say {expected!r}: {record['message']}"
        messages[source] = (record["type"], record["message"])
    assert len(set(messages.values())) == 1, f"{mistake} on {backend}: the sources' messages differ: {messages}"


# ------------------------------------------------------------------ data parallel: 2 devices equal one

#: Backends whose data-parallel engine runs inside one process over 2 devices (PyTorch's is
#: `torch.distributed`, several processes: `tests/backend/test_torch_distribution.py`).
DATA_PARALLEL_BACKENDS = ("tensorflow", "jax")


def _two_device_cpus():
    """TensorFlow: 2 logical CPU devices (before TensorFlow starts); JAX gets them from `XLA_FLAGS`."""
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        try:
            tf.config.set_logical_device_configuration(
                tf.config.list_physical_devices("CPU")[0], [tf.config.LogicalDeviceConfiguration()] * 2)
        except RuntimeError:  # already started (a test process configures them in its conftest)
            pass


def data_parallel_scope():
    """A scope that builds and fits a model data-parallel over 2 devices of this process (None: fewer than 2).

    TensorFlow: `MirroredStrategy` over 2 logical CPUs, reducing through one device. JAX:
    `keras.distribution.DataParallel` over 2 host devices (`XLA_FLAGS=--xla_force_host_platform_device_count=2`).
    """
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        cpus = [c.name for c in tf.config.list_logical_devices("CPU")[:2]]
        if len(cpus) < 2:
            return None
        return tf.distribute.MirroredStrategy(cpus, cross_device_ops=tf.distribute.ReductionToOneDevice()).scope()
    if keras.backend.backend() == "jax":
        import jax

        if len(jax.devices()) < 2:
            return None
        return keras.distribution.DataParallel(devices=jax.devices()[:2]).scope()
    return None


def run_data_parallel_test(trick_name):
    """The GAN with `trick_name` under `DiscriminatorSteps(K)`, its own random draws, on one device and data
    parallel over 2: a record of both runs' optimizer iterations and logs, and every variable's difference.
    """
    try:
        def make():
            model, data, extra = build("GAN", trick_name)
            model.set_discriminator_steps(K)
            return model, data, extra

        single, data, extra = make()
        scope = data_parallel_scope()
        if scope is None:
            return {"status": "skipped", "message": f"fewer than 2 devices on {keras.backend.backend()}"}
        with scope:
            parallel, _, _ = make()
            parallel.set_weights(single.get_weights())
            history = fit(parallel, data, extra, epochs=EPOCHS).history
        reference = fit(single, data, extra, epochs=EPOCHS).history
        differences = {}
        for (path, a), (_, b) in zip(state(single), state(parallel)):
            if not np.allclose(b, a, rtol=TOLERANCE, atol=TOLERANCE):
                differences[path] = float(np.max(np.abs(b - a)))
        logs = {key: [[float(v) for v in reference[key]], [float(v) for v in history.get(key, [])]]
                for key in reference}
        return {"status": "trained", "iterations": [iterations(single), iterations(parallel)],
                "keys": [sorted(reference), sorted(history)], "logs": logs, "differences": differences,
                "variables": len(state(single))}
    except Exception as error:  # noqa: BLE001 - reported by the test
        return {"status": "error", "message": f"{type(error).__name__}: {error}",
                "traceback": traceback.format_exc()[-3000:]}


def check_data_parallel(trick_name, record, backend):
    """2 devices end where one device ends: every variable and logged value within `TOLERANCE`, the same
    optimizer iterations, as the trick's schedule says."""
    where = f"GAN with {trick_name} on 2 devices ({backend})"
    assert record["status"] == "trained", f"{where} failed:\n{record.get('traceback', record.get('message'))}"
    single, parallel = record["iterations"]
    steps = EPOCHS * N // BATCH
    expected = TRICKS[trick_name][1]
    assert single == parallel == list(expected(steps) if expected else (steps, steps // K)), (where, single, parallel)
    assert record["keys"][0] == record["keys"][1], f"{where}: logged keys {record['keys']}"
    for key, (a, b) in record["logs"].items():
        np.testing.assert_allclose(b, a, rtol=TOLERANCE, atol=TOLERANCE, err_msg=f"{where}: log {key}")
    assert not record["differences"], f"{where}: variables away from one device's: {record['differences']}"


def _claim(folder, key):
    """Whether this process takes job `key`: the first process to create its claim file does."""
    name = hashlib.sha1(key.encode()).hexdigest()
    try:
        os.close(os.open(os.path.join(folder, name), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        return True
    except FileExistsError:
        return False


def _alive(pid_file):
    try:
        with open(pid_file) as f:
            os.kill(int(f.read()), 0)
        return True
    except (OSError, ValueError):
        return False


def _helper_records(path):
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        lines = [json.loads(line) for line in f if line.endswith("\n")]  # a line cut by a crash is left out
    return {line["key"]: line["record"] for line in lines}


def main(out_dir, names=(), helper=False):
    """Runs the matrix (or the `model:trick` pairs named) and writes one JSON file of records.

    The whole matrix is shared out by claim files: the backend's first process takes its jobs from the
    front; a helper (`--helper`, which `tests/matrix_runner.py` starts for the backend still running when
    another backend's process ends, so a freed core is used) takes them from the back, data-parallel jobs
    last in both, and appends its records to a file the first process merges before writing the backend's.
    """
    _two_device_cpus()
    _fast_jax_compilation(out_dir)
    backend = keras.backend.backend()
    pairs = [tuple(n.split(":")) for n in names] or [(m, t) for m in MODELS for t in TRICKS]
    jobs = {f"{m}:{t}": functools.partial(run_pair, m, t) for m, t in pairs}
    parallel = {}
    if not names:
        jobs.update({f"source:{m}:{s}": functools.partial(run_source, m, s) for m in SOURCE_MODELS for s in SOURCES})
        jobs.update({f"mistake:{k}:{s}": functools.partial(run_mistake, k, s) for k in MISTAKES for s in SOURCES})
        jobs.update({f"eager:{m}": functools.partial(run_eager, m) for m in MODELS})
        if backend in DATA_PARALLEL_BACKENDS:  # last: a strategy changes TF's collective state
            parallel = {f"data_parallel:{t}": functools.partial(run_data_parallel_test, t) for t in TRICKS}
    order = list(jobs)[::-1] + list(parallel)[::-1] if helper else list(jobs) + list(parallel)
    jobs.update(parallel)
    claims = os.path.join(out_dir, f"claims_{backend}")
    os.makedirs(claims, exist_ok=True)
    helper_path = os.path.join(out_dir, f"matrix_{backend}.helper.jsonl")
    helper_done = os.path.join(out_dir, f"matrix_{backend}.helper.done")
    records = {}
    if helper:
        with open(helper_path[:-len(".jsonl")] + ".pid", "w") as f:
            f.write(str(os.getpid()))
    try:
        for key in order:
            if names or _claim(claims, key):
                start = time.perf_counter()
                records[key] = jobs[key]()
                records[key]["seconds"] = round(time.perf_counter() - start, 2)  # where the matrix's time goes
                if helper:
                    with open(helper_path, "a") as f:
                        f.write(json.dumps({"key": key, "record": records[key]}) + "\n")
    finally:
        if helper:
            open(helper_done, "w").close()
    if helper:
        return
    # The jobs a helper claimed: wait for its records (or its end), and run any it left without one.
    while set(jobs) - set(records) - set(_helper_records(helper_path)) and not os.path.exists(helper_done) \
            and _alive(helper_path[:-len(".jsonl")] + ".pid"):
        time.sleep(0.5)
    records.update(_helper_records(helper_path))
    for key in [key for key in jobs if key not in records]:
        records[key] = jobs[key]()
    records = {key: records[key] for key in jobs}
    path = os.path.join(out_dir, f"matrix_{backend}.json")
    with open(path + ".part", "w") as f:
        json.dump(records, f)
    os.replace(path + ".part", path)


if __name__ == "__main__":
    arguments = [a for a in sys.argv[2:] if a != "--helper"]
    main(sys.argv[1], arguments, helper="--helper" in sys.argv[2:])
