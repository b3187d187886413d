import numpy as np
import pytest
import tensorflow_datasets as tfds

from keras_gan import datasets


def test_digits_arrays_are_shuffled_balanced_and_scaled():
    x, y = datasets.load("digits", as_numpy=True)
    assert x.shape == (5000, 28, 28, 1) and x.dtype == np.float32
    assert x.min() == -1.0 and x.max() == 1.0
    assert np.bincount(y).tolist() == [500] * 10
    assert len(set(y[:50].tolist())) == 10  # the archive is sorted; we shuffle


def test_digits_dataset_batches_with_labels_or_without():
    images, labels = next(iter(datasets.load("digits", batch_size=32)))
    assert tuple(images.shape) == (32, 28, 28, 1) and tuple(labels.shape) == (32,)
    only = next(iter(datasets.load("digits", batch_size=8, with_labels=False)))
    assert tuple(only.shape) == (8, 28, 28, 1)
    assert len(list(datasets.load("digits", batch_size=64))) == 5000 // 64


def test_tfds_dataset_through_mock_data():
    with tfds.testing.mock_data(num_examples=24):
        ds = datasets.load("mnist", batch_size=8)
        images, labels = next(iter(ds))
    assert tuple(images.shape) == (8, 28, 28, 1)
    assert float(np.min(images)) >= -1.0 and float(np.max(images)) <= 1.0
    assert labels.dtype.name == "int32"


def test_failed_download_names_the_offline_alternative(monkeypatch):
    real_builder = tfds.builder

    def offline_builder(name, **kwargs):
        builder = real_builder(name, **kwargs)

        def fail(*args, **kwargs):
            raise ConnectionError("Failed to establish a new connection: [Errno -3]")

        monkeypatch.setattr(builder, "download_and_prepare", fail)
        return builder

    monkeypatch.setattr(tfds, "builder", offline_builder)
    with pytest.raises(datasets.DatasetUnavailableError, match="'mnist'.*load\\('digits'\\)"):
        datasets.load("mnist", data_dir="/nonexistent-keras-gan")


def test_unknown_dataset_name():
    with pytest.raises(ValueError, match="Unknown dataset 'not_a_dataset'.*digits"):
        datasets.load("not_a_dataset")


def test_the_pipelines_keras_gan_builds_have_autotuning_off_unless_asked():
    """An autotuned iterator's teardown can keep `fit` idle for seconds after its last step
    (benchmarks/fit_speeds.py); the package's pipelines turn autotuning off, from every source."""
    import keras_gan

    assert datasets.load("digits").options().autotune.enabled is False
    assert datasets.load("digits", autotune=True).options().autotune.enabled is True
    with tfds.testing.mock_data(num_examples=24):
        assert datasets.load("mnist", batch_size=8).options().autotune.enabled is False
        assert datasets.load("mnist", batch_size=8, autotune=True).options().autotune.enabled is True
    x, _ = datasets.load("digits", as_numpy=True)
    paired = keras_gan.models.SemiSupervisedGAN.make_dataset(x[:32], x[:8], np.arange(8) % 3, batch_size=8)
    assert paired.options().autotune.enabled is False
