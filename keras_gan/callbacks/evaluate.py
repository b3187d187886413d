"""Sample-quality metrics in the epoch logs, so History, TensorBoard, checkpoints and tuners see them."""

import contextlib

import keras

from keras_gan.utils.arguments import check_int, check_seed, received
from keras_gan.utils.data import first_samples


class Evaluate(keras.callbacks.Callback):
    """Every `every` epochs, scores `num_samples` generated samples against real data.

    The values are written into the epoch's logs under each metric's name
    (`"fid"`, `"kid"` and `"kid_std"`, `"digit_fd"`, ...), so `History`,
    the progress bar, `TensorBoard`, `ModelCheckpoint(monitor="fid",
    mode="min")`, `EarlyStopping` and Keras Tuner objectives see them.
    `GAN.fit` runs `Evaluate` callbacks before the other callbacks of the
    epoch, so their order in `callbacks` does not matter there.

    The real images' features are computed once and kept; each evaluation
    generates the same latent vectors (`seed`), so the values move with the
    model, not with the noise. Under an exponential moving average of the
    generator's weights (`use_ema`), the averaged generator is evaluated.

    Args:
        real_data: Real images, an array `(n, ...)` or a `tf.data.Dataset` of
            images or `(images, labels)` (the first `num_samples` are used).
        metrics: Metric names (`"fid"`, `"kid"`, `"inception_score"`,
            `"digit_fd"`, `"digit_score"`) or `keras.metrics.Metric`
            instances from `keras_gan.metrics`.
        num_samples: Generated (and real) samples per evaluation.
        every: Evaluate every this many epochs (and always at the last
            epoch). Epochs in between have no value in the logs.
        seed: Seed of the generated samples' latent vectors.

    Example:

    >>> G = keras.Sequential([keras.Input((3,)), keras.layers.Dense(16, activation="tanh"),
    ...                       keras.layers.Reshape((4, 4, 1))])
    >>> D = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    >>> gan = keras_gan.models.GAN(G, D, latent_dim=3)
    >>> gan.compile()
    >>> images = np.random.default_rng(0).uniform(-1, 1, (64, 4, 4, 1)).astype("float32")
    >>> features = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten()])  # a stand-in network
    >>> fd = keras_gan.metrics.FrechetDistance(features, name="fd")
    >>> evaluate = keras_gan.callbacks.Evaluate(images, metrics=[fd], num_samples=64)
    >>> history = gan.fit(images, batch_size=16, epochs=2, verbose=0, callbacks=[evaluate])
    >>> len(history.history["fd"]), bool(history.history["fd"][-1] > 0)
    (2, True)

    On digits, with the shipped classifier's features, keeping the best model:

    ```python
    evaluate = keras_gan.callbacks.Evaluate(images, metrics=["digit_fd"], num_samples=1000)
    checkpoint = keras.callbacks.ModelCheckpoint("best.keras", monitor="digit_fd", mode="min",
                                                 save_best_only=True)
    gan.fit(images, epochs=20, callbacks=[checkpoint, evaluate])
    ```
    """

    #: Written into the epoch's logs: `fit` runs it before the callbacks that read them.
    writes_epoch_logs = True

    def __init__(self, real_data, metrics=("digit_fd",), num_samples=1000, every=1, seed=0):
        super().__init__()
        from keras_gan.metrics.feature_metrics import get

        self.num_samples = check_int(num_samples, "num_samples", minimum=2, what="generated and real samples "
                                     "per evaluation")
        self.every = check_int(every, "every", what="epochs between evaluations")
        self.seed = check_seed(seed)
        if isinstance(metrics, (str, keras.metrics.Metric)):
            metrics = [metrics]
        if not isinstance(metrics, (list, tuple)) or not all(isinstance(m, (str, keras.metrics.Metric))
                                                             for m in metrics):
            raise TypeError(
                "`metrics` must be a metric name ('digit_fd', 'fid', ...), a keras_gan.metrics instance, or a list "
                f"of them. {received('metrics', metrics)}"
            )
        if not metrics:
            raise ValueError("`Evaluate` needs at least one metric, e.g. metrics=['digit_fd']. Received: metrics=[].")
        self.metrics = []
        for m in metrics:
            try:
                self.metrics.append(get(m))
            except ValueError as error:
                raise ValueError(f"`metrics`: {error}") from None
        self.real_images = self._take(real_data, self.num_samples)
        self._real_seen = False

    @staticmethod
    def _take(data, n):
        if not (hasattr(data, "shape") or hasattr(data, "element_spec") or isinstance(data, (list, tuple))):
            from keras_gan.utils.messages import describe

            raise TypeError(f"`Evaluate` needs real images (an array or a tf.data.Dataset) as `real_data`; "
                            f"received {describe(data)}. E.g. Evaluate(images, metrics=['digit_fd']).")
        return first_samples(data, n, "Evaluate")

    def check_before_training(self, model):
        """`on_train_begin`'s checks, run by keras-gan's `fit` before any callback starts (or writes).

        Args:
            model: The model about to train.
        """
        self.set_model(model)
        self.on_train_begin()

    def on_train_begin(self, logs=None):
        """Checks, before the first step, that generated and real images suit every metric."""
        self._check_model()
        generated = self.model.generate(2, seed=self.seed)
        if generated.shape[1:] != self.real_images.shape[1:]:
            raise ValueError(
                f"`Evaluate`: the generator makes samples of shape {generated.shape[1:]}, but the real "
                f"images given to Evaluate have shape {self.real_images.shape[1:]}; pass real images "
                "of the generator's output shape."
            )
        for metric in self.metrics:
            if hasattr(metric, "check_images"):
                metric.check_images(generated, "generated_images")
                metric.check_images(self.real_images[:2], "real_data")

    def _check_model(self):
        if not hasattr(self.model, "generate"):
            raise TypeError(
                f"`Evaluate` scores models with a `generate(n)` method (the keras-gan GANs); "
                f"{type(self.model).__name__} has none."
            )

    def on_epoch_end(self, epoch, logs=None):
        last = self.params.get("epochs") if self.params else None
        if (epoch + 1) % self.every and (last is None or epoch + 1 != last):
            return
        if logs is not None:
            logs.update(self.evaluate())

    def evaluate(self):
        """Scores the model now; returns a dict of metric values (floats)."""
        self._check_model()
        model = self.model
        averaged = model.averaged_generator() if hasattr(model, "averaged_generator") else contextlib.nullcontext()
        with averaged:
            generated = model.generate(self.num_samples, seed=self.seed)
        values = {}
        for metric in self.metrics:
            if not hasattr(metric, "reset_generated_state"):  # a score of generated images only
                metric.reset_state()
                metric.update_state(generated)
            else:  # a distance: the real side is featurized once, on the first evaluation
                if self._real_seen:
                    metric.reset_generated_state()
                else:
                    metric.reset_state()
                    metric.update_state(real_images=self.real_images)
                metric.update_state(generated_images=generated)
            result = metric.result()
            if isinstance(result, dict):
                values.update({k: float(v) for k, v in result.items()})
            else:
                values[metric.name] = float(result)
        self._real_seen = True
        return values
