"""Property test (issue 15): random small generator/discriminator pairs, data and `fit` arguments.

For every draw, `compile` + `fit` either trains (one short epoch) or raises a `ValueError` or
`TypeError` whose message names one of the arguments that an oracle, written from the
documentation, marks as wrong; never another exception, never a silent acceptance of a wrong
argument, and a refused run leaves no file behind.

`KERAS_GAN_FUZZ_EXAMPLES=500 pytest tests/test_fuzz_fit.py` runs a longer campaign; the default is
deterministic (`derandomize=True`) so the suite never flakes.
"""

import os
import tempfile
import warnings

import keras
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import keras_gan

EXAMPLES = int(os.environ.get("KERAS_GAN_FUZZ_EXAMPLES", "30"))

SHAPES = [(2,), (3,), (2, 2), (2, 2, 1)]
DTYPES = ["float32", "float32", "float64", "float16", "int32", "uint8", "bool", "complex64", "<U3"]
FORMS = ["array", "array", "labels", "dataset", "dataset_labels", "dataset_unbatched", "dataset_dict",
         "dataset_3", "tuple", "list", "none"]
def _shape_text(shape):
    """How a message writes the end of a shape: `(2, 2)` ends in "2, 2)", `(3,)` in "3,)" or, with the
    batch axis in front, "3)"."""
    inner = ", ".join(str(d) for d in shape)
    return (inner + ")",) if len(shape) > 1 else (inner + ",)", inner + ")")


def named(fault, s):
    """What a message must contain to name `fault` in scenario `s`: the argument's own name, or the value
    received. Alternatives, each a tuple of strings that must all appear."""
    compile_key = next(iter(s["compile"]), None)
    return {
        "latent_dim": [(f"latent_dim={s['latent_dim']}",)],
        "sample_shape": [("generator", end) for end in _shape_text(s["g_shape"])],
        "logits": [("discriminator", "one logit", f", {s['d_units']})")],
        "batch_norm": [("discriminator", "batch normalization")],
        "dtype": [(s["dtype"],)],
        "empty": [("no samples",), ("no batches",)],
        "nan": [("NaN",)],
        "dataset_unbatched": [("single samples", "dataset.batch(")],
        "dataset_dict": [("dataset of dicts", "'image'")],
        "dataset_3": [("dataset of 3-tuples",)],
        "tuple": [("`x` is a tuple",)],
        "list": [("`x` is a list",)],
        "none": [("`x` is None",)],
        "batch_size": [(f"batch_size={s['batch_size']!r}",)],
        "epochs": [(f"epochs={s['epochs']!r}",)],
        "steps_per_epoch": [(f"steps_per_epoch={s['steps_per_epoch']!r}",)],
        "shuffle": [(f"shuffle={s['shuffle']!r}",)],
        "sample_weight": [("`sample_weight`",)],
        "validation_split": [("`validation_split",)],
        "verbose": [(f"verbose={s['verbose']!r}",)],
        "epoch": [("`epoch=2`",)],
        # A file where SampleSaver's folder should be: its path; samples that are not images: their shape.
        "callbacks": [("SampleSaver", "taken")] if s["callback"] == "file" else
                     [("SampleSaver", str(tuple(s["g_shape"])))],
        "packing": [("Packing(m=2)",)],
        "compile": [{"loss": ("'wassertein'",), "steps_per_execution": ("steps_per_execution=0",),
                     "d_optimizer": ("d_optimizer=3",), "optimizer": ("`optimizer=`",),
                     "jit_compile": ("jit_compile='no'",)}.get(compile_key, (str(compile_key),))],
        "validation_data": [("`validation_data` is",)],
    }[fault]


