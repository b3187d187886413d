"""Every public object's docstring follows the Keras format: summary, Args, Returns, Example, Reference.

The examples themselves run as doctests (`--doctest-modules` over `keras_gan/`), so an example counts
only if it executes something: a `>>>` line that is not a comment (`>>> # gan.fit(...)` runs nothing, and
neither does a fenced code block).
"""

import doctest
import importlib
import inspect

import pytest

SUBPACKAGES = ["models", "losses", "layers", "tricks", "callbacks", "metrics", "tuning", "networks", "datasets",
               "games", "plotting", "utils", "sampling", "schedules"]

# Objects that implement no paper's idea: the Reference line would have nothing to cite.
NO_PAPER = {
    "losses.get", "losses.serialize", "losses.deserialize", "losses.AdversarialLoss",
    "losses.binary_cross_entropy_from_logits",
    "tricks.Trick", "tricks.TrickChain", "tricks.TrainLosingPlayer",
    "callbacks.SampleSaver", "callbacks.StopOnDivergence", "callbacks.TrainingDivergedError",
    "callbacks.Evaluate",
    "metrics.get_metric", "metrics.predicted_classes", "metrics.build_digit_classifier",
    "metrics.load_digit_classifier", "metrics.digit_classifier_info",
    "models.GANStep",
    "datasets.DatasetUnavailableError",
    "plotting.plot_history", "plotting.history_figure", "plotting.save_figure",
    "utils.atomic_path", "utils.image_grid", "utils.save_image_grid", "utils.to_uint8",
}


# Public methods whose examples are all commented out; their docstrings are in keras_gan/models/gan.py, owned
# elsewhere. Remove a name once its example runs (the test below fails until then, and when a new one appears).
COMMENTED_OUT_ONLY = {"models.GAN.plot"}


def public_objects():
    for package in SUBPACKAGES:
        module = importlib.import_module(f"keras_gan.{package}")
        for name in module.__all__:
            obj = getattr(module, name)
            if callable(obj):
                yield f"{package}.{name}", obj


OBJECTS = dict(public_objects())


def named_parameters(obj):
    target = obj.__init__ if inspect.isclass(obj) else obj
    try:
        parameters = inspect.signature(target).parameters.values()
    except (TypeError, ValueError):
        return []
    return [p.name for p in parameters
            if p.name not in ("self", "cls") and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def runnable_examples(doc):
    """The doctest examples of `doc` that execute something (not blank, not comment-only)."""
    return [example for example in doctest.DocTestParser().get_examples(doc or "")
            if any(line.strip() and not line.strip().startswith("#") for line in example.source.splitlines())]


def commented_examples(doc):
    """The `>>>` lines of `doc` that are comments."""
    return [line for line in (doc or "").splitlines() if line.strip().startswith(">>> #")]


def public_methods():
    """`package.Class.method` -> the method, for the public methods and properties of the public classes."""
    for name, obj in OBJECTS.items():
        if inspect.isclass(obj):
            for attribute, value in vars(obj).items():
                value = value.fget if isinstance(value, property) else getattr(value, "__func__", value)
                if not attribute.startswith("_") and callable(value):
                    yield f"{name}.{attribute}", value


def problems(name, obj):
    doc = inspect.getdoc(obj) or ""
    found = []
    summary = doc.split("\n\n")[0].strip()
    if not summary:
        found.append("no summary line")
    is_error = inspect.isclass(obj) and issubclass(obj, Exception)
    own_init = inspect.isclass(obj) and "__init__" in vars(obj)
    needs_args = named_parameters(obj) and (not inspect.isclass(obj) or own_init or "Args:" not in doc)
    if needs_args and not is_error and "Args:" not in doc and "Attributes:" not in doc:
        found.append("no Args section")
    if not inspect.isclass(obj) and "Returns:" not in doc and "Yields:" not in doc:
        found.append("no Returns section")
    if not is_error and not runnable_examples(doc):
        found.append("no Example that runs (a `>>>` line that is not a comment)")
    if name not in NO_PAPER and "Reference" not in doc:
        found.append("no Reference (or list it in NO_PAPER with the reason)")
    return found


def test_the_public_api_is_found():
    assert len(OBJECTS) > 80 and "models.GAN" in OBJECTS and "layers.MinibatchDiscrimination" in OBJECTS


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_docstring_has_the_keras_sections(name):
    assert not problems(name, OBJECTS[name]), f"{name}: {problems(name, OBJECTS[name])}"


def test_examples_count_only_when_they_run_something():
    assert not runnable_examples(">>> # gan.fit(x)\n>>> #     more\n")
    assert not runnable_examples("```python\ngan.fit(x)\n```\n")
    assert len(runnable_examples(">>> # a comment\n>>> x = 1  # then code\n>>> x\n1\n")) == 2
    assert problems("f", _commented_only) == ["no Example that runs (a `>>>` line that is not a comment)"]


def _commented_only(x):
    """Doubles `x`.

    Args:
        x: A number.

    Returns:
        `2 * x`.

    Example:

    >>> # _commented_only(2)

    Reference:
        None.
    """
    return 2 * x


def test_no_public_method_has_only_commented_out_examples():
    found = {name for name, method in public_methods()
             if commented_examples(inspect.getdoc(method)) and not runnable_examples(inspect.getdoc(method))}
    assert found == COMMENTED_OUT_ONLY, (
        f"new: {sorted(found - COMMENTED_OUT_ONLY)}; fixed (remove from COMMENTED_OUT_ONLY): "
        f"{sorted(COMMENTED_OUT_ONLY - found)}")
