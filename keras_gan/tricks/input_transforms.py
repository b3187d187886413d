"""Tricks that change what the discriminator sees: PacGAN packing and instance noise."""


import keras
from keras import ops

from keras_gan.backend import draw_for_replica
from keras_gan.errors import GANConfigurationError
from keras_gan.tricks.base import Trick
from keras_gan.utils.arguments import check_int, check_number, check_seed
from keras_gan.utils.requirements import Requirement, cannot_use, network_io


def _batches_of_packs(trick, model, context):
    """Packing(m) on batches that are not multiples of m (at `fit`, from the batch sizes it will cut)."""
    sizes, m = context.get("batch_sizes"), int(trick.batch_multiple)
    if not sizes or m == 1:
        return None
    bad = sorted(s for s in sizes if s % m)
    label = f"{type(trick).__name__}(m={m})"
    if not bad and "not fixed" in context.get("batch_text", ""):
        return (f"{label} needs every batch to hold a multiple of {m} samples, and the dataset's batch "
                "size is not fixed (its last batch may be partial). Batch it with "
                f"dataset.batch(batch_size, drop_remainder=True), batch_size a multiple of {m}.")
    if bad:
        return (f"{label} needs batches of a multiple of {m} samples; {context['batch_text']} gives "
                f"batches of {', '.join(map(str, sorted(sizes)))}. Choose `batch_size` as a multiple of {m} "
                f"and drop the last partial batch (x[: len(x) - len(x) % batch_size], or "
                "dataset.batch(batch_size, drop_remainder=True)).")
    return None


def _packable_discriminator(trick, model, context):
    """Packing on a discriminator that also takes, or returns, values per sample (labels, codes, classes)."""
    name = type(model).__name__
    label = f"{type(trick).__name__}(m={trick.m})"
    instead = ("keras_gan.layers.MinibatchStandardDeviation or MinibatchDiscrimination in the discriminator (they "
               "also let it judge a batch's variety)")
    for network in model.player_networks("discriminator"):
        inputs, outputs = network_io(network)
        if inputs is None:  # structure unknown here (subclassed, or a Sequential not built yet)
            continue
        if len(inputs) > 1:
            return cannot_use(model, label, f"it cuts the samples into packs of {trick.m}, and {name}'s "
                              f"discriminator takes {len(inputs)} inputs per sample (the samples and "
                              f"{len(inputs) - 1} more, such as labels), which cannot be packed with them", instead)
        if len(outputs) > 1:
            return cannot_use(model, label, f"the discriminator returns one output per pack of {trick.m} samples, "
                              f"and {name}'s discriminator has {len(outputs)} outputs, which the model reads per "
                              "sample (codes, classes or features)", instead)
    return None


@keras.saving.register_keras_serializable(package="keras_gan")
class Packing(Trick):
    """PacGAN: the discriminator judges packs of m samples at once (Lin et al., 2018).

    Every batch the discriminator sees (real, generated, penalty points) is
    cut into packs of `m` consecutive samples, concatenated along the last
    (channel or feature) axis; the discriminator returns one logit per pack.
    A pack of generated samples that are too alike is easy to spot, which
    penalizes mode collapse. Build the discriminator for `m` times the
    channels (a `(28, 28, 1)` image gives `(28, 28, m)` packs). The batch
    size must be a multiple of `m` (the last partial batch of an epoch is
    refused: pass `drop_remainder=True` or choose the batch size accordingly).
    The discriminator must take the samples only and return one output:
    compile refuses models whose discriminator also takes or returns values
    per sample (ConditionalGAN's labels, InfoGAN's codes, SemiSupervisedGAN's
    classes). The trick adds no cost term, so it takes no `weight`.

    Args:
        m: Samples per pack (PacGAN2 to PacGAN4 in the paper).

    Example:

    >>> import keras, keras_gan
    >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> D = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8), keras.layers.LeakyReLU(0.2),
    ...                       keras.layers.Dense(1)])
    >>> gan = keras_gan.models.GAN(G, D, latent_dim=4, tricks=[keras_gan.tricks.Packing(2)])
    >>> gan.compile()
    >>> history = gan.fit(np.random.normal(size=(64, 2)).astype("float32"), batch_size=16, verbose=0)
    >>> D.input_shape   # the discriminator judges pairs of 2-D samples
    (None, 4)

    Reference:
        Lin et al., "PacGAN: The power of two samples in generative
        adversarial networks", NeurIPS 2018.
    """

    weighted = False
    requirements = (
        Requirement("packing_batch_multiple", "The batch size must be a multiple of `m`", "fit", _batches_of_packs),
        Requirement("packing_one_input_one_output", "The discriminator must take the samples only and return "
                    "one output", "compile", _packable_discriminator),
    )

    def __init__(self, m=2, name="packing", **kwargs):
        super().__init__(name=name, **kwargs)
        self.m = check_int(m, "m", what="samples per pack")

    @property
    def batch_multiple(self):
        """Batches must hold a multiple of `m` samples."""
        return self.m

    @property
    def samples_per_input(self):
        """The discriminator judges `m` samples at once."""
        return self.m

    def transform_discriminator_input(self, model, x, step, role):
        shape = tuple(x.shape[1:])
        batch = x.shape[0]
        if batch is not None and batch % self.m:
            raise GANConfigurationError(
                f"Packing(m={self.m}) needs batches of a multiple of {self.m} samples; got {batch}. "
                "Choose the batch size accordingly (and drop the last partial batch)."
            )
        packs = ops.reshape(x, (-1, self.m) + shape)  # (B/m, m, ..., C)
        rank = len(shape)
        order = (0,) + tuple(range(2, rank + 1)) + (1, rank + 1)  # (B/m, ..., m, C)
        packs = ops.transpose(packs, order)
        return ops.reshape(packs, (-1,) + shape[:-1] + (shape[-1] * self.m,))

    def get_config(self):
        config = super().get_config()
        config["m"] = self.m
        return config


