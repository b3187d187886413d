"""Choosing a backend: a missing package is named in one line with the extra that installs it."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

HIDE_JAX = """
import importlib.util, sys
real = importlib.util.find_spec
importlib.util.find_spec = lambda name, *a: None if name == "jax" else real(name, *a)
"""


def run(code, backend="jax"):
    env = dict(os.environ, KERAS_BACKEND=backend, PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, "-c", HIDE_JAX + code], env=env, capture_output=True, text=True,
                          timeout=120, cwd=ROOT)


def test_the_command_line_names_the_extra_in_one_line():
    result = run("import _keras_gan_cli; sys.exit(_keras_gan_cli.main(['train', '--epochs', '1']))")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert 'pip install "keras-gan[jax]"' in lines[0] and "KERAS_BACKEND=jax" in lines[0]


def test_import_raises_an_import_error_naming_the_extra():
    result = run("import keras_gan")
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1].startswith("ImportError: KERAS_BACKEND=jax, but jax is not installed")
