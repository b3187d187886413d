"""`DiffAugment`: the same differentiable augmentation on every image the discriminator sees (Zhao et al., 2020).

The module also holds the differentiable image operations that `ADA` and
`ConsistencyRegularization` reuse: each operation is split into a random draw
of its parameters (`draw_parameters`) and a deterministic function of the
image and those parameters (`apply_operation`), so tests and subclasses can
fix the draws.
"""

import keras
from keras import ops

from keras_gan.backend import draw_for_replica
from keras_gan.errors import GANConfigurationError
from keras_gan.tricks.base import Trick
from keras_gan.utils.arguments import check_seed, received
from keras_gan.utils.requirements import Requirement, cannot_use, network_io

#: The operations each policy word names, applied in this order (the reference's `AUGMENT_FNS`;
#: `"flip"`, a random horizontal flip, is not in DiffAugment's reference, ADA and CR use it).
POLICIES = {
    "color": ("brightness", "saturation", "contrast"),
    "translation": ("translation",),
    "cutout": ("cutout",),
    "flip": ("flip",),
}

#: The largest shift, as a fraction of the image side (the reference's `ratio=0.125`).
TRANSLATION_RATIO = 0.125

#: The side of the cut-out square, as a fraction of the image side (the reference's `ratio=0.5`).
CUTOUT_RATIO = 0.5

_INSTEAD = "InstanceNoise (noise on samples of any shape)"


def parse_policy(policy, argument="policy"):
    """The operations a comma-separated policy names, in order.

    Args:
        policy: A string such as `"color,translation,cutout"` (words of `POLICIES`).
        argument: The argument's name in messages.

    Returns:
        A tuple of operation names (`"brightness"`, `"saturation"`, ...).

    Raises:
        TypeError: `policy` is not a string.
        ValueError: a word is not one of `POLICIES`, or none is given.
    """
    choices = ", ".join(repr(word) for word in POLICIES)
    message = (f"`{argument}` must be a comma-separated string of {choices} (e.g. 'color,translation,cutout'). "
               f"{received(argument, policy)}")
    if not isinstance(policy, str):
        raise TypeError(message)
    words = [word.strip() for word in policy.split(",") if word.strip()]
    if not words or any(word not in POLICIES for word in words):
        raise ValueError(message)
    return tuple(op for word in words for op in POLICIES[word])


def _side(size, ratio):
    """`int(size * ratio + 0.5)`, as the reference rounds a fraction of the image side."""
    return int(size * ratio + 0.5)


def _image_shape(x):
    if len(x.shape) != 4 or x.shape[1] is None or x.shape[2] is None:
        raise GANConfigurationError(
            f"The image augmentation takes channels-last images of a fixed size, (batch, height, width, "
            f"channels); received a batch of shape {tuple(x.shape)}."
        )
    return int(x.shape[1]), int(x.shape[2])


# ------------------------------------------------------------------------ operations with their parameters


def brightness(x, shift):
    """`x + shift`, one shift per sample (the reference draws it from U[-0.5, 0.5))."""
    return x + ops.reshape(ops.cast(shift, x.dtype), (-1, 1, 1, 1))


def saturation(x, factor):
    """Each pixel's channels pushed from (or towards) their mean by `factor` (reference: U[0, 2))."""
    mean = ops.mean(x, axis=-1, keepdims=True)
    return (x - mean) * ops.reshape(ops.cast(factor, x.dtype), (-1, 1, 1, 1)) + mean


def contrast(x, factor):
    """Each image pushed from (or towards) its mean value by `factor` (reference: U[0.5, 1.5))."""
    mean = ops.mean(x, axis=(1, 2, 3), keepdims=True)
    return (x - mean) * ops.reshape(ops.cast(factor, x.dtype), (-1, 1, 1, 1)) + mean