# Each fault, and how to put it into a valid scenario.
FAULTS = {
    "latent_dim": lambda s, d: s.update(g_latent=s["latent_dim"] + 1),
    "sample_shape": lambda s, d: s.update(g_shape=d(st.sampled_from([x for x in SHAPES if x != s["shape"]]))),
    "logits": lambda s, d: s.update(d_units=2),
    "batch_norm": lambda s, d: s.update(model="WGANGP", batch_norm=True),
    "dtype": lambda s, d: s.update(dtype=d(st.sampled_from(["int32", "uint8", "bool", "complex64", "<U3"]))),
    "empty": lambda s, d: s.update(n=0),
    "nan": lambda s, d: s.update(nan=True),
    "form": lambda s, d: s.update(form=d(st.sampled_from(["dataset_unbatched", "dataset_dict", "dataset_3", "tuple",
                                                          "list", "none"]))),
    "batch_size": lambda s, d: s.update(batch_size=d(st.sampled_from([0, -1, 2.5, "4"]))),
    "epochs": lambda s, d: s.update(epochs=d(st.sampled_from([0, 1.5]))),
    "steps_per_epoch": lambda s, d: s.update(steps_per_epoch=0),
    "shuffle": lambda s, d: s.update(shuffle="yes"),
    "sample_weight": lambda s, d: s.update(sample_weight=True),
    "validation_split": lambda s, d: s.update(validation_split=1.5),
    "verbose": lambda s, d: s.update(verbose=3),
    "unknown": lambda s, d: s.update(unknown=True),
    "callbacks": lambda s, d: s.update(callback="file"),
    "compile": lambda s, d: s.update(compile=d(st.sampled_from([{"loss": "wassertein"}, {"steps_per_execution": 0},
                                                               {"d_optimizer": 3}, {"optimizer": "adam"},
                                                               {"jit_compile": "no"}]))),
    "validation_data": lambda s, d: s.update(validation_data=d(st.sampled_from(["dict", "tuple3", "string"]))),
}


@st.composite
def scenarios(draw):
    """A valid scenario (networks, data, fit arguments), then zero, one or two faults put into it."""
    s = {}
    s["latent_dim"] = draw(st.integers(1, 4))
    s["shape"] = draw(st.sampled_from(SHAPES))
    s["g_latent"], s["g_shape"], s["d_units"] = s["latent_dim"], s["shape"], 1
    s["model"] = draw(st.sampled_from(["GAN", "GAN", "WGANGP"]))
    s["batch_norm"] = draw(st.booleans()) and s["model"] == "GAN"
    s["trick"] = draw(st.sampled_from([None, None, "GradientPenalty", "Packing"]))
    s["loss"] = draw(st.sampled_from(["auto", "non_saturating", "least_squares", "hinge"]))
    s["n"] = draw(st.sampled_from([1, 2, 5, 8, 12]))
    s["dtype"] = draw(st.sampled_from(["float32", "float32", "float64", "float16"]))
    s["nan"] = False
    s["form"] = draw(st.sampled_from(["array", "array", "labels", "dataset", "dataset_labels"]))
    s["batch_size"] = draw(st.sampled_from([None, 1, 2, 3, 4, 8]))
    s["epochs"] = draw(st.sampled_from([1, 1, 2]))
    s["steps_per_epoch"] = draw(st.sampled_from([None, None, 1, 2]))
    s["shuffle"] = draw(st.sampled_from([True, False, "batch"]))
    s["sample_weight"] = False
    s["validation_split"] = draw(st.sampled_from([0.0] * 4 + [0.25]))
    s["verbose"] = 0
    s["unknown"] = False
    s["callback"] = draw(st.sampled_from([None, None, "ok"]))
    s["run_eagerly"] = draw(st.sampled_from([True, True, False]))
    s["compile"] = {}
    s["validation_data"] = draw(st.sampled_from([None, None, None, "ok"]))
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2]))):
        FAULTS[draw(st.sampled_from(sorted(FAULTS)))](s, draw)
    return s


