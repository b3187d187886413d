"""Every public object's docstring follows the Keras format: summary, Args, Returns, Example, Reference.

The examples themselves run as doctests (`--doctest-modules` over `keras_gan/`).
"""

import importlib
import inspect

import pytest

SUBPACKAGES = ["models", "losses", "layers", "tricks", "callbacks", "metrics", "tuning", "networks", "datasets",
               "games", "plotting", "utils"]

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
    if not is_error and "Example" not in doc:
        found.append("no Example")
    if name not in NO_PAPER and "Reference" not in doc:
        found.append("no Reference (or list it in NO_PAPER with the reason)")
    return found


def test_the_public_api_is_found():
    assert len(OBJECTS) > 80 and "models.GAN" in OBJECTS and "layers.MinibatchDiscrimination" in OBJECTS


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_docstring_has_the_keras_sections(name):
    assert not problems(name, OBJECTS[name]), f"{name}: {problems(name, OBJECTS[name])}"