@keras.saving.register_keras_serializable(package="keras_gan")
class InstanceNoise(Trick):
    """Gaussian noise on every input of the discriminator, annealed to 0 (Sonderby et al., 2017).

    Real and generated samples both get `N(0, sigma_t^2)` noise, so their
    distributions overlap and the discriminator cannot separate them
    perfectly early on. `sigma_t` decays linearly from `stddev` to 0 over
    `anneal_steps` discriminator updates (0: constant). The update count is a
    Keras variable, saved with the model. Logged as `instance_noise` (the
    current sigma). The trick adds no cost term, so it takes no `weight`.

    Args:
        stddev: Initial standard deviation.
        anneal_steps: Discriminator updates over which sigma reaches 0.
        seed: Seed of the noise.

    Example:

    >>> import keras, keras_gan
    >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8), keras.layers.LeakyReLU(0.2),
    ...                       keras.layers.Dense(1)])
    >>> gan = keras_gan.models.GAN(G, D, latent_dim=4, tricks=[keras_gan.tricks.InstanceNoise(0.1, anneal_steps=100)])
    >>> gan.compile()
    >>> history = gan.fit(np.random.normal(size=(64, 2)).astype("float32"), batch_size=16, verbose=0)
    >>> "instance_noise" in history.history
    True

    Reference:
        Sonderby et al., "Amortised MAP Inference for Image Super-resolution", ICLR 2017.
    """

    term_names = ("instance_noise",)
    weighted = False

    def __init__(self, stddev=0.1, anneal_steps=0, seed=None, name="instance_noise", **kwargs):
        super().__init__(name=name, **kwargs)
        self.stddev = check_number(stddev, "stddev", low=0, what="the noise's initial standard deviation")
        self.anneal_steps = check_int(anneal_steps, "anneal_steps", minimum=0,
                                      what="discriminator updates over which it falls to 0; 0 keeps it constant")
        self.seed = check_seed(seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed)
        self.updates = self.add_weight(shape=(), initializer="zeros", trainable=False, dtype="float32",
                                       name="updates")

    def sigma(self):
        if self.anneal_steps <= 0:
            return ops.convert_to_tensor(self.stddev, "float32")
        fraction = ops.maximum(0.0, 1.0 - self.updates / float(self.anneal_steps))
        return self.stddev * fraction

    def transform_discriminator_input(self, model, x, step, role):
        if not step.training:
            return x
        shape = tuple(ops.shape(x))
        # Data-parallel replicas keep their own rows of the global batch's noise.
        noise = draw_for_replica(lambda n: keras.random.normal((n,) + shape[1:], seed=self.seed_generator), shape[0])
        return x + ops.cast(self.sigma() * noise, x.dtype)

    def discriminator_logs(self, model, step):
        return {"instance_noise": self.sigma()}

    def after_discriminator_update(self, model):
        self.updates.assign_add(1.0)

    def get_config(self):
        config = super().get_config()
        config.update({"stddev": self.stddev, "anneal_steps": self.anneal_steps, "seed": self.seed})
        return config
