"""`import keras_gan`: every subpackage the README names is reachable; saved models load after it."""

import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).parents[1]


def _run(code, **env):
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **env})
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


def test_readme_subpackages_and_saved_models_after_import_keras_gan(make_gan, tmp_path):
    """In a fresh interpreter: `keras_gan.tuning.GANHyperModel` and the rest; `load_model` finds `GAN`."""
    names = sorted(set(re.findall(r"keras_gan\.([a-z_]+)", (ROOT / "README.md").read_text())))
    assert {"tuning", "models", "callbacks", "layers"} <= set(names)
    gan = make_gan()
    gan.compile()
    gan.save(tmp_path / "gan.keras")
    code = (f"import keras_gan\n"
            f"found = [getattr(keras_gan, name).__name__ for name in {names!r}]\n"
            f"assert keras_gan.tuning.GANHyperModel.__name__ == 'GANHyperModel'\n"
            f"import keras\n"
            f"model = keras.models.load_model({str(tmp_path / 'gan.keras')!r})\n"
            f"print(type(model).__name__, len(found), sorted(set(dir(keras_gan)) >= set({names!r}) and ['dir']))")
    assert _run(code) == f"GAN {len(names)} ['dir']"


def test_lazy_imports_defer_tensorflow_until_first_use():
    code = ("import sys, keras_gan\n"
            "before = 'tensorflow' in sys.modules\n"
            "gan_class = keras_gan.models.GAN\n"
            "print(before, 'tensorflow' in sys.modules, gan_class.__name__)")
    assert _run(code, KERAS_GAN_LAZY_IMPORTS="1") == "False True GAN"


def test_unknown_attributes_raise_attribute_error():
    import pytest

    import keras_gan

    with pytest.raises(AttributeError, match="no attribute 'modles'"):
        keras_gan.modles  # noqa: B018


#: Packages below `models/`: none of them may import `models`, `callbacks`, the tuner or the CLI.
BELOW_MODELS = ("backend", "datasets", "layers", "losses", "metrics", "networks", "schedules", "tricks", "utils",
                "errors.py", "plotting.py")
_UP = "(models|callbacks|cli|tuning)"
ABOVE = re.compile(rf"^\s*(from keras_gan(\.{_UP})?\s+import\s+{_UP}\b"
                   rf"|from keras_gan\.{_UP}\b|import keras_gan\.{_UP}\b)", re.MULTILINE)


def test_no_package_below_models_imports_models_callbacks_or_the_cli():
    offenders = []
    for name in BELOW_MODELS:
        path = ROOT / "keras_gan" / name
        for file in sorted([path] if path.is_file() else path.rglob("*.py")):
            for match in ABOVE.finditer(file.read_text()):
                offenders.append(f"{file.relative_to(ROOT)}: {match.group(0).strip()}")
    assert not offenders, "imports upward:\n" + "\n".join(offenders)
    assert ABOVE.search("    from keras_gan.models import validation\n")  # the pattern finds what it must
    assert ABOVE.search("from keras_gan import callbacks\n")