def translate(x, shift_h, shift_w):
    """`out[b, i, j] = x[b, i + shift_h[b], j + shift_w[b]]`, 0 where that falls outside the image.

    The reference's indexing (a zero border of one pixel, indices clamped
    into it), as two gathers along the height and the width: differentiable
    with respect to `x`.
    """
    height, width = _image_shape(x)
    padded = ops.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    rows = ops.clip(ops.arange(height, dtype="int32")[None, :] + ops.cast(shift_h, "int32")[:, None] + 1,
                    0, height + 1)
    rows = rows[:, :, None, None] + ops.zeros_like(padded[:, :height], dtype="int32")
    x = ops.take_along_axis(padded, rows, axis=1)
    cols = ops.clip(ops.arange(width, dtype="int32")[None, :] + ops.cast(shift_w, "int32")[:, None] + 1,
                    0, width + 1)
    cols = cols[:, None, :, None] + ops.zeros_like(x[:, :, :width], dtype="int32")
    return ops.take_along_axis(x, cols, axis=2)


def cutout_mask(shape, offset_h, offset_w):
    """1 outside, 0 inside each sample's square of `CUTOUT_RATIO` times the image side, `(batch, h, w, 1)`.

    The square's rows are `offset_h - size // 2` to `offset_h - size // 2 + size - 1`
    (columns likewise), clipped to the image: the reference's cut-out.
    """
    height, width = int(shape[1]), int(shape[2])
    size_h, size_w = _side(height, CUTOUT_RATIO), _side(width, CUTOUT_RATIO)
    top = ops.cast(offset_h, "int32")[:, None] - size_h // 2
    left = ops.cast(offset_w, "int32")[:, None] - size_w // 2
    rows = ops.arange(height, dtype="int32")[None, :]
    cols = ops.arange(width, dtype="int32")[None, :]
    in_rows = ops.logical_and(ops.greater_equal(rows, top), ops.less(rows, top + size_h))
    in_cols = ops.logical_and(ops.greater_equal(cols, left), ops.less(cols, left + size_w))
    inside = ops.logical_and(in_rows[:, :, None], in_cols[:, None, :])
    return ops.expand_dims(1.0 - ops.cast(inside, "float32"), -1)


def cutout(x, offset_h, offset_w):
    """`x` with each sample's square (`cutout_mask`) set to 0."""
    return x * ops.cast(cutout_mask(x.shape, offset_h, offset_w), x.dtype)


def flip(x, flipped):
    """`x` mirrored left to right where `flipped` (one boolean per sample) is True."""
    flipped = ops.reshape(ops.cast(flipped, "bool"), (-1, 1, 1, 1))
    return ops.where(flipped, ops.flip(x, axis=2), x)


OPERATIONS = {
    "brightness": lambda x, p: brightness(x, p["shift"]),
    "saturation": lambda x, p: saturation(x, p["factor"]),
    "contrast": lambda x, p: contrast(x, p["factor"]),
    "translation": lambda x, p: translate(x, p["shift_h"], p["shift_w"]),
    "cutout": lambda x, p: cutout(x, p["offset_h"], p["offset_w"]),
    "flip": lambda x, p: flip(x, p["flip"]),
}


