"""Every example runs in its quick mode."""

import importlib.util
import pathlib

import numpy as np
import pytest

EXAMPLES = sorted((pathlib.Path(__file__).parent.parent / "examples").glob("*.py"))


def load(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_quick_mode(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = load(path).main(["--quick"])
    assert result is not None
    if hasattr(result, "history"):
        assert np.isfinite(result.history["d_loss"][-1])
    assert any(tmp_path.rglob("*.png")), "an example leaves a picture of what it did"
