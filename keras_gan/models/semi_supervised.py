"""`SemiSupervisedGAN`: a K+1-way discriminator that doubles as a classifier."""

import dataclasses
import numbers
from typing import Any

import keras
import numpy as np
from keras import ops

from keras_gan.errors import GANConfigurationError
from keras_gan.models.gan import GAN
from keras_gan.models.step import GANStep


@dataclasses.dataclass
class SemiSupervisedStep(GANStep):
    """A `GANStep` with the labelled batch and the discriminator's features.

    Attributes:
        labelled: `(x_labelled, y_labelled)`, or None.
        features_real: The discriminator's features of `real`.
        features_fake: The discriminator's features of `fake`.
    """

    labelled: Any = None
    features_real: Any = None
    features_fake: Any = None


@keras.saving.register_keras_serializable(package="keras_gan")
class SemiSupervisedGAN(GAN):
    """Semi-supervised learning with a GAN (Salimans et al., 2016, Section 5).

    The discriminator is a classifier over K real classes plus "generated".
    It returns `[class_logits (batch, K), features (batch, F)]`; the logit of
    the generated class is fixed at 0, so with `Z(x) = sum_k exp(l_k(x))` the
    probability that x is real is `D(x) = Z / (Z + 1) = sigmoid(logsumexp(l))`.
    Its cost is the unsupervised GAN cost on that `D` (real vs generated, on
    unlabelled data) plus the cross-entropy over the K classes on a labelled
    batch. The generator minimizes feature matching,
    `||E f(x) - E f(G(z))||^2` on the discriminator's `features`, the
    objective the paper found best for semi-supervised learning.

    Data: each batch is `(x_unlabelled, (x_labelled, y_labelled))`;
    `make_dataset(...)` builds that stream from an unlabelled array and a few
    labelled examples (the labelled ones repeated and reshuffled). After
    training, `classify(x)` gives class predictions and `predict_classes`
    probabilities over the K classes.

    Logged: `d_loss`, `g_loss` (feature matching), `p_real`, `p_fake`,
    `supervised_loss` and `labelled_accuracy` (on the labelled batches).

    Args:
        generator: Latent vectors -> samples.
        discriminator: samples -> `[class_logits, features]`.
        latent_dim: Length of z.
        num_classes: K.
        supervised_weight: Weight of the labelled cross-entropy (1).
        **kwargs: Passed to `GAN`.

    Example:

    >>> from keras_gan import networks
    >>> gan = SemiSupervisedGAN(networks.dcgan_generator((28, 28, 1), 16, width=4),
    ...                         networks.semi_supervised_discriminator((28, 28, 1), 10, width=4),
    ...                         latent_dim=16, num_classes=10)
    >>> gan.compile()
    >>> x = np.zeros((64, 28, 28, 1), "float32")
    >>> data = gan.make_dataset(x, x[:10], np.arange(10), batch_size=32)
    >>> sorted(gan.fit(data, verbose=0).history)
    ['d_loss', 'g_loss', 'labelled_accuracy', 'p_fake', 'p_real', 'supervised_loss']

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016.
    """

    #: The batches `fit` takes (see `validation.check_structure`), as `make_dataset` builds them.
    batch_structure = ("x_unlabelled", ("x_labelled", "y_labelled"))
    has_adversarial_generator_cost = False  # the generator matches features
    batch_structure_note = "build them with `SemiSupervisedGAN.make_dataset(x_unlabelled, x_labelled, y_labelled)`"

    def __init__(self, generator, discriminator, latent_dim, num_classes, *, supervised_weight=1.0,
                 name="semi_supervised_gan", **kwargs):
        if isinstance(num_classes, bool) or not isinstance(num_classes, numbers.Integral) or num_classes < 2:
            raise ValueError(f"`num_classes` must be an int >= 2. Received: num_classes={num_classes!r}.")
        self.num_classes = int(num_classes)
        self.supervised_weight = float(supervised_weight)
        super().__init__(generator, discriminator, latent_dim, name=name, **kwargs)

    def get_config(self):
        config = super().get_config()
        config.update({"num_classes": self.num_classes, "supervised_weight": self.supervised_weight})
        return config

    def extra_log_names(self):
        return ("supervised_loss", "labelled_accuracy")

    # ------------------------------------------------------------------- data

    @staticmethod
    def make_dataset(x_unlabelled, x_labelled, y_labelled, batch_size=64, labelled_batch_size=None, seed=0):
        """The training stream: batches of `(x_unlabelled, (x_labelled, y_labelled))`.

        One epoch is one pass over the unlabelled data (shuffled each epoch);
        each batch is paired with a batch of the labelled examples, drawn from
        them repeated and reshuffled, so a few labels serve the whole epoch.

        Args:
            x_unlabelled: Array of unlabelled samples.
            x_labelled: Array of labelled samples (may overlap the unlabelled).
            y_labelled: Their integer labels.
            batch_size: Unlabelled samples per batch.
            labelled_batch_size: Labelled samples per batch (default `batch_size`).
            seed: Shuffle seed.

        Returns:
            A `tf.data.Dataset`.
        """
        import tensorflow as tf

        from keras_gan.datasets.loader import configured

        y_labelled = np.asarray(y_labelled).reshape(-1).astype("int32")
        if len(x_labelled) != len(y_labelled) or len(y_labelled) == 0:
            raise ValueError(
                f"Give one label per labelled sample: {len(x_labelled)} samples, {len(y_labelled)} labels."
            )
        labelled_batch_size = labelled_batch_size or batch_size
        unlabelled = (
            tf.data.Dataset.from_tensor_slices(np.asarray(x_unlabelled, "float32"))
            .shuffle(len(x_unlabelled), seed=seed, reshuffle_each_iteration=True)
            .batch(batch_size, drop_remainder=True)
        )
        labelled = (
            tf.data.Dataset.from_tensor_slices((np.asarray(x_labelled, "float32"), y_labelled))
            .repeat()
            .shuffle(max(len(y_labelled), 1000), seed=seed + 1)
            .batch(labelled_batch_size, drop_remainder=True)
        )
        return configured(tf.data.Dataset.zip((unlabelled, labelled)).prefetch(tf.data.AUTOTUNE))

    def check_data(self, x, y=None):
        spec = getattr(x, "element_spec", None)
        ok = (
            isinstance(spec, tuple) and len(spec) == 2
            and isinstance(spec[1], tuple) and len(spec[1]) == 2
        )
        if not ok:
            raise GANConfigurationError(
                "SemiSupervisedGAN trains on batches of (x_unlabelled, (x_labelled, y_labelled)): "
                "build them with `SemiSupervisedGAN.make_dataset(x_unlabelled, x_labelled, y_labelled)`."
            )
        for batch in x.take(1):
            labels = np.asarray(batch[1][1])
            if labels.min() < 0 or labels.max() >= self.num_classes:
                raise GANConfigurationError(
                    f"Labels must lie in [0, num_classes={self.num_classes}); received "
                    f"{labels.min()} to {labels.max()}."
                )
        super().check_data(x.map(lambda u, labelled: u))

    # ------------------------------------------------------------------ hooks

    step_class = SemiSupervisedStep

    def prepare_step(self, data, training):
        if isinstance(data, (tuple, list)) and len(data) == 2 and isinstance(data[1], (tuple, list)):
            real, labelled = data
        else:
            real, labelled = data, None
        return SemiSupervisedStep(real=real, labelled=None if labelled is None else tuple(labelled),
                                  training=training)

    def _outputs(self, x, training):
        outputs = self.discriminator(x, training=training)
        if not isinstance(outputs, (list, tuple)) or len(outputs) != 2:
            raise GANConfigurationError(
                "SemiSupervisedGAN's discriminator must return `[class_logits, features]`; build it "
                "with keras_gan.networks.semi_supervised_discriminator or as keras.Model(x, [logits, features])."
            )
        logits, features = outputs
        if logits.shape[-1] != self.num_classes:
            raise GANConfigurationError(
                f"The discriminator returns {logits.shape[-1]} class logits per sample; "
                f"num_classes={self.num_classes} needs {self.num_classes} (the generated class's "
                "logit is fixed at 0 and not returned)."
            )
        return ops.cast(logits, "float32"), ops.cast(features, "float32")

    def call_discriminator(self, x, step, training, role, network):
        logits, features = self._outputs(x, training)
        if role in ("real", "fake") and isinstance(step, SemiSupervisedStep):
            setattr(step, f"features_{role}", features)
        # log D(x) / (1 - D(x)) = log Z(x): the real-vs-generated logit.
        return ops.logsumexp(logits, axis=-1, keepdims=True)

    def discriminator_objective(self, step):
        """The GAN cost on `D = sigmoid(logsumexp(l))`, plus the labelled cross-entropy where the step has labels."""
        loss, logs = super().discriminator_objective(step)
        if step.labelled is None:
            return loss, logs
        x_l, y_l = step.labelled
        logits, _ = self._outputs(x_l, step.training)
        y_l = ops.cast(ops.reshape(y_l, (-1,)), "int32")
        supervised = ops.mean(
            keras.losses.sparse_categorical_crossentropy(y_l, logits, from_logits=True)
        )
        accuracy = ops.mean(ops.cast(ops.equal(ops.cast(ops.argmax(logits, axis=-1), "int32"), y_l), "float32"))
        logs = dict(logs, supervised_loss=supervised, labelled_accuracy=accuracy)
        return loss + self.supervised_weight * supervised, logs

    def generator_objective(self, step):
        """Feature matching on the discriminator's features of the real and generated batches."""
        if step.features_real is None:
            self.discriminate(step.real, step, training=step.training, role="real")
        if step.fake_logits is None:
            step.fake_logits = self.discriminate(step.fake, step, training=step.training, role="fake")
        real = ops.stop_gradient(ops.mean(step.features_real, axis=0))
        fake = ops.mean(step.features_fake, axis=0)
        return ops.mean(ops.square(real - fake)), {}

    # -------------------------------------------------------------- classifier

    def predict_classes(self, x, batch_size=256):
        """Probabilities over the K real classes, `(n, K)` (NumPy)."""
        x = np.asarray(x, dtype="float32")
        out = []
        for i in range(0, len(x), batch_size):
            logits, _ = self._outputs(x[i : i + batch_size], training=False)
            out.append(ops.convert_to_numpy(ops.softmax(logits, axis=-1)))
        return np.concatenate(out, axis=0)

    def classify(self, x, batch_size=256):
        """The predicted class of each sample (NumPy ints)."""
        return self.predict_classes(x, batch_size).argmax(axis=-1)