def draw_parameters(operation, x, seed):
    """The random parameters of `operation` for the batch `x`, one per sample, as the reference draws them.

    brightness: shift ~ U[-0.5, 0.5); saturation: factor ~ U[0, 2);
    contrast: factor ~ U[0.5, 1.5); translation: integer shifts in
    `[-s, s]`, `s = int(side / 8 + 0.5)`; cutout: the square's centre offset
    in `[0, side + 1 - size % 2)`, `size = int(side / 2 + 0.5)`; flip: a fair coin.

    Args:
        operation: A name of `OPERATIONS`.
        x: The batch of images `(batch, height, width, channels)`.
        seed: A `keras.random.SeedGenerator` (or an int).

    Returns:
        A dict of `(batch,)` tensors.
    """
    batch = ops.shape(x)[0]

    def per_sample(sample):
        # This replica's rows of a draw for the global batch: replicas draw as one device would.
        return draw_for_replica(sample, batch)

    if operation in ("brightness", "saturation", "contrast", "flip"):
        u = per_sample(lambda n: keras.random.uniform((n,), dtype="float32", seed=seed))
        if operation == "brightness":
            return {"shift": u - 0.5}
        if operation == "saturation":
            return {"factor": u * 2.0}
        if operation == "contrast":
            return {"factor": u + 0.5}
        return {"flip": ops.less(u, 0.5)}
    height, width = _image_shape(x)
    if operation == "translation":
        s_h, s_w = _side(height, TRANSLATION_RATIO), _side(width, TRANSLATION_RATIO)
        return {"shift_h": per_sample(lambda n: keras.random.randint((n,), -s_h, s_h + 1, seed=seed)),
                "shift_w": per_sample(lambda n: keras.random.randint((n,), -s_w, s_w + 1, seed=seed))}
    if operation == "cutout":
        c_h, c_w = _side(height, CUTOUT_RATIO), _side(width, CUTOUT_RATIO)
        return {"offset_h": per_sample(lambda n: keras.random.randint((n,), 0, height + (1 - c_h % 2), seed=seed)),
                "offset_w": per_sample(lambda n: keras.random.randint((n,), 0, width + (1 - c_w % 2), seed=seed))}
    raise ValueError(f"Unknown augmentation {operation!r}; known: {sorted(OPERATIONS)}.")


def apply_operation(operation, x, parameters):
    """`operation` applied to `x` with the given parameters (`draw_parameters`' dict)."""
    return OPERATIONS[operation](x, parameters)


def diff_augment(x, policy="color,translation,cutout", seed=None):
    """DiffAugment's differentiable augmentation of a batch of channels-last images.

    Each policy word applies its operations in order, each with its own
    random draw per sample: `"color"` (brightness + U[-0.5, 0.5), saturation
    x U[0, 2), contrast x U[0.5, 1.5)), `"translation"` (an integer shift of
    up to 1/8 of the side, zeros filling in), `"cutout"` (a square of half
    the side set to 0) and `"flip"` (a random horizontal flip, not in the
    reference). Every operation is differentiable with respect to `x`.

    Args:
        x: Images `(batch, height, width, channels)`.
        policy: Comma-separated words of `"color"`, `"translation"`, `"cutout"`, `"flip"`.
        seed: An int, a `keras.random.SeedGenerator`, or None.

    Returns:
        The augmented batch, shaped like `x`.

    Example:

    >>> x = np.ones((2, 8, 8, 3), "float32")
    >>> out = np.asarray(diff_augment(x, "cutout", seed=0))
    >>> out.shape, bool((out == 0).sum(axis=(1, 2, 3)).max() <= 16 * 3)   # at most a 4 x 4 square
    ((2, 8, 8, 3), True)

    Reference:
        Zhao, Liu, Lin, Zhu and Han, "Differentiable Augmentation for
        Data-Efficient GAN Training", NeurIPS 2020 (`DiffAugment_pytorch.py`).
    """
    operations = parse_policy(policy)
    if seed is None or isinstance(seed, int):
        seed = keras.random.SeedGenerator(check_seed(seed))
    x = ops.convert_to_tensor(x)
    _image_shape(x)
    for operation in operations:
        x = apply_operation(operation, x, draw_parameters(operation, x, seed))
    return x


# --------------------------------------------------------------------------------------- the rule on images


def _takes_images(trick, model, context):
    """An image augmentation on a model whose discriminator does not take channels-last images."""
    if not trick.augments_images:
        return None
    for network in model.player_networks("discriminator"):
        inputs, _ = network_io(network)
        if inputs is None:  # a subclassed discriminator: checked at the first trace instead
            continue
        shape = tuple(inputs[0].shape[1:])
        if len(shape) != 3:
            return image_refusal(model, trick, shape)
    return None


def image_refusal(model, trick, shape):
    """The refusal of an image augmentation on samples of `shape` (per sample)."""
    return cannot_use(model, trick, f"it augments channels-last images, batches of shape (batch, height, width, "
                      f"channels), and {type(model).__name__}'s discriminator takes samples of shape {shape}",
                      _INSTEAD)


