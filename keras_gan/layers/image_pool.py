"""`ImagePool`: a buffer of past generated images for the discriminator (CycleGAN)."""

import keras
from keras import ops

from keras_gan.utils.arguments import check_int, check_seed
from keras_gan.utils.messages import shape_text
from keras_gan.utils.seeds import SavesSeedState


@keras.saving.register_keras_serializable(package="keras_gan")
class ImagePool(SavesSeedState, keras.layers.Layer):
    """Shows the discriminator a mix of new and previously generated images.

    The history buffer of Shrivastava et al. (2017), as CycleGAN uses it
    (pool of 50): while the pool is filling, each new image is stored and
    passed through. Once it is full, each new image is, with probability 1/2,
    passed through; otherwise it replaces a randomly chosen stored image, and
    the stored image is returned in its place. The discriminator thus keeps
    seeing older generator outputs, which damps oscillation.

    The pool lives in non-trainable Keras variables (saved with the model); it
    is built on the first call from the images' shape. With `training=False`
    the layer returns its input unchanged.

    Args:
        pool_size: Number of stored images (50 in CycleGAN). 0 disables the pool.
        seed: Seed of the random choices.

    Example:

    >>> pool = ImagePool(pool_size=4, seed=0)
    >>> out = pool(np.ones((3, 2, 2, 1), "float32"), training=True)
    >>> tuple(out.shape), int(pool.count)
    ((3, 2, 2, 1), 3)

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017, Section 4.
    """

    def __init__(self, pool_size=50, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.pool_size = check_int(pool_size, "pool_size", minimum=0, what="stored images; 0 disables the pool")
        self.seed = check_seed(seed)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        shape = shape_text(input_shape)
        if shape == "unknown" or len(shape) < 2 or any(d is None for d in shape[1:]):
            raise ValueError(
                f"ImagePool layer '{self.name}' stores images of a fixed shape: it expects inputs of shape "
                f"(batch, height, width, channels) (or (batch, ...)), every axis but the batch known; received an "
                f"input of shape {shape}."
            )
        self.images = self.add_weight(
            shape=(max(self.pool_size, 1),) + tuple(shape[1:]),
            initializer="zeros",
            trainable=False,
            dtype="float32",
            autocast=False,  # read as float32 under a mixed policy too (the stored images are not rounded)
            name="images",
        )
        self.count = self.add_weight(
            shape=(), initializer="zeros", trainable=False, dtype="int32", name="count"
        )

    def call(self, images, training=None):
        if not training or self.pool_size == 0:
            return images
        dtype = images.dtype
        new = ops.cast(images, "float32")
        batch = ops.shape(new)[0]
        pool = ops.convert_to_tensor(self.images)
        position = self.count + ops.arange(batch, dtype="int32")
        filling = position < self.pool_size
        # Distinct random slots for the swaps (for batches up to pool_size).
        order = ops.cast(
            ops.argsort(keras.random.uniform((self.pool_size,), seed=self.seed_generator)), "int32"
        )
        slots = ops.take(order, ops.mod(ops.arange(batch, dtype="int32"), self.pool_size))
        swap = ops.logical_and(
            ops.logical_not(filling),
            keras.random.uniform((batch,), seed=self.seed_generator) < 0.5,
        )
        index = ops.where(filling, position, slots)
        stored = ops.take(pool, index, axis=0)
        shape = (-1,) + (1,) * (len(new.shape) - 1)
        write = ops.reshape(ops.logical_or(filling, swap), shape)
        updates = ops.where(write, new, stored)
        self.images.assign(ops.scatter_update(pool, ops.expand_dims(index, -1), updates))
        self.count.assign(ops.minimum(self.count + batch, self.pool_size))
        out = ops.where(ops.reshape(swap, shape), stored, new)
        return ops.cast(out, dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"pool_size": self.pool_size, "seed": self.seed})
        return config
