"""`SelfConditionedGAN`: a conditional GAN on clusters of its own unlabelled data (Liu et al., 2020)."""

import keras
import numpy as np
from keras import ops

from keras_gan.models.conditional import ConditionalGAN
from keras_gan.utils.sources import to_numpy

FEATURES = ("pixels",)


def kmeans(features, k, seed=0, iterations=30):
    """k-means++ on `features` `(n, d)` (SciPy's `kmeans2`, float64): `(centroids (k, d), labels (n,))`.

    Example:

    >>> x = np.concatenate([np.zeros((5, 2)), np.ones((5, 2))])
    >>> centroids, labels = kmeans(x, 2)
    >>> sorted(np.bincount(labels).tolist())
    [5, 5]
    """
    from scipy.cluster.vq import kmeans2

    features = np.asarray(features, dtype="float64")
    centroids, labels = kmeans2(features, int(k), iter=int(iterations), minit="++", seed=seed)
    return centroids, labels


def match_clusters(previous, current, k):
    """The relabelling of `current` that agrees most with `previous` (Hungarian matching of the overlaps).

    Returns `mapping` with `mapping[c]` the label that cluster `c` of `current` takes, so a re-clustering
    keeps the generator's conditions (Liu et al., Sec. 3.2).

    Example:

    >>> match_clusters(np.array([0, 0, 1, 1]), np.array([1, 1, 0, 0]), 2).tolist()
    [1, 0]
    """
    from scipy.optimize import linear_sum_assignment

    overlap = np.zeros((k, k))
    np.add.at(overlap, (np.asarray(current), np.asarray(previous)), 1)
    rows, cols = linear_sum_assignment(-overlap)
    mapping = np.zeros(k, dtype="int64")
    mapping[rows] = cols
    return mapping


