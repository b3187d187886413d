"""What `fit` is given, seen one way whatever its source, so every check (and its message) is the same.

Keras's `fit` takes NumPy arrays, tensors of any backend, `tf.data` datasets,
PyTorch `DataLoader`s, `keras.utils.PyDataset`s and Python generators. The
checks before the first step (structure, dtypes, NaN or Inf, range, labels,
layout) read one of two things: arrays (NumPy; a tensor of any backend is
converted), or a `tf.data.Dataset` whose elements are batches. `checkable`
turns every source into one of those, peeking at a stream's first batch
without consuming it: a `DataLoader`'s random state is put back, a
`PyDataset` is indexed, and a generator is replaced by one that yields the
peeked batch first (and gives Keras a batch of samples alone as `(x,)`).
"""

import dataclasses
import inspect
import itertools
import sys
from typing import Any

import keras
import numpy as np

from keras_gan.errors import GANConfigurationError


@dataclasses.dataclass
class Checkable:
    """The data as the checks read it, and as `fit` must be given it.

    Attributes:
        x: Arrays (NumPy) or a `tf.data.Dataset` of batches, for the checks.
        y: `fit`'s `y` as NumPy, or None.
        fit_x: What `fit` gets: the user's `x`, or a generator that replays the peeked batch.
        source: The source in words (`"a torch DataLoader"`), for messages.
        stream: Whether the source yields batches (its batch sizes are its own).
        batch_sizes: The batch sizes a stream yields, where known (a DataLoader's), else None.
    """

    x: Any
    y: Any
    fit_x: Any
    source: str
    stream: bool = False
    batch_sizes: Any = None


def _module(value):
    return type(value).__module__.split(".")[0]


def to_numpy(value):
    """A NumPy array from an array or a tensor of any framework (TensorFlow, JAX, PyTorch).

    Args:
        value: An array or a tensor.

    Returns:
        A `np.ndarray` (the same object for one).

    Example:

    >>> to_numpy([1, 2]).tolist()
    [1, 2]
    """
    if isinstance(value, np.ndarray):
        return value
    if hasattr(value, "detach") and _module(value) == "torch":
        return value.detach().cpu().numpy()
    if hasattr(value, "numpy") and callable(value.numpy):
        return np.asarray(value.numpy())
    return np.asarray(value)


def _is_tensor(value):
    """A tensor of a framework other than NumPy (converted for the checks; `fit` still gets the original)."""
    return (not isinstance(value, np.ndarray) and _module(value) in ("jax", "jaxlib", "torch")
            and hasattr(value, "shape") and hasattr(value, "dtype"))


def _is_dataloader(x):
    loader = getattr(sys.modules.get("torch.utils.data"), "DataLoader", None)
    return loader is not None and isinstance(x, loader)


def is_stream(x):
    """Whether `x` is a source Keras reads batch by batch (not arrays, not a tf.data dataset)."""
    if hasattr(x, "element_spec") or isinstance(x, (np.ndarray, tuple, list, dict, str, bytes)):
        return False
    return (inspect.isgenerator(x) or isinstance(x, keras.utils.PyDataset) or _is_dataloader(x)
            or hasattr(x, "__next__"))


def source_text(x):
    """The source in words: `"a torch DataLoader"`, `"a Python generator"`, `"a jax array"`, ..."""
    if _is_dataloader(x):
        return "a torch DataLoader"
    if isinstance(x, keras.utils.PyDataset):
        return f"a keras.utils.PyDataset ({type(x).__name__})"
    if inspect.isgenerator(x) or hasattr(x, "__next__"):
        return "a Python generator"
    if hasattr(x, "element_spec"):
        return "a tf.data.Dataset"
    if _is_tensor(x):
        return f"a {_module(x).replace('jaxlib', 'jax')} array"
    return "arrays"


def _empty(source):
    return GANConfigurationError(
        f"The data ({source}) yields no batches: check its source and its length (a DataLoader with "
        "drop_last=True and fewer samples than its batch size yields none).")


