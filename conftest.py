"""Root conftest: the docstring examples under keras_gan/ see np, keras and keras_gan, run alone or with tests/."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace):
    import keras
    import numpy as np

    import keras_gan

    doctest_namespace["np"] = np
    doctest_namespace["keras"] = keras
    doctest_namespace["keras_gan"] = keras_gan