@keras.saving.register_keras_serializable(package="keras_gan")
class SelfConditionedGAN(ConditionalGAN):
    """A conditional GAN whose labels are clusters of the unlabelled data it trains on.

    A continuous generator trained on data of disconnected modes (digit
    classes) puts some of its mass between them: blended samples. Liu et
    al. condition both players on the data's own clusters instead, so each
    condition covers a part of the data that a continuous map can reach. Before
    training, `fit` clusters up to `cluster_samples` of its training samples
    with k-means (`num_clusters` centroids, stored in the model's weights:
    saved, loaded and restored with it). Each step labels every real sample
    with its nearest centroid, and generates samples conditioned on the real
    batch's labels, so both players see the clusters' frequencies.
    `generate(n)` draws the clusters from those frequencies (`cluster_prior`).

    The networks are a conditional pair, as for `ConditionalGAN`:
    `generator([z, y])` and `discriminator([x, y])` with `y` one-hot of width
    `num_clusters`.

    Features: `"pixels"` clusters the samples themselves (the default:
    stationary, so nothing to re-cluster), or the name of a layer of the
    discriminator whose output gives each sample a feature vector (Liu et al.
    cluster the discriminator's features; a sub-model taking `x` alone, such
    as `conditional_dcgan_discriminator`'s `"<name>_features"`, or a layer of
    a discriminator whose features do not depend on the label), re-clustered
    every `recluster_every` epochs with the new clusters matched to the old
    ones.

    With several processes (`torch.distributed`, JAX's multi-process
    `keras.distribution`), each process would cluster its own share of the
    data: call `gan.fit_clusters(x)` with the same samples in every process
    before `fit` (a clustered model does not cluster again).

    Args:
        generator: A conditional generator, `[z, one-hot] -> samples`.
        discriminator: A conditional discriminator, `[x, one-hot] -> logit`.
        latent_dim: Length of a latent vector.
        num_clusters: Number of clusters (the conditions), >= 2.
        features: `"pixels"` or the name of a discriminator layer.
        recluster_every: With discriminator features, re-cluster every this
            many epochs (None: never).
        cluster_samples: Samples clustered (the first ones `fit` is given).
        **kwargs: `GAN`'s arguments (`seed` also seeds k-means).

    Example:

    >>> from keras_gan.networks import conditional as nets
    >>> gan = SelfConditionedGAN(nets.conditional_mlp_generator(4, 3, (2,)),
    ...     nets.conditional_mlp_discriminator((2,), 3), latent_dim=4, num_clusters=3, seed=0)
    >>> gan.compile()
    >>> x = np.concatenate([np.full((32, 2), c, "float32") for c in (-1, 0, 1)])
    >>> _ = gan.fit(x, epochs=1, batch_size=16, verbose=0)
    >>> sorted(np.round(ops.convert_to_numpy(gan.cluster_prior), 2).tolist())
    [0.33, 0.33, 0.33]
    >>> gan.generate(4, seed=0).shape
    (4, 2)

    Reference:
        Liu et al., "Diverse Image Generation via Self-Conditioned GANs",
        CVPR 2020.
    """

    batch_structure = ("x", "labels?")
    batch_structure_note = "the clusters are its labels: give it samples (labels, if given, are not read)"

    def __init__(self, generator, discriminator, latent_dim, num_clusters, *, features="pixels",
                 recluster_every=None, cluster_samples=10000, name="self_conditioned_gan", **kwargs):
        if isinstance(num_clusters, bool) or not isinstance(num_clusters, int) or num_clusters < 2:
            raise ValueError(f"`num_clusters` must be an int >= 2. Received: num_clusters={num_clusters!r}.")
        if features not in FEATURES and not isinstance(features, str):
            raise ValueError(f"`features` must be 'pixels' or the name of a layer of the discriminator. "
                             f"Received: features={features!r}.")
        if recluster_every is not None and (isinstance(recluster_every, bool) or not isinstance(recluster_every, int)
                                            or recluster_every < 1):
            raise ValueError(f"`recluster_every` must be a positive int or None. Received: {recluster_every!r}.")
        if isinstance(cluster_samples, bool) or not isinstance(cluster_samples, int) or cluster_samples < 1:
            raise ValueError(f"`cluster_samples` must be a positive int. Received: {cluster_samples!r}.")
        super().__init__(generator, discriminator, latent_dim, num_clusters, name=name, **kwargs)
        self.features = features
        self.recluster_every = recluster_every
        self.cluster_samples = int(cluster_samples)
        self._feature_model = None if features == "pixels" else self._discriminator_features(features)
        dim = self._feature_dim()
        self.cluster_centroids = self.add_weight(shape=(self.num_classes, dim), initializer="zeros",
                                                 trainable=False, name="cluster_centroids")
        self.cluster_prior = self.add_weight(shape=(self.num_classes,), initializer="zeros", trainable=False,
                                             name="cluster_prior")

    @property
    def num_clusters(self):
        return self.num_classes

    def get_config(self):
        config = super().get_config()
        config.pop("num_classes")
        config.update(num_clusters=self.num_classes, features=self.features, recluster_every=self.recluster_every,
                      cluster_samples=self.cluster_samples)
        return config

    # ------------------------------------------------------------------ features

    def _discriminator_features(self, layer_name):
        try:
            layer = self.discriminator.get_layer(layer_name)
        except (ValueError, AttributeError):
            names = [layer.name for layer in getattr(self.discriminator, "layers", [])]
            raise ValueError(f"`features` names no layer of the discriminator: {layer_name!r}. Its layers: {names}. "
                             "Pass 'pixels' or one of those names.") from None
        if isinstance(layer, keras.Model) and len(layer.inputs) == 1:
            return layer  # a sub-model of the samples alone
        return keras.Model(self.discriminator.inputs, layer.output)

    def _feature_dim(self):
        if self._feature_model is not None:
            shape = self._feature_model.output_shape
        else:
            try:
                shape = self.generator.output_shape
            except (AttributeError, ValueError):
                shape = None
        if shape is None or any(d is None for d in shape[1:]):
            raise ValueError(f"{type(self).__name__} sizes its centroids from the networks' shapes: give them a "
                             f"`keras.Input` (received output shape {shape}).")
        return int(np.prod(shape[1:]))

    def cluster_features(self, x):
        """The vectors the clusters live in: flattened samples, or the discriminator layer's outputs."""
        x = ops.cast(x, "float32")
        if self._feature_model is None:
            return ops.reshape(x, (ops.shape(x)[0], -1))
        if len(self._feature_model.inputs) == 1:
            f = self._feature_model(x, training=False)
        else:
            f = self._feature_model([x, ops.zeros((ops.shape(x)[0], self.num_classes))], training=False)
        return ops.reshape(f, (ops.shape(f)[0], -1))

    def assign_clusters(self, x):
        """The nearest centroid of each sample (integer labels)."""
        f = self.cluster_features(x)
        c = ops.convert_to_tensor(self.cluster_centroids)
        distances = ops.sum(c * c, axis=1)[None, :] - 2.0 * ops.matmul(f, ops.transpose(c))
        return ops.argmin(distances, axis=1)

    # ------------------------------------------------------------------ clustering

    @property
    def clustered(self):
        """Whether the clusters were fitted (by `fit` or `fit_clusters`)."""
        return float(ops.convert_to_numpy(ops.sum(self.cluster_prior))) > 0

    def fit_clusters(self, x):
        """Clusters the samples `x` (an array, at least `num_clusters` samples); sets the centroids and prior.

        Re-clustering keeps the labels: each new cluster takes the label of the old one it overlaps most.

        Returns:
            The cluster of each sample, a NumPy array.
        """
        x = np.asarray(to_numpy(x), dtype="float32")[: self.cluster_samples]
        if len(x) < self.num_classes:
            raise ValueError(f"{type(self).__name__} clusters its samples into num_clusters={self.num_classes} "
                             f"and got {len(x)} samples. Give it at least {self.num_classes}.")
        features = np.concatenate([ops.convert_to_numpy(self.cluster_features(x[i:i + 1024]))
                                   for i in range(0, len(x), 1024)])
        previous = ops.convert_to_numpy(self.assign_clusters(x)) if self.clustered else None
        centroids, labels = kmeans(features, self.num_classes, seed=self.seed if self.seed is not None else 0)
        if previous is not None:
            mapping = match_clusters(previous, labels, self.num_classes)
            order = np.argsort(mapping)
            centroids, labels = centroids[order], mapping[labels]
        self.cluster_centroids.assign(centroids.astype("float32"))
        counts = np.bincount(labels, minlength=self.num_classes)
        self.cluster_prior.assign((counts / counts.sum()).astype("float32"))
        return labels

    def before_fit(self, x, y, source, kwargs):
        """Clusters the data before the first step (once; again every `recluster_every` epochs)."""
        samples = _samples(x, self.cluster_samples)
        minimum = 4 * self.num_classes
        if not self.clustered:
            if samples is None or len(samples) < minimum:
                got = 0 if samples is None else len(samples)
                raise ValueError(
                    f"{type(self).__name__} clusters its data before training and could read {got} samples from "
                    f"{source} (at least {minimum} = 4 x num_clusters needed). Call `gan.fit_clusters(x)` with an "
                    "array of samples first, or give `fit` arrays or a tf.data.Dataset.")
            self.fit_clusters(samples)
        if self.recluster_every and samples is not None and len(samples) >= minimum:
            callbacks = list(kwargs.get("callbacks") or [])
            callbacks.append(_Recluster(self, samples, self.recluster_every))
            kwargs["callbacks"] = callbacks

    # ------------------------------------------------------------------- hooks

    def check_data(self, x, y=None):
        super(ConditionalGAN, self).check_data(x, y)  # the labels are the clusters: none to check

    def _extra_input_note(self):
        return f", with one-hot clusters of width num_clusters={self.num_classes}"

    def prepare_step(self, data, training):
        x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        if isinstance(x, (tuple, list)):
            x = x[0]
        labels = ops.stop_gradient(self.one_hot(self.assign_clusters(x)))
        return self.step_class(real=x, labels=labels, training=training)

    def generate(self, n_or_z=None, *, labels=None, seed=None, batch_size=256):
        """Generates samples; without `labels`, their clusters are drawn from `cluster_prior`.

        Args:
            n_or_z: A number of samples or latent vectors `(n, latent_dim)`.
            labels: The cluster of each sample (optional).
            seed: Seeds the latent vectors and the clusters drawn.
            batch_size: Samples per generator call.

        Returns:
            A NumPy array of samples.
        """
        if labels is None and n_or_z is not None:
            z = self._latent_from(n_or_z, seed)  # checks `n_or_z` and `seed` as `GAN.generate` does
            return super().generate(z, labels=self.draw_clusters(len(z), seed), batch_size=batch_size)
        return super().generate(n_or_z, labels=labels, seed=seed, batch_size=batch_size)

    def grid_inputs(self, n, seed=0):
        """`n` samples, their clusters drawn from the frequencies and grouped (similar samples side by side)."""
        kwargs, _ = super(ConditionalGAN, self).grid_inputs(n, seed)
        kwargs["labels"] = np.sort(self.draw_clusters(n, seed))
        return kwargs, None

    def draw_clusters(self, n, seed=None):
        """`n` clusters drawn from the data's cluster frequencies (uniform before clustering)."""
        prior = np.asarray(ops.convert_to_numpy(self.cluster_prior), dtype="float64")
        prior = prior / prior.sum() if prior.sum() > 0 else np.full(self.num_classes, 1.0 / self.num_classes)
        return np.random.default_rng(seed).choice(self.num_classes, size=n, p=prior)


def _samples(x, limit):
    """Up to `limit` samples from arrays or a `tf.data.Dataset` of batches (None for other sources)."""
    if hasattr(x, "element_spec"):
        out, count = [], 0
        for batch in x:
            first = keras.utils.unpack_x_y_sample_weight(batch)[0]
            first = first[0] if isinstance(first, (tuple, list)) else first
            out.append(to_numpy(first))
            count += len(out[-1])
            if count >= limit:
                break
        return np.concatenate(out)[:limit] if out else None
    if isinstance(x, (tuple, list)):
        x = x[0] if x else None
    if x is None or not hasattr(x, "shape"):
        return None
    return np.asarray(to_numpy(x))[:limit]


class _Recluster(keras.callbacks.Callback):
    """Re-clusters the model's samples every `every` epochs (discriminator features drift as it trains)."""

    def __init__(self, gan, samples, every):
        super().__init__()
        self.gan, self.samples, self.every = gan, samples, every

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0:
            self.gan.fit_clusters(self.samples)
