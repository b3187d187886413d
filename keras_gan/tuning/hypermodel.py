"""`GANHyperModel`: Keras Tuner searches GAN hyperparameters by sample quality, not by loss."""

try:
    import keras_tuner
except ImportError as error:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "keras_gan.tuning needs Keras Tuner, a dependency of keras-gan: pip install keras-tuner."
    ) from error

import numbers

import keras

from keras_gan import losses as gan_losses
from keras_gan.utils.arguments import check_callable, check_int, check_number, check_seed, received

#: The default search space: name -> function of `hp` declaring it.
DEFAULT_SEARCH_SPACE = {
    "g_learning_rate": lambda hp: hp.Float("g_learning_rate", 5e-5, 1e-3, sampling="log"),
    "d_learning_rate": lambda hp: hp.Float("d_learning_rate", 5e-5, 1e-3, sampling="log"),
    "beta_1": lambda hp: hp.Choice("beta_1", [0.0, 0.5, 0.9]),
    "latent_dim": lambda hp: hp.Choice("latent_dim", [32, 64, 100]),
    "loss": lambda hp: hp.Choice("loss", ["non_saturating", "least_squares", "hinge"]),
    "label_smoothing": lambda hp: hp.Choice("label_smoothing", [0.0, 0.1, 0.2]),
    "discriminator_steps": lambda hp: hp.Int("discriminator_steps", 1, 2),
    "width": lambda hp: hp.Choice("width", [16, 32, 64]),
}



def _check_loss(value, argument):
    if not isinstance(value, str):
        raise TypeError(f"`{argument}` must be a loss name, one of {sorted(gan_losses.ALL_OBJECTS)}. "
                        f"{received(argument, value)}")
    try:
        gan_losses.get(value)
    except ValueError:
        raise ValueError(f"`{argument}` must be a loss name, one of {sorted(gan_losses.ALL_OBJECTS)}. "
                         f"{received(argument, value)}") from None
    return value


#: How each hyperparameter's values are checked: `check(value, argument)` raises naming `argument`.
_CHECKS = {
    "g_learning_rate": lambda v, a: check_number(v, a, low=0, low_open=True, what="Adam's learning rate"),
    "d_learning_rate": lambda v, a: check_number(v, a, low=0, low_open=True, what="Adam's learning rate"),
    "beta_1": lambda v, a: check_number(v, a, low=0, high=1, high_open=True, what="Adam's beta_1"),
    "latent_dim": lambda v, a: check_int(v, a, what="the latent dimension"),
    "loss": _check_loss,
    "label_smoothing": lambda v, a: check_number(v, a, low=0, high=1, high_open=True,
                                                 what="one-sided label smoothing"),
    "discriminator_steps": lambda v, a: check_int(v, a, what="discriminator updates per generator update"),
    "width": lambda v, a: check_int(v, a, what="the networks' base width"),
}


def _check_image_shape(image_shape):
    shape = tuple(image_shape) if isinstance(image_shape, (list, tuple)) else None
    sizes = shape is not None and all(isinstance(d, numbers.Integral) and not isinstance(d, bool) and d > 0
                                      for d in shape)
    if not sizes or not shape:
        raise (TypeError if shape is None else ValueError)(
            "`image_shape` must be the shape of one real image, positive ints such as (28, 28, 1). "
            + received("image_shape", image_shape))
    return tuple(int(d) for d in shape)


#: Metrics whose larger values are better; all others are distances (smaller is better).
def _dcgan_networks(image_shape, latent_dim, width):
    from keras_gan import networks

    return (
        networks.dcgan_generator(image_shape, latent_dim=latent_dim, width=width),
        networks.dcgan_discriminator(image_shape, width=width),
    )