def _peek(x, source):
    """The first batch of a stream, and what `fit` gets instead of `x` (generators are replayed)."""
    if isinstance(x, keras.utils.PyDataset):
        count = x.num_batches
        if count == 0:
            raise _empty(source)
        return x[0], x
    if _is_dataloader(x):
        import torch

        state = torch.get_rng_state()
        generator = getattr(x, "generator", None)
        own = generator.get_state() if generator is not None else None
        try:
            first = next(iter(x))
        except StopIteration:
            raise _empty(source) from None
        finally:  # the loader's first epoch is drawn as if it had not been peeked at
            torch.set_rng_state(state)
            if generator is not None:
                generator.set_state(own)
        return first, x
    try:
        first = next(x)
    except StopIteration:
        raise _empty(source) from None

    def replay():
        # Keras takes a generator's batches as tuples; a batch of samples alone is `(x,)`.
        for batch in itertools.chain([first], x):
            yield batch if isinstance(batch, (tuple, list, dict)) else (batch,)

    return first, replay()


def _as_element(value):
    """A stream's batch as a tf.data element: tuples of NumPy arrays (lists become tuples)."""
    if isinstance(value, dict):
        return {key: _as_element(v) for key, v in value.items()}
    if isinstance(value, (tuple, list)):
        return tuple(_as_element(v) for v in value)
    return to_numpy(value)


def _loader_batch_sizes(loader):
    """A DataLoader's batch sizes, from its length, batch size and `drop_last` (None where unknown)."""
    size, dataset = getattr(loader, "batch_size", None), getattr(loader, "dataset", None)
    try:
        n = len(dataset)
    except TypeError:
        return None
    if not size or getattr(loader, "batch_sampler", None) is None:
        return None
    sizes = {min(size, n)} if n else set()
    if n > size and n % size and not loader.drop_last:
        sizes.add(n % size)
    return sizes


def checkable(x, y=None):
    """`x` and `y` as the checks read them, and what `fit` gets.

    Args:
        x: `fit`'s `x`: arrays or tensors (or a tuple of them), a `tf.data`
            dataset, a `DataLoader`, a `PyDataset`, a generator.
        y: `fit`'s `y`.

    Returns:
        A `Checkable`.

    Example:

    >>> def batches():
    ...     while True:
    ...         yield np.zeros((4, 2), "uint8")
    >>> seen = checkable(batches())
    >>> seen.source, next(iter(seen.x)).dtype.name  # the first batch, as the checks read it
    ('a Python generator', 'uint8')
    >>> next(seen.fit_x)[0].shape  # fit gets it back first, as Keras takes a generator's batches: `(x,)`
    (4, 2)
    """
    source = source_text(x)
    if is_stream(x):
        first, fit_x = _peek(x, source)
        import tensorflow as tf

        element = _as_element(first)
        view = tf.data.Dataset.from_tensors(element)
        sizes = _loader_batch_sizes(x) if _is_dataloader(x) else None
        return Checkable(view, None if y is None else to_numpy(y), fit_x, source, stream=True, batch_sizes=sizes)
    if isinstance(x, (tuple, list)) and x and any(_is_tensor(v) for v in x):
        view = type(x)(to_numpy(v) if _is_tensor(v) else v for v in x)
    else:
        view = to_numpy(x) if _is_tensor(x) else x
    y_view = to_numpy(y) if _is_tensor(y) else y
    return Checkable(view, y_view, x, source)


def channels_first_fix(sample_shape, expected):
    """The transpose that turns channels-first samples into the expected channels-last ones (or back).

    Args:
        sample_shape: The data's per-sample shape.
        expected: The per-sample shape the model takes.

    Returns:
        A sentence with the fix (a transpose, never a reshape, which would scramble every image), or "".

    Example:

    >>> channels_first_fix((1, 28, 28), (28, 28, 1))
    'The data is channels-first (channels, height, width) and the model takes channels-last images: ...'
    """
    sample_shape, expected = tuple(sample_shape), tuple(expected)
    if len(sample_shape) != 3 or len(expected) != 3 or sample_shape == expected:
        return ""
    if sample_shape == (expected[2],) + expected[:2]:
        return ("The data is channels-first (channels, height, width) and the model takes channels-last images: "
                "transpose it, np.transpose(x, (0, 2, 3, 1)) (a tf.data dataset: "
                "dataset.map(lambda x: tf.transpose(x, [0, 2, 3, 1]))); a reshape would scramble every image.")
    if sample_shape == expected[1:] + (expected[0],):
        return ("The data is channels-last (height, width, channels) and the model takes channels-first images: "
                "transpose it, np.transpose(x, (0, 3, 1, 2)); a reshape would scramble every image.")
    return ""


__all__ = ["Checkable", "checkable", "is_stream", "source_text", "to_numpy", "channels_first_fix"]