#: The rule every image augmentation declares (DiffAugment, ADA, ConsistencyRegularization's image policies).
IMAGES_ONLY = Requirement("augmentation_images", "requires channels-last images", "compile", _takes_images)


def check_images(trick, model, x):
    """At the first trace: refuses `x` that is not a batch of channels-last images (subclassed discriminators)."""
    if len(x.shape) != 4:
        raise GANConfigurationError(image_refusal(model, trick, tuple(x.shape[1:])))


# ---------------------------------------------------------------------------------------------- the trick


@keras.saving.register_keras_serializable(package="keras_gan")
class DiffAugment(Trick):
    """DiffAugment: every image the discriminator sees is augmented, differentiably (Zhao et al., 2020).

    In each training step, the real and the generated images are augmented
    by the same random family of transformations before the discriminator
    judges them, in the discriminator's update and in the generator's
    (every role of `transform_discriminator_input`: real, generated, penalty
    points). The transformations are differentiable, so the generator
    learns through them; the discriminator cannot memorize the few real
    images, and the generator is not asked to produce augmented ones. The
    operations follow the authors' `DiffAugment_pytorch.py`: `"color"`
    (brightness + U[-0.5, 0.5), saturation x U[0, 2), contrast x U[0.5,
    1.5)), `"translation"` (integer shifts of up to 1/8 of the side, zeros
    filling in), `"cutout"` (a square of half the side set to 0; 1/4 of the
    pixels when it lies inside the image), and `"flip"` (a random
    horizontal flip, not in the reference). Each sample gets its own draw.
    Evaluation (`evaluate`, the validation data) sees the images unchanged.

    DiffAugment requires channels-last images: compile refuses a model whose
    discriminator takes other samples (`InstanceNoise` works on any). Beside
    `Packing`, list DiffAugment first, so that samples are augmented before
    they are packed. The trick adds no cost term, so it takes no `weight`.

    Args:
        policy: Comma-separated operations, `"color,translation,cutout"`
            by default (the paper's choice with limited data).
        seed: Seed of the augmentations' random draws.

    Example:

    >>> import keras, keras_gan
    >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(64), keras.layers.Reshape((8, 8, 1))])
    >>> D = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    >>> gan = keras_gan.models.GAN(G, D, latent_dim=4, tricks=[keras_gan.tricks.DiffAugment(seed=0)])
    >>> gan.compile()
    >>> history = gan.fit(np.random.uniform(-1, 1, (32, 8, 8, 1)).astype("float32"), batch_size=16, verbose=0)
    >>> sorted(history.history)
    ['d_loss', 'g_loss', 'p_fake', 'p_real']

    Reference:
        Zhao, Liu, Lin, Zhu and Han, "Differentiable Augmentation for
        Data-Efficient GAN Training", NeurIPS 2020.
    """

    weighted = False
    requirements = (IMAGES_ONLY,)
    #: Declared by each owner of IMAGES_ONLY: whether this instance augments images (the rule then applies).
    augments_images = True

    def __init__(self, policy="color,translation,cutout", seed=None, name="diff_augment", **kwargs):
        super().__init__(name=name, **kwargs)
        self.operations = parse_policy(policy)
        self.policy = policy
        self.seed = check_seed(seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed)

    def draw(self, operation, x):
        """The random parameters of `operation` for the batch `x` (`draw_parameters`; override to fix them)."""
        return draw_parameters(operation, x, self.seed_generator)

    def augment(self, x):
        """`x` through every operation of the policy, in order, each with a fresh draw.

        Args:
            x: Images `(batch, height, width, channels)`.

        Returns:
            The augmented images.
        """
        x = ops.convert_to_tensor(x)
        for operation in self.operations:
            x = apply_operation(operation, x, self.draw(operation, x))
        return x

    def transform_discriminator_input(self, model, x, step, role):
        if not step.training:
            return x
        check_images(self, model, x)
        return self.augment(x)

    def get_config(self):
        config = super().get_config()
        config.update({"policy": self.policy, "seed": self.seed})
        return config


__all__ = ["DiffAugment", "diff_augment"]