class GANHyperModel(keras_tuner.HyperModel):
    """A `keras_tuner.HyperModel` for GANs, scored by a sample-quality metric.

    `build(hp)` makes a compiled `keras_gan.models.GAN` (DCGAN networks by
    default); `fit` adds a `keras_gan.callbacks.Evaluate` callback, so each
    epoch's logs carry the metric and the tuner's objective
    (`hypermodel.objective`) is sample quality, never a loss.

    The search space covers both players' learning rates, Adam's `beta_1`,
    the latent dimension, the loss, one-sided label smoothing (ignored by
    losses without a probability reading: hinge, Wasserstein), discriminator
    steps per generator step, and the network width. Each entry can be
    overridden through `search_space`: a fixed value, a list of choices, or
    a function `hp -> value` declaring your own range.

    Args:
        image_shape: Shape of one real image, e.g. `(28, 28, 1)`.
        metric: The objective: a name `keras_gan.callbacks.Evaluate` knows
            (`"digit_fd"`, offline for 28x28 digits; `"fid"`, `"kid"`,
            `"inception_score"`, `"digit_score"`) or a metric instance.
        num_eval_samples: Samples generated per evaluation.
        eval_every: Evaluate every this many epochs (and at the last).
        search_space: Overrides of `DEFAULT_SEARCH_SPACE` (see above).
        build_networks: `fn(image_shape, latent_dim, width) -> (generator,
            discriminator)`; DCGAN networks by default.
        seed: Seed of each trial's networks and latent draws.
        name, tunable: As in `keras_tuner.HyperModel`.

    Example:

    >>> import keras_tuner
    >>> hypermodel = keras_gan.tuning.GANHyperModel(search_space={"loss": "non_saturating", "width": 8})
    >>> gan = hypermodel.build(keras_tuner.HyperParameters())  # one trial's compiled GAN
    >>> hypermodel.objective.name, hypermodel.objective.direction, gan.generator.output_shape
    ('digit_fd', 'min', (None, 28, 28, 1))

    A search:

    ```python
    hypermodel = keras_gan.tuning.GANHyperModel(search_space={"loss": "non_saturating", "width": [16, 32]})
    tuner = keras_tuner.RandomSearch(hypermodel, objective=hypermodel.objective, max_trials=8)
    tuner.search(images, epochs=5, batch_size=64)
    best = tuner.get_best_models(1)[0]
    ```

    Reference:
        Lucic et al., "Are GANs Created Equal? A Large-Scale Study", NeurIPS 2018.
    """

    def __init__(self, image_shape=(28, 28, 1), metric="digit_fd", num_eval_samples=500, eval_every=1,
                 search_space=None, build_networks=None, seed=0, name=None, tunable=True):
        super().__init__(name=name, tunable=tunable)
        from keras_gan.metrics.feature_metrics import get

        # Every argument is checked here, before a tuner creates its folder or builds a trial.
        self.image_shape = _check_image_shape(image_shape)
        self.num_eval_samples = check_int(num_eval_samples, "num_eval_samples", minimum=2,
                                          what="samples generated per evaluation")
        self.eval_every = check_int(eval_every, "eval_every", what="epochs between evaluations")
        self.seed = check_seed(seed)
        self.build_networks = (_dcgan_networks if build_networks is None else
                               check_callable(build_networks, "build_networks",
                                              "a function (image_shape, latent_dim, width) -> (generator, "
                                              "discriminator), or None"))
        if search_space is not None and not isinstance(search_space, dict):
            raise TypeError("`search_space` must be a dict of overrides, e.g. {'width': [16, 32]}, or None. "
                            + received("search_space", search_space))
        unknown = sorted(str(k) for k in set(search_space or {}) - set(DEFAULT_SEARCH_SPACE))
        if unknown:
            raise ValueError(
                f"Unknown search-space entries {unknown}; GANHyperModel tunes {sorted(DEFAULT_SEARCH_SPACE)}."
            )
        self.search_space = dict(search_space or {})
        for name, override in self.search_space.items():
            self._check_override(name, override)
        if not isinstance(metric, keras.metrics.Metric):
            try:
                metric = get(metric)
            except ValueError as error:
                raise ValueError(f"`metric`: {error}") from None
            except TypeError as error:
                raise TypeError(f"`metric`: {error}") from None
        self.metric = metric  # one instance, its network built once, for every trial
        self.metric_name = self.metric.name

    @staticmethod
    def _check_override(name, override):
        """Checks a search-space override: a fixed value, a list of choices, or `hp -> value` (its default)."""
        argument = f"search_space[{name!r}]"
        if callable(override):
            value = override(keras_tuner.HyperParameters())  # the value a first trial would get
            _CHECKS[name](value, f"{argument}(hp)")
        elif isinstance(override, (list, tuple)):
            if not override:
                raise ValueError(f"`{argument}` must list at least one choice. {received(argument, override)}")
            for i, value in enumerate(override):
                _CHECKS[name](value, f"{argument}[{i}]")
        else:
            _CHECKS[name](override, argument)

    @property
    def objective(self):
        """The `keras_tuner.Objective` to give the tuner: the metric in the direction it declares.

        Distances (FID, KID, `digit_fd`) are minimized; scores and the k-NN
        figures (Inception Score, precision, density) are maximized.
        """
        return keras_tuner.Objective(self.metric_name, getattr(self.metric, "direction", "min"))

    def value(self, hp, name):
        """The value of hyperparameter `name` for this trial, declaring it in `hp`."""
        override = self.search_space.get(name, DEFAULT_SEARCH_SPACE[name])
        if callable(override):
            return override(hp)
        if isinstance(override, (list, tuple)):
            return hp.Choice(name, list(override))
        return hp.Fixed(name, override)

    def build(self, hp):
        from keras_gan.models import GAN

        values = {name: self.value(hp, name) for name in DEFAULT_SEARCH_SPACE}
        for name, value in values.items():  # a callable override may give other values in later trials
            _CHECKS[name](value, f"hp.values[{name!r}]")
        keras.utils.set_random_seed(self.seed)
        generator, discriminator = self.build_networks(self.image_shape, int(values["latent_dim"]),
                                                       int(values["width"]))
        gan = GAN(generator, discriminator, latent_dim=int(values["latent_dim"]),
                  discriminator_steps=int(values["discriminator_steps"]), seed=self.seed)
        loss = gan_losses.get(values["loss"])
        if loss.probabilistic and values["label_smoothing"]:
            loss = type(loss).from_config({**loss.get_config(), "label_smoothing": values["label_smoothing"]})
        gan.compile(
            d_optimizer=keras.optimizers.Adam(values["d_learning_rate"], beta_1=values["beta_1"]),
            g_optimizer=keras.optimizers.Adam(values["g_learning_rate"], beta_1=values["beta_1"]),
            loss=loss,
        )
        return gan

    def fit(self, hp, model, x=None, *args, callbacks=None, evaluation_data=None, **kwargs):
        """`model.fit`, with an `Evaluate` callback scoring samples every `eval_every` epochs.

        The real images compared with are `evaluation_data` when given (e.g.
        a finite `take` of a repeated dataset), else `x`.
        """
        from keras_gan.callbacks.evaluate import Evaluate

        real = x if evaluation_data is None else evaluation_data
        evaluate = Evaluate(real, metrics=[self.metric], num_samples=self.num_eval_samples, every=self.eval_every,
                            seed=self.seed)
        return model.fit(x, *args, callbacks=[evaluate, *(callbacks or [])], **kwargs)
