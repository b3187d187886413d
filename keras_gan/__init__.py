"""keras-gan: generative adversarial networks for Keras 3.

Subpackages, each reachable as an attribute after `import keras_gan`:
`models` (GAN, DCGAN, ConditionalGAN, InfoGAN, LSGAN, WGAN, WGANGP, CycleGAN,
SemiSupervisedGAN), `losses` (adversarial objectives, mutual information),
`layers` (minibatch discrimination, virtual batch normalization, ...),
`tricks` (gradient penalties, weight clipping, feature matching, ...),
`callbacks` (SampleSaver, Evaluate, ...), `metrics` (FID, KID, Inception
Score, the shipped digit classifier), `tuning` (Keras Tuner's
`GANHyperModel`), `networks` (reference generators and discriminators),
`datasets` (embedded digits, TFDS, toy mixtures), `sampling` (discriminator
rejection sampling), `presets` (trained models shipped in the package),
`schedules` (the players' update orders), `games` (the xy game),
`plotting`, `utils` and `errors`.

`import keras_gan` imports the subpackages whose classes Keras must find when
it loads a saved model (`keras.models.load_model("gan.keras")` works after it);
`tuning` (Keras Tuner) is imported on first use. The `keras-gan` command sets
`KERAS_GAN_LAZY_IMPORTS=1` while it parses its arguments, so `keras-gan --help`
answers without importing TensorFlow; then every subpackage is imported on
first use.
"""

import importlib
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

__version__ = "0.1.0"

# Imported by `import keras_gan`: they register the classes saved models name.
_EAGER = ("callbacks", "datasets", "games", "layers", "losses", "metrics", "models", "networks", "plotting",
          "schedules", "tricks", "utils")
# Imported on first attribute access.
_LAZY = ("tuning", "errors", "sampling", "presets")
_SUBPACKAGES = _EAGER + _LAZY

__all__ = [*sorted(_SUBPACKAGES), "__version__"]


def __getattr__(name):
    if name in _SUBPACKAGES:
        return importlib.import_module(f"{__name__}.{name}")  # also sets the attribute
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_SUBPACKAGES))


def _import_subpackages(names=_EAGER):
    """Imports `names` (default: those `import keras_gan` imports); returns the modules."""
    return [importlib.import_module(f"{__name__}.{name}") for name in names]


#: The package each Keras backend needs, and the extra of keras-gan that installs it.
BACKEND_PACKAGES = {"tensorflow": ("tensorflow", "keras-gan"), "jax": ("jax", "keras-gan[jax]"),
                    "torch": ("torch", "keras-gan[torch]")}


def backend_problem():
    """One line saying which extra to install when `KERAS_BACKEND` names a missing package, else None."""
    import importlib.util

    backend = os.environ.get("KERAS_BACKEND", "").strip()
    package, extra = BACKEND_PACKAGES.get(backend, (None, None))
    if package is None or importlib.util.find_spec(package) is not None:
        return None
    return (f"KERAS_BACKEND={backend}, but {package} is not installed: pip install \"{extra}\" "
            "(or choose another backend: tensorflow, jax, torch).")


if backend_problem():
    raise ImportError(backend_problem())

if os.environ.get("KERAS_GAN_LAZY_IMPORTS", "") in ("", "0"):
    _import_subpackages()
