"""`GANHyperModel`: Keras Tuner searches GAN hyperparameters by sample quality, not by loss."""

try:
    import keras_tuner
except ImportError as error:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "keras_gan.tuning needs Keras Tuner, a dependency of keras-gan: pip install keras-tuner."
    ) from error

import keras

from keras_gan import losses as gan_losses

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

#: Metrics whose larger values are better; all others are distances (smaller is better).
_MAXIMIZED = ("inception_score", "digit_score")


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

        self.image_shape = tuple(image_shape)
        self.metric = get(metric)  # one instance, its network built once, for every trial
        self.metric_name = self.metric.name
        unknown = sorted(set(search_space or {}) - set(DEFAULT_SEARCH_SPACE))
        if unknown:
            raise ValueError(
                f"Unknown search-space entries {unknown}; GANHyperModel tunes {sorted(DEFAULT_SEARCH_SPACE)}."
            )
        self.search_space = dict(search_space or {})
        self.num_eval_samples = int(num_eval_samples)
        self.eval_every = int(eval_every)
        self.build_networks = build_networks or _dcgan_networks
        self.seed = seed

    @property
    def objective(self):
        """The `keras_tuner.Objective` to give the tuner: the metric, minimized (maximized for scores)."""
        direction = "max" if self.metric_name in _MAXIMIZED else "min"
        return keras_tuner.Objective(self.metric_name, direction)

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