def networks(s):
    g = keras.Sequential([keras.Input((s["g_latent"],)), keras.layers.Dense(4, activation="relu"),
                          keras.layers.Dense(int(np.prod(s["g_shape"])), activation="tanh"),
                          keras.layers.Reshape(s["g_shape"])])
    channels = s["shape"][:-1] + (s["shape"][-1] * 2,) if s["trick"] == "Packing" else s["shape"]
    middle = [keras.layers.BatchNormalization()] if s["batch_norm"] else []
    d = keras.Sequential([keras.Input(channels), keras.layers.Flatten(), keras.layers.Dense(4), *middle,
                          keras.layers.LeakyReLU(0.2), keras.layers.Dense(s["d_units"])])
    return g, d


def data(s):
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (s["n"],) + s["shape"])
    if s["nan"] and s["n"]:
        x[0] = np.nan
    x = x.astype(s["dtype"]) if s["dtype"] != "<U3" else x.astype("float32").astype("<U3")
    labels = np.arange(s["n"]) % 2
    import tensorflow as tf

    def ds(*parts, batch=True):
        d = tf.data.Dataset.from_tensor_slices(parts[0] if len(parts) == 1 else parts)
        return d.batch(s["batch_size"] if isinstance(s["batch_size"], int) and s["batch_size"] > 0 else 4) \
            if batch else d

    form = s["form"]
    if form == "array":
        return x, None
    if form == "labels":
        return x, labels
    if form in ("dataset", "dataset_labels", "dataset_unbatched", "dataset_3", "dataset_dict") and x.dtype.kind == "U":
        return x, None  # tf.data makes byte strings of these; arrays are enough to test the dtype
    if form == "dataset":
        return ds(x), None
    if form == "dataset_labels":
        return ds(x, labels), None
    if form == "dataset_unbatched":
        return ds(x, batch=False), None
    if form == "dataset_3":
        return ds(x, labels, np.ones(s["n"])), None
    if form == "dataset_dict":
        return ds({"image": x, "label": labels}), None
    if form == "tuple":
        return (x, labels), None
    if form == "list":
        return x.tolist(), None
    return None, None


