"""`load(name)`: image datasets as batched `tf.data.Dataset`s scaled to [-1, 1]."""

import numpy as np

from keras_gan.datasets.digits import load_digits

OFFLINE_HINT = (
    "keras_gan.datasets.load('digits') works offline: 5,000 real MNIST digits "
    "ship inside the package."
)


class DatasetUnavailableError(RuntimeError):
    """A dataset could not be downloaded or prepared (no network, for instance)."""


def load(
    name="digits",
    batch_size=64,
    *,
    split="train",
    shuffle=True,
    seed=0,
    with_labels=True,
    as_numpy=False,
    drop_remainder=True,
    data_dir=None,
    download=True,
    autotune=False,
):
    """Loads an image dataset for GAN training, scaled to [-1, 1].

    `"digits"` is the 5,000 real MNIST digits embedded in the package (no
    network needed). Any other name is a TensorFlow Datasets image dataset
    (`"mnist"`, `"fashion_mnist"`, `"cifar10"`, ...), downloaded by TFDS on
    first use.

    Args:
        name: `"digits"` or a TFDS dataset name.
        batch_size: Batch size of the returned dataset.
        split: TFDS split (ignored for `"digits"`).
        shuffle: Shuffle every epoch.
        seed: Seed of the shuffles.
        with_labels: Yield `(images, labels)` (labels are int32 classes, or
            absent when the dataset has none); else images alone.
        as_numpy: Return NumPy arrays `(images, labels)` instead of a
            dataset (`labels` is None when the dataset has none).
        drop_remainder: Drop the last incomplete batch.
        data_dir: TFDS data directory.
        download: Let TFDS download the data when it is not in `data_dir`.
        autotune: tf.data's autotuning of the returned pipeline
            (`tf.data.Options().autotune.enabled`). Off by default: on a
            small CPU machine `fit` can stay idle for seconds after its last
            step while an autotuned iterator is torn down (up to about 20 s
            a call measured, so every short `fit` call, such as a tuner's
            trial, pays it), and autotuning bought no throughput on these
            pipelines there (`benchmarks/fit_speeds.py`). Turn it on where
            the TFDS decoding `map` should get more threads than cores.

    Returns:
        A batched, prefetched `tf.data.Dataset`, or arrays if `as_numpy`.

    Raises:
        DatasetUnavailableError: The TFDS download or preparation failed.
        ValueError: `name` is not a known dataset.

    Example:

    >>> ds = load("digits", batch_size=32)
    >>> images, labels = next(iter(ds))
    >>> tuple(images.shape), tuple(labels.shape)
    ((32, 28, 28, 1), (32,))

    Reference:
        LeCun et al., "Gradient-Based Learning Applied to Document Recognition", Proc. IEEE 1998
        (MNIST).
    """
    import tensorflow as tf

    if name == "digits":
        images, labels = load_digits(seed=seed)
        if as_numpy:
            return images, labels
        ds = tf.data.Dataset.from_tensor_slices((images, labels) if with_labels else images)
        if shuffle:
            ds = ds.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
        return configured(ds.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE), autotune)

    ds, has_labels = _load_tfds(name, split, data_dir, download, shuffle, seed)
    if as_numpy:
        images, labels = [], []
        for element in ds.batch(1024).as_numpy_iterator():
            images.append(element[0] if has_labels else element)
            if has_labels:
                labels.append(element[1])
        return np.concatenate(images), (np.concatenate(labels) if has_labels else None)
    if not (with_labels and has_labels):
        ds = ds.map(lambda x, *_: x, num_parallel_calls=tf.data.AUTOTUNE)
    ds = ds.cache()
    if shuffle:
        ds = ds.shuffle(10_000, seed=seed, reshuffle_each_iteration=True)
    return configured(ds.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE), autotune)


def configured(ds, autotune=False):
    """`ds` with tf.data's autotuning on or off (see `load`'s `autotune`).

    Args:
        ds: A `tf.data.Dataset`.
        autotune: Whether tf.data autotunes the pipeline's buffers and parallelism.

    Returns:
        The dataset with those options.

    Example:

    >>> import tensorflow as tf
    >>> ds = configured(tf.data.Dataset.range(4).prefetch(tf.data.AUTOTUNE))
    >>> ds.options().autotune.enabled
    False
    """
    import tensorflow as tf

    options = tf.data.Options()
    options.autotune.enabled = bool(autotune)
    return ds.with_options(options)


def _load_tfds(name, split, data_dir, download, shuffle, seed):
    import tensorflow as tf
    import tensorflow_datasets as tfds

    try:
        builder = tfds.builder(name, data_dir=data_dir)
    except tfds.core.registered.DatasetNotFoundError:
        raise ValueError(
            f"Unknown dataset {name!r}: not 'digits' and not a TensorFlow Datasets "
            f"name (see tfds.list_builders()). {OFFLINE_HINT}"
        ) from None
    features = builder.info.features
    if "image" not in features:
        raise ValueError(
            f"TFDS dataset {name!r} has no 'image' feature; keras-gan loads image "
            "datasets. " + OFFLINE_HINT
        )
    try:
        if download:
            builder.download_and_prepare()
        ds = builder.as_dataset(split=split, shuffle_files=shuffle, read_config=tfds.ReadConfig(shuffle_seed=seed))
    except Exception as error:  # noqa: BLE001 - every download failure reads the same to a user
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise DatasetUnavailableError(
            f"Could not download or prepare the TFDS dataset {name!r} "
            f"({type(error).__name__}: {first_line[:300]}). Check the network "
            f"connection or pass data_dir= with a prepared copy. {OFFLINE_HINT}"
        ) from error
    has_labels = "label" in features

    def convert(example):
        image = tf.cast(example["image"], tf.float32) / 127.5 - 1.0
        if has_labels:
            return image, tf.cast(example["label"], tf.int32)
        return image

    return ds.map(convert, num_parallel_calls=tf.data.AUTOTUNE), has_labels
