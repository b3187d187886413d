"""Taking a few samples from whatever a user passes as data."""

import numpy as np

from keras_gan.utils.messages import describe


def first_samples(data, n, owner):
    """The first `n` samples of an array, an `(x, y)` tuple or a dataset of batches, as NumPy.

    Args:
        data: An array, a tuple/list whose first item is the samples, or a
            `tf.data.Dataset` of batches (or of `(x, ...)` batches).
        n: How many samples to take (fewer if there are fewer).
        owner: The name used in error messages (e.g. `"Evaluate"`).

    Returns:
        A NumPy array of at most `n` samples.

    Example:

    >>> first_samples((np.zeros((5, 2)), np.arange(5)), 3, "doc").shape
    (3, 2)
    """
    if hasattr(data, "element_spec"):
        batches, count = [], 0
        for element in data:
            x = np.asarray(element[0] if isinstance(element, (tuple, list)) else element)
            batches.append(x)
            count += len(x)
            if count >= n:
                break
        if not batches:
            raise ValueError(f"`{owner}` got a dataset that yields no samples.")
        data = np.concatenate(batches)
    elif isinstance(data, (tuple, list)):
        data = data[0]
    if not (hasattr(data, "shape") or isinstance(data, (list, tuple))):
        raise TypeError(f"`{owner}` needs real samples (an array or a tf.data.Dataset); received {describe(data)}.")
    data = np.asarray(data)
    if data.ndim < 2 or len(data) < 2:
        raise ValueError(f"`{owner}` needs at least 2 real samples; received an array of shape {data.shape}.")
    return data[:n]