def oracle(s):
    """The arguments that are wrong, from the documentation alone."""
    faults = set()
    if s["g_latent"] != s["latent_dim"]:
        faults.add("latent_dim")
    if s["g_shape"] != s["shape"]:
        faults.add("sample_shape")
    if s["d_units"] != 1:
        faults.add("logits")
    if s["batch_norm"] and s["model"] == "WGANGP":
        faults.add("batch_norm")
    form = s["form"]
    if s["dtype"] == "<U3" and form.startswith("dataset"):
        form = "array"
    if form in ("dataset_unbatched", "dataset_dict", "dataset_3", "tuple", "list", "none"):
        faults.add(form)
    if form != "none" and s["dtype"] not in ("float32", "float64", "float16"):
        faults.add("dtype")
    if form != "none" and s["n"] == 0:
        faults.add("empty")
    if form != "none" and s["nan"] and s["n"] and s["dtype"].startswith("float"):
        faults.add("nan")
    batch_size = s["batch_size"]
    if batch_size is not None and (not isinstance(batch_size, int) or batch_size < 1):
        faults.add("batch_size")
    if not isinstance(s["epochs"], int) or s["epochs"] < 1:
        faults.add("epochs")
    if s["steps_per_epoch"] == 0:
        faults.add("steps_per_epoch")
    if s["shuffle"] not in (True, False, "batch"):
        faults.add("shuffle")
    if s["sample_weight"]:
        faults.add("sample_weight")
    dataset_form = form.startswith("dataset")
    if s["validation_split"] and (s["validation_split"] >= 1 or dataset_form or form in ("tuple", "list", "none")
                                  or int(s["n"] * (1 - s["validation_split"])) < 1):
        faults.add("validation_split")
    if s["verbose"] not in (0, 1, 2, "auto"):
        faults.add("verbose")
    if s["unknown"]:
        faults.add("epoch")
    if s["compile"]:
        faults.add("compile")
    if s["validation_data"] not in (None, "ok"):
        faults.add("validation_data")
    if s["callback"] == "file" or (s["callback"] == "ok" and len(s["g_shape"]) == 1):  # grids need images
        faults.add("callbacks")
    if s["trick"] == "Packing" and "batch_size" not in faults and form in ("array", "labels", "dataset",
                                                                          "dataset_labels"):
        n = s["n"] if not s["validation_split"] or dataset_form else int(s["n"] * (1 - s["validation_split"]))
        if s["validation_data"] == "ok":  # overrides validation_split
            n = s["n"]

        def cut(count, steps=None):  # as Keras: without a batch size, `steps` batches (else batches of 32)
            size = batch_size if isinstance(batch_size, int) else (-(-count // steps) if steps else 32)
            return {min(size, count)} | ({count % size} if count > size and count % size else set())

        sizes = cut(n, s["steps_per_epoch"]) | (cut(s["n"] - n) if s["n"] > n else set())
        if s["validation_data"] == "ok":
            sizes |= cut(3)
        if dataset_form:  # batched without drop_remainder: the batch size is not fixed, which Packing refuses
            sizes = {1}
        if any(k % 2 for k in sizes if k):
            faults.add("packing")
    return faults


def build_and_fit(s, folder):
    g, d = networks(s)
    tricks = {None: [], "GradientPenalty": [keras_gan.tricks.GradientPenalty(10.0)],
              "Packing": [keras_gan.tricks.Packing(2)]}[s["trick"]]
    model_class = getattr(keras_gan.models, s["model"])
    model = model_class(g, d, latent_dim=s["latent_dim"], tricks=tricks)
    compile_kwargs = {} if s["model"] == "WGANGP" else {"loss": s["loss"]}
    compile_kwargs.update(s["compile"])  # a fault's `loss` replaces the scenario's
    model.compile(run_eagerly=s["run_eagerly"], **compile_kwargs)
    x, y = data(s)
    kwargs = {"epochs": s["epochs"], "verbose": s["verbose"], "shuffle": s["shuffle"]}
    for key in ("batch_size", "steps_per_epoch"):
        if s[key] is not None:
            kwargs[key] = s[key]
    if s["sample_weight"]:
        kwargs["sample_weight"] = np.ones(max(s["n"], 1))
    if s["validation_split"]:
        kwargs["validation_split"] = s["validation_split"]
    if s["unknown"]:
        kwargs["epoch"] = 2
    held_out = np.random.default_rng(1).uniform(-1, 1, (3,) + s["shape"]).astype("float32")
    kwargs["validation_data"] = {None: None, "ok": (held_out,), "dict": {"x": held_out},
                                 "tuple3": (held_out, held_out, held_out), "string": "held_out"}[s["validation_data"]]
    if kwargs["validation_data"] is None:
        del kwargs["validation_data"]
    if s["callback"] == "ok":
        kwargs["callbacks"] = [keras_gan.callbacks.SampleSaver(os.path.join(folder, "samples"), n=4)]
    elif s["callback"] == "file":
        with open(os.path.join(folder, "taken"), "w") as f:
            f.write("a file where a folder should be")
        kwargs["callbacks"] = [keras_gan.callbacks.SampleSaver(os.path.join(folder, "taken"), n=4)]
    return model.fit(x, y, **kwargs)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 30, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(scenarios())
def test_fit_trains_or_names_the_wrong_argument(s):
    faults = oracle(s)
    with tempfile.TemporaryDirectory() as folder:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                history = build_and_fit(s, folder)
            except (ValueError, TypeError) as error:
                message = str(error)
                assert faults, f"a valid run was refused: {type(error).__name__}: {message}\n{s}"
                wanted = [words for fault in sorted(faults) for words in named(fault, s)]
                assert any(all(word in message for word in words) for words in wanted), (
                    f"the message names none of {sorted(faults)} (wanted one of {wanted}): {message}\n{s}")
                assert len(message) < 700 and "Traceback" not in message
                left = [f for f in os.listdir(folder) if f != "taken"]
                assert not left, f"a refused run left {left} behind\n{s}"
                return
        assert not faults, f"wrong arguments {sorted(faults)} were accepted\n{s}"
        assert np.isfinite(history.history["d_loss"][-1]) or s["n"] < 2
