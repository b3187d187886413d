"""Streaming sample-quality metrics: FID, KID, the Inception Score, precision/recall and density/coverage.

(And their digit versions.)

Each is a `keras.metrics.Metric` that accumulates over batches:
`update_state(real_images, generated_images)` then `result()`. The state is
kept in float64 NumPy arrays on the host (a Frechet distance needs float64
covariances and a matrix square root, which SciPy computes), so
`update_state` runs eagerly: call it from Python or a callback, as
`keras_gan.callbacks.Evaluate` does, not inside a compiled train step.
"""

import keras
import numpy as np

from keras_gan.metrics import distances, prdc
from keras_gan.utils.arguments import check_int, check_seed, check_value_range, received
from keras_gan.utils.messages import describe
from keras_gan.utils.requirements import Requirement


def _to_numpy(x, what):
    try:
        return np.asarray(keras.ops.convert_to_numpy(x))
    except Exception as error:  # noqa: BLE001 - symbolic tensors inside a traced function
        raise RuntimeError(
            f"{what} keeps its statistics on the host and must be updated eagerly (from Python or a "
            "callback such as keras_gan.callbacks.Evaluate), not inside a compiled function."
        ) from error


class _ImageMetric(keras.metrics.Metric):
    """Shared machinery: checking images and running a network on them in batches.

    Each metric declares `direction`: "min" for distances (the default),
    "max" for scores and the k-NN figures; Keras Tuner objectives read it.
    """

    #: Whether a better generator lowers ("min") or raises ("max") the logged value.
    direction = "min"

    def __init__(self, network=None, batch_size=64, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        if network is not None and not callable(network):
            raise TypeError(f"`network` must be a Keras model mapping images to features (or probabilities), or "
                            f"None. {received('network', network)}")
        self.network = network
        self.batch_size = check_int(batch_size, "batch_size", what="images per call of the network")
        self._image_shape = None

    def default_network(self, image_shape):
        raise ValueError(f"{type(self).__name__} needs a network; pass one.")

    def _check_images(self, images, argument):
        images = _to_numpy(images, type(self).__name__)
        if images.ndim == 3:
            raise ValueError(
                f"{type(self).__name__}: `{argument}` has shape {images.shape}; images need 4 dimensions "
                "(samples, height, width, channels). For grayscale add a channel axis: x[..., None]."
            )
        if images.ndim != 4:
            raise ValueError(
                f"{type(self).__name__}: `{argument}` must be images of shape (samples, height, width, "
                f"channels); received shape {images.shape}."
            )
        if not np.issubdtype(images.dtype, np.number) or not np.all(np.isfinite(images)):
            raise ValueError(f"{type(self).__name__}: `{argument}` contains NaN, Inf or non-numeric values.")
        self._check_range(images, argument)
        expected = self._expected_shape()
        if expected is not None and any(e is not None and e != s for e, s in zip(expected, images.shape[1:])):
            raise ValueError(
                f"{type(self).__name__}: `{argument}` has images of shape {images.shape[1:]}, but the "
                f"network expects {tuple(expected)}. Pass images of that shape (the generator's output "
                "and the real data must match), or a network built for your images."
            )
        if self._image_shape is not None and images.shape[1:] != self._image_shape:
            raise ValueError(
                f"{type(self).__name__}: `{argument}` has images of shape {images.shape[1:]}, but earlier "
                f"batches had {self._image_shape}; real and generated images must have the same shape."
            )
        self._image_shape = images.shape[1:]
        return images.astype("float32")

    #: The value range the network reads (None: any); `_check_range` refuses data far outside it.
    expected_range = None

    def _check_range(self, images, argument):
        """Refuses real images far outside `expected_range` (unscaled pixels); warns for generated ones."""
        if self.expected_range is None or not images.size:
            return
        low, high = self.expected_range
        margin = 0.5 * (high - low)
        lowest, highest = float(np.min(images)), float(np.max(images))
        if lowest >= low - margin and highest <= high + margin:
            return
        message = (f"{type(self).__name__}: `{argument}` ranges over [{lowest:g}, {highest:g}], but the network "
                   f"reads images in [{low:g}, {high:g}]; scale them (pixels 0-255: x / 127.5 - 1).")
        if argument.startswith("generated"):  # a generator without a bounded output: its scores are off, not wrong
            import warnings

            warnings.warn(message, UserWarning, stacklevel=4)
            return
        raise ValueError(message)

    def check_images(self, images, argument="images"):
        """Raises a ValueError naming the problem when `images` cannot be scored by this metric."""
        shape = self._image_shape
        self._check_images(images, argument)
        self._image_shape = shape

    def _expected_shape(self):
        if self.network is None:
            return None
        shape = getattr(self.network, "input_shape", None)
        if isinstance(shape, tuple) and len(shape) == 4:
            return shape[1:]
        return None

    def _run(self, images, argument):
        images = self._check_images(images, argument)
        if self.network is None:
            self.network = self.default_network(images.shape[1:])
        if hasattr(self.network, "predict"):  # a Keras model: batched, compiled inference
            outputs = self.network.predict(images, batch_size=self.batch_size, verbose=0)
        else:
            outputs = np.concatenate([
                _to_numpy(self.network(images[i : i + self.batch_size], training=False), type(self).__name__)
                for i in range(0, len(images), self.batch_size)
            ])
        outputs = np.asarray(outputs, dtype="float64")
        return outputs.reshape(len(outputs), -1)

    def get_config(self):
        config = {**super().get_config(), "batch_size": self.batch_size}
        if self.network is not None and not self._network_is_default():
            config["network"] = keras.saving.serialize_keras_object(self.network)
        return config

    def _network_is_default(self):
        return getattr(self, "_default_built", False)

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if config.get("network") is not None:
            config["network"] = keras.saving.deserialize_keras_object(config["network"])
        return cls(**config)


class _FeatureDistance(_ImageMetric):
    """Compares features of real and generated images; real statistics can be kept across evaluations."""

    def update_state(self, real_images=None, generated_images=None, sample_weight=None):
        """Adds a batch of real and/or generated images (either may be None)."""
        if sample_weight is not None:
            raise ValueError(f"{type(self).__name__} does not support `sample_weight`.")
        if real_images is None and generated_images is None:
            raise ValueError(f"{type(self).__name__}.update_state needs real_images, generated_images or both.")
        if real_images is not None:
            self.update_features(real=self._run(real_images, "real_images"))
        if generated_images is not None:
            self.update_features(generated=self._run(generated_images, "generated_images"))

    def update_features(self, real=None, generated=None):
        """Adds precomputed features, `(samples, features)`, of real and/or generated images."""
        for which, features in (("real", real), ("generated", generated)):
            if features is not None:
                features = np.asarray(features, dtype="float64")
                features = features.reshape(len(features), -1)
                if self._width is not None and features.shape[1] != self._width:
                    raise ValueError(
                        f"{type(self).__name__}: features of width {features.shape[1]}, but earlier ones had "
                        f"{self._width}; use the same extractor for real and generated images."
                    )
                self._width = features.shape[1]
                self._accumulate(which, features)

    def reset_state(self):
        self._width = None
        self._image_shape = None
        self._reset("real")
        self._reset("generated")

    def reset_generated_state(self):
        """Forgets the generated images only: the real statistics are kept for the next evaluation."""
        self._reset("generated")

    def _counts(self):
        raise NotImplementedError

    def _check_ready(self):
        real, generated = self._counts()
        if real < 2 or generated < 2:
            raise ValueError(
                f"{type(self).__name__} has {real} real and {generated} generated samples; it needs at "
                "least 2 of each (hundreds for a meaningful estimate). Call update_state first."
            )


@keras.saving.register_keras_serializable(package="keras_gan")
class FrechetDistance(_FeatureDistance):
    """The Frechet distance between features of real and generated images, streamed over batches.

    Keeps, for each side, the sample count, the feature sum and the sum of
    outer products in float64, so memory does not grow with the number of
    images; `result()` is `frechet_distance_from_statistics` of the two
    Gaussians (SciPy's matrix square root).

    Args:
        network: A Keras model mapping images to features (e.g.
            `keras_gan.metrics.digit_feature_extractor()`).
        batch_size: Images per call of the network.
        name: The name under which the value is logged.

    Example:

    >>> fd = FrechetDistance(keras_gan.metrics.digit_feature_extractor(), name="digit_fd")
    >>> x, _ = keras_gan.datasets.load_digits()
    >>> fd.update_state(x[:2000], x[2000:4000])  # real against real: small
    >>> float(fd.result()) < 2.0
    True
    >>> fd.reset_generated_state()  # keeps the real statistics
    >>> fd.update_state(generated_images=-x[2000:4000])  # inverted digits: far
    >>> float(fd.result()) > 100.0
    True

    Reference:
        Heusel et al., "GANs Trained by a Two Time-Scale Update Rule Converge to a Local Nash
        Equilibrium", NeurIPS 2017 (FID).
    """

    def __init__(self, network=None, batch_size=64, name="frechet_distance", **kwargs):
        super().__init__(network, batch_size, name=name, **kwargs)
        self.reset_state()

    def _reset(self, which):
        setattr(self, f"_{which}_stats", [0, 0.0, 0.0])

    def _accumulate(self, which, features):
        stats = getattr(self, f"_{which}_stats")
        stats[0] += len(features)
        stats[1] = stats[1] + features.sum(axis=0)
        stats[2] = stats[2] + features.T @ features

    def _counts(self):
        return self._real_stats[0], self._generated_stats[0]

    def statistics(self, which):
        """Mean and unbiased covariance of the `"real"` or `"generated"` features so far."""
        n, total, outer = getattr(self, f"_{which}_stats")
        mean = total / n
        return mean, (outer - n * np.outer(mean, mean)) / (n - 1)

    def result(self):
        self._check_ready()
        return distances.frechet_distance_from_statistics(*self.statistics("real"), *self.statistics("generated"))


@keras.saving.register_keras_serializable(package="keras_gan")
class KernelDistance(_FeatureDistance):
    """The kernel distance (squared MMD, polynomial kernel) between real and generated features.

    Stores the features (a subset estimator needs the samples) and returns
    `{name: mean, name + "_std": std}` over `num_subsets` subsets, with the
    unbiased estimator of Binkowski et al. (2018).

    Args:
        network: A Keras model mapping images to features.
        num_subsets: Subsets averaged over.
        subset_size: Samples per subset (capped at the smaller side).
        seed: Seed of the subset draws.
        batch_size: Images per call of the network.
        name: The name under which the value is logged.

    Example:

    >>> x, _ = keras_gan.datasets.load_digits()
    >>> kd = KernelDistance(keras_gan.metrics.digit_feature_extractor(), subset_size=500, name="digit_kd")
    >>> kd.update_state(x[:1000], -x[1000:2000])   # real against inverted digits
    >>> float(kd.result()["digit_kd"]) > 0.1
    True

    Reference:
        Binkowski et al., "Demystifying MMD GANs", ICLR 2018 (KID).
    """

    def __init__(self, network=None, num_subsets=100, subset_size=1000, seed=0, batch_size=64,
                 name="kernel_distance", **kwargs):
        super().__init__(network, batch_size, name=name, **kwargs)
        self.num_subsets = check_int(num_subsets, "num_subsets", what="subsets averaged over")
        self.subset_size = check_int(subset_size, "subset_size", minimum=2, what="samples per subset")
        self.seed = check_seed(seed)
        self.reset_state()

    def _reset(self, which):
        setattr(self, f"_{which}_features", [])

    def _accumulate(self, which, features):
        getattr(self, f"_{which}_features").append(features)

    def _counts(self):
        return (sum(len(f) for f in self._real_features), sum(len(f) for f in self._generated_features))

    def result(self):
        self._check_ready()
        mean, std = distances.kernel_distance(
            np.concatenate(self._real_features), np.concatenate(self._generated_features),
            num_subsets=self.num_subsets, subset_size=self.subset_size, seed=self.seed,
        )
        return {self.name: mean, f"{self.name}_std": std}

    def get_config(self):
        return {**super().get_config(), "num_subsets": self.num_subsets, "subset_size": self.subset_size,
                "seed": self.seed}


@keras.saving.register_keras_serializable(package="keras_gan")
class ClassifierScore(_ImageMetric):
    """The Inception Score computed with any classifier: exp(E_x KL(p(y|x) || p(y))).

    High when each sample is classified confidently and the classes are
    varied; at most the number of classes. As in Salimans et al. (2016), the
    samples are split into `splits` groups (sample i into group i mod
    splits, so the statistics stream), and the mean and standard deviation
    over groups are returned as `{name: mean, name + "_std": std}`.

    Args:
        network: A Keras model mapping images to class probabilities (rows
            summing to 1).
        splits: Groups the score is averaged over (10 in the paper).
        batch_size: Images per call of the network.
        name: The name under which the value is logged.

    Example:

    >>> score = ClassifierScore(keras_gan.metrics.load_digit_classifier(), name="digit_score")
    >>> x, _ = keras_gan.datasets.load_digits()
    >>> score.update_state(x[:1000])
    >>> float(score.result()["digit_score"]) > 8.0
    True

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016.
    """

    direction = "max"

    def __init__(self, network=None, splits=10, batch_size=64, name="classifier_score", **kwargs):
        super().__init__(network, batch_size, name=name, **kwargs)
        self.splits = check_int(splits, "splits", what="groups the score is averaged over")
        self.reset_state()

    def reset_state(self):
        self._image_shape = None
        self._seen = 0
        self._count = np.zeros(self.splits)
        self._sum_p = None
        self._sum_p_log_p = np.zeros(self.splits)

    def update_state(self, generated_images, sample_weight=None):
        """Adds a batch of generated images."""
        if sample_weight is not None:
            raise ValueError(f"{type(self).__name__} does not support `sample_weight`.")
        p = self._run(generated_images, "generated_images")
        self.update_probabilities(p)

    def update_probabilities(self, p):
        """Adds precomputed class probabilities `(samples, classes)`."""
        p = np.asarray(p, dtype="float64")
        if p.ndim != 2 or np.any(p < -1e-6) or not np.allclose(p.sum(axis=1), 1.0, atol=1e-3):
            raise ValueError(
                f"{type(self).__name__} needs class probabilities (rows >= 0 summing to 1), shape "
                f"(samples, classes); received shape {p.shape}. Give a classifier with a softmax output."
            )
        p = np.clip(p, 1e-12, 1.0)
        if self._sum_p is None:
            self._sum_p = np.zeros((self.splits, p.shape[1]))
        groups = (self._seen + np.arange(len(p))) % self.splits
        self._seen += len(p)
        np.add.at(self._count, groups, 1)
        np.add.at(self._sum_p, groups, p)
        np.add.at(self._sum_p_log_p, groups, (p * np.log(p)).sum(axis=1))

    def result(self):
        if self._seen < self.splits:
            raise ValueError(
                f"{type(self).__name__} has {self._seen} samples for {self.splits} splits; add at least "
                "one per split (thousands for a meaningful score)."
            )
        marginal = self._sum_p / self._count[:, None]
        kl = self._sum_p_log_p / self._count - (marginal * np.log(marginal)).sum(axis=1)
        scores = np.exp(kl)
        return {self.name: float(scores.mean()), f"{self.name}_std": float(scores.std())}

    def get_config(self):
        return {**super().get_config(), "splits": self.splits}


class _InceptionDefault:
    """Builds InceptionV3 (with preprocessing) when the first images arrive."""

    include_top = False

    def _init_inception(self, weights, value_range):
        from keras_gan.metrics.inception import check_weights

        self.weights = check_weights(weights)
        self.value_range = check_value_range(value_range)

    def default_network(self, image_shape):
        from keras_gan.metrics.inception import shared_inception_v3

        self._default_built = True
        return shared_inception_v3(tuple(image_shape), self.weights, self.value_range, self.include_top)

    def get_config(self):
        config = super().get_config()
        return {**config, "weights": self.weights, "value_range": self.value_range}


@keras.saving.register_keras_serializable(package="keras_gan")
class FrechetInceptionDistance(_InceptionDefault, FrechetDistance):
    """FID (Heusel et al., 2017): the Frechet distance between InceptionV3 pool features.

    Args:
        network: None (InceptionV3, 2048 average-pooled features, built on
            the first batch), or any Keras model mapping images to features.
        weights: InceptionV3's weights: `"imagenet"` (Keras downloads them
            once), a local `.h5` path (offline), or None (random: tests only).
        value_range: The images' `(min, max)`: `(-1, 1)` for a tanh
            generator. Images are resized to 299x299 and grayscale repeated to RGB.
        batch_size: Images per call of the network.
        name: Logged as `"fid"`.

    Example:

    With a stand-in feature network (no download), the distance grows as
    the generated images move away from the real ones:

    >>> x = np.random.default_rng(0).uniform(-1, 1, (400, 4, 4, 1)).astype("float32")
    >>> features = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten()])
    >>> fid = keras_gan.metrics.FrechetInceptionDistance(network=features)
    >>> fid.update_state(x[:200], x[200:])
    >>> near = float(fid.result())
    >>> fid.reset_generated_state()  # keeps the real statistics
    >>> fid.update_state(generated_images=0.5 * x[200:])
    >>> near < float(fid.result())
    True

    With InceptionV3:

    ```python
    fid = keras_gan.metrics.FrechetInceptionDistance()  # needs the ImageNet weights
    fid.update_state(real_images, gan.generate(1000))
    print(float(fid.result()))
    ```

    Reference:
        Heusel et al., "GANs Trained by a Two Time-Scale Update Rule Converge to a Local Nash
        Equilibrium", NeurIPS 2017 (FID).
        Szegedy et al., "Rethinking the Inception Architecture for Computer Vision", CVPR 2016.
    """

    def __init__(self, network=None, weights="imagenet", value_range=(-1.0, 1.0), batch_size=64, name="fid",
                 **kwargs):
        self._init_inception(weights, value_range)
        super().__init__(network, batch_size=batch_size, name=name, **kwargs)


@keras.saving.register_keras_serializable(package="keras_gan")
class KernelInceptionDistance(_InceptionDefault, KernelDistance):
    """KID (Binkowski et al., 2018): the kernel distance between InceptionV3 pool features.

    Returns `{"kid": mean, "kid_std": std}` over subsets. Arguments as in
    `FrechetInceptionDistance`, plus `num_subsets`, `subset_size` and `seed`
    of `KernelDistance`.

    Args:
        network: None (InceptionV3, 2048 pool features), or any Keras model
            mapping images to features.
        weights: InceptionV3's weights: `"imagenet"`, a local `.h5` path, or None.
        value_range: The images' `(min, max)`.
        num_subsets: Number of random subsets the estimate is averaged over.
        subset_size: Samples per subset (capped at the number available).
        seed: Seed of the subset draws.
        batch_size: Images per call of the network.
        name: Logged as `"kid"` (and `"kid_std"`).

    Example:

    With a stand-in feature network (no download):

    >>> x = np.random.default_rng(0).uniform(-1, 1, (400, 4, 4, 1)).astype("float32")
    >>> features = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten()])
    >>> kid = keras_gan.metrics.KernelInceptionDistance(network=features, num_subsets=10, subset_size=100)
    >>> kid.update_state(x[:200], 0.5 * x[200:])
    >>> sorted(kid.result())
    ['kid', 'kid_std']

    With InceptionV3:

    ```python
    kid = keras_gan.metrics.KernelInceptionDistance()          # downloads InceptionV3 once
    kid.update_state(real_images, gan.generate(len(real_images)))
    kid.result()   # {"kid": mean, "kid_std": std}
    ```

    Reference:
        Binkowski et al., "Demystifying MMD GANs", ICLR 2018 (KID).
        Szegedy et al., "Rethinking the Inception Architecture for Computer Vision", CVPR 2016.
    """

    def __init__(self, network=None, weights="imagenet", value_range=(-1.0, 1.0), num_subsets=100,
                 subset_size=1000, seed=0, batch_size=64, name="kid", **kwargs):
        self._init_inception(weights, value_range)
        super().__init__(network, num_subsets=num_subsets, subset_size=subset_size, seed=seed,
                         batch_size=batch_size, name=name, **kwargs)


@keras.saving.register_keras_serializable(package="keras_gan")
class InceptionScore(_InceptionDefault, ClassifierScore):
    """The Inception Score (Salimans et al., 2016) with InceptionV3's ImageNet classifier.

    Returns `{"inception_score": mean, "inception_score_std": std}` over
    `splits` groups. Arguments as in `FrechetInceptionDistance`; `network`
    must output class probabilities.

    Args:
        network: None (InceptionV3 with its ImageNet classifier), or any Keras
            model mapping images to class probabilities.
        weights: InceptionV3's weights: `"imagenet"`, a local `.h5` path, or None.
        value_range: The images' `(min, max)`.
        splits: Number of groups the score is averaged over (10, as the paper).
        batch_size: Images per call of the network.
        name: Logged as `"inception_score"`.

    Example:

    With a stand-in classifier of 10 classes (no download), the score lies
    between 1 and 10:

    >>> x = np.random.default_rng(0).uniform(-1, 1, (400, 4, 4, 1)).astype("float32")
    >>> classifier = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(),
    ...                                keras.layers.Dense(10, activation="softmax")])
    >>> score = keras_gan.metrics.InceptionScore(network=classifier, splits=2)
    >>> score.update_state(generated_images=x)
    >>> result = score.result()
    >>> sorted(result), bool(1.0 <= result["inception_score"] <= 10.0)
    (['inception_score', 'inception_score_std'], True)

    With InceptionV3:

    ```python
    inception_score = keras_gan.metrics.InceptionScore()      # downloads InceptionV3 once
    inception_score.update_state(generated_images=gan.generate(5000))
    inception_score.result()   # {"inception_score": mean, "inception_score_std": std}
    ```

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016.
        Szegedy et al., "Rethinking the Inception Architecture for Computer Vision", CVPR 2016.
    """

    requirements = (
        Requirement("inception_probabilities", "`network` must output class probabilities", "construction",
                    enforced_by="ClassifierScore.update_probabilities (every update)"),
    )

    include_top = True

    def __init__(self, network=None, weights="imagenet", value_range=(-1.0, 1.0), splits=10, batch_size=64,
                 name="inception_score", **kwargs):
        self._init_inception(weights, value_range)
        super().__init__(network, splits=splits, batch_size=batch_size, name=name, **kwargs)


@keras.saving.register_keras_serializable(package="keras_gan")
class DigitFrechetDistance(FrechetDistance):
    """The Frechet distance on the shipped digit classifier's 128 features (offline FID for 28x28 digits).

    Images must be `(n, 28, 28, 1)` in [-1, 1].

    Args:
        batch_size: Images per call of the classifier.
        name: Logged under this name (`"digit_fd"`).

    Example:

    >>> x, _ = keras_gan.datasets.load_digits()
    >>> fd = DigitFrechetDistance()
    >>> fd.update_state(x[:1000], x[1000:2000])
    >>> float(fd.result()) < 5.0   # two sets of real digits
    True

    Reference:
        Heusel et al., "GANs Trained by a Two Time-Scale Update Rule Converge to a Local Nash
        Equilibrium", NeurIPS 2017 (FID).
    """

    requirements = (
        Requirement("digit_image_shape", "Images must be `(n, 28, 28, 1)` in [-1, 1]", "fit",
                    enforced_by="_ImageMetric._check_images (shape and expected_range); Evaluate runs it "
                    "in on_train_begin"),
    )

    def __init__(self, batch_size=256, name="digit_fd", **kwargs):
        from keras_gan.metrics.digit_classifier import digit_feature_extractor

        kwargs.pop("network", None)
        super().__init__(digit_feature_extractor(), batch_size=batch_size, name=name, **kwargs)
        self._default_built = True

    expected_range = (-1.0, 1.0)


@keras.saving.register_keras_serializable(package="keras_gan")
class DigitClassifierScore(ClassifierScore):
    """The Inception Score computed with the shipped digit classifier (at most 10; real digits score about 9).

    Images must be `(n, 28, 28, 1)` in [-1, 1]. Returns
    `{"digit_score": mean, "digit_score_std": std}`.

    Args:
        splits: Number of groups the score is averaged over.
        batch_size: Images per call of the classifier.
        name: Logged under this name (`"digit_score"`).

    Example:

    >>> x, _ = keras_gan.datasets.load_digits()
    >>> score = DigitClassifierScore()
    >>> score.update_state(generated_images=x[:1000])
    >>> float(score.result()["digit_score"]) > 8.0   # at most 10; real digits about 9
    True

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016.
    """

    requirements = (
        Requirement("digit_image_shape_score", "Images must be `(n, 28, 28, 1)` in [-1, 1]", "fit",
                    enforced_by="_ImageMetric._check_images (shape and expected_range); Evaluate runs it "
                    "in on_train_begin"),
    )

    def __init__(self, splits=10, batch_size=256, name="digit_score", **kwargs):
        from keras_gan.metrics.digit_classifier import load_digit_classifier

        kwargs.pop("network", None)
        super().__init__(load_digit_classifier(), splits=splits, batch_size=batch_size, name=name, **kwargs)
        self._default_built = True

    expected_range = (-1.0, 1.0)


def _check_key(value, argument):
    """`value` if it is a non-empty string: the name a figure is logged under."""
    if not isinstance(value, str):
        raise TypeError(f"`{argument}` must be a string, the name the figure is logged under. "
                        f"{received(argument, value)}")
    if not value:
        raise ValueError(f"`{argument}` must be a non-empty string, the name the figure is logged under. "
                         f"{received(argument, value)}")
    return value


class _NearestNeighbourMetric(_FeatureDistance):
    """Keeps the features of both sides; its figures count samples in k-nearest-neighbour balls (higher is better).

    Subclasses set `figures` (the two figures of `keras_gan.metrics.prdc`, in
    the order of the keys `name` and `second_key`) and `fake_balls` (whether
    balls around generated samples are used: recall).
    """

    direction = "max"

    figures = ()
    fake_balls = False

    def __init__(self, network, k, block_size, batch_size, name, second_key, second_argument, **kwargs):
        super().__init__(network, batch_size, name=name, **kwargs)
        self._radii = {}
        self.k = check_int(k, "k", what="the neighbour whose distance is a sample's radius")
        self.block_size = check_int(block_size, "block_size", what="samples per block of the distance computation")
        self.second_key = _check_key(second_key, second_argument)
        if self.second_key == self.name:
            raise ValueError(f"`{second_argument}` must differ from `name` ({self.name!r}): the two figures are "
                             f"logged under these two names. {received(second_argument, second_key)}")
        self.reset_state()

    def _reset(self, which):
        setattr(self, f"_{which}_features", [])
        self._radii[which] = None

    def _accumulate(self, which, features):
        getattr(self, f"_{which}_features").append(features)
        self._radii[which] = None  # the balls change with every new sample

    def _counts(self):
        return (sum(len(f) for f in self._real_features), sum(len(f) for f in self._generated_features))

    def _check_ready(self):
        real, generated = self._counts()
        fewest_generated = self.k + 1 if self.fake_balls else 1
        if real <= self.k or generated < fewest_generated:
            raise ValueError(
                f"{type(self).__name__} has {real} real and {generated} generated samples; with k={self.k} it "
                f"needs at least {self.k + 1} real and {fewest_generated} generated ones (thousands for a "
                "meaningful estimate). Call update_state with more samples, or pass a smaller k."
            )

    def _side(self, which):
        """All features of one side as one float64 array (the batches are joined once, then kept joined)."""
        batches = getattr(self, f"_{which}_features")
        if len(batches) != 1 or not batches[0].flags.c_contiguous:
            batches[:] = [np.ascontiguousarray(np.concatenate(batches))]
        features = batches[0]
        if not np.all(np.isfinite(features)):
            raise ValueError(f"{type(self).__name__}: the {which} features contain NaN or Inf values; check the "
                             "network's outputs (or the features given to update_features).")
        return features

    def _squared_radii(self, which):
        """The squared k-nearest-neighbour radii of one side, kept until that side changes."""
        if self._radii[which] is None:
            self._radii[which] = prdc._squared_radii(self._side(which), self.k, self.block_size)
        return self._radii[which]

    def result(self):
        self._check_ready()
        counts = prdc._manifold_counts(
            self._side("real"), self._side("generated"), self._squared_radii("real"),
            self._squared_radii("generated") if self.fake_balls else None, self.block_size, self.figures,
        )
        values = prdc._figures(counts, self.k)
        return {self.name: values[self.figures[0]], self.second_key: values[self.figures[1]]}

    def get_config(self):
        return {**super().get_config(), "k": self.k, "block_size": self.block_size}


class _PrecisionRecallBase(_NearestNeighbourMetric):
    figures = ("precision", "recall")
    fake_balls = True

    def __init__(self, network=None, k=3, block_size=1024, batch_size=64, name="precision", recall_name="recall",
                 **kwargs):
        super().__init__(network, k, block_size, batch_size, name, recall_name, "recall_name", **kwargs)

    @property
    def recall_name(self):
        return self.second_key

    def get_config(self):
        return {**super().get_config(), "recall_name": self.second_key}


class _DensityCoverageBase(_NearestNeighbourMetric):
    figures = ("density", "coverage")

    def __init__(self, network=None, k=5, block_size=1024, batch_size=64, name="density",
                 coverage_name="coverage", **kwargs):
        super().__init__(network, k, block_size, batch_size, name, coverage_name, "coverage_name", **kwargs)

    @property
    def coverage_name(self):
        return self.second_key

    def get_config(self):
        return {**super().get_config(), "coverage_name": self.second_key}


@keras.saving.register_keras_serializable(package="keras_gan")
class PrecisionRecall(_InceptionDefault, _PrecisionRecallBase):
    """Improved precision and recall (Kynkaanniemi et al., 2019) of generated images, streamed over batches.

    Keeps the features of the real and generated images and returns
    `{name: precision, recall_name: recall}` (`{"precision": ..., "recall":
    ...}` by default), computed by `keras_gan.metrics.precision_recall`:
    precision is the fraction of generated samples inside the real
    manifold (fidelity), recall the fraction of real samples inside the
    generated manifold (diversity), each manifold a union of balls whose
    radii are k-nearest-neighbour distances. Both are in [0, 1], higher is
    better. The real side's radii are kept while only the generated side
    changes, so `keras_gan.callbacks.Evaluate` computes them once.

    Args:
        network: None (InceptionV3, 2048 average-pooled features, built on
            the first batch), or any Keras model mapping images to features,
            e.g. `keras_gan.metrics.digit_feature_extractor()`.
        k: The nearest neighbour that sets the radii (3 in the paper); at
            least `k + 1` real and `k + 1` generated samples are scored.
        weights: InceptionV3's weights: `"imagenet"` (Keras downloads them
            once), a local `.h5` path (offline), or None (random: tests only).
        value_range: The images' `(min, max)`, for InceptionV3.
        block_size: Samples per block of the distance computation.
        batch_size: Images per call of the network.
        name: The name the precision is logged under (and the metric's name).
        recall_name: The name the recall is logged under.

    Example:

    With a stand-in feature network (no download), the streamed figures are
    those of `precision_recall` on all the features:

    >>> x = np.random.default_rng(0).uniform(-1, 1, (600, 4, 4, 1)).astype("float32")
    >>> features = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten()])
    >>> pr = keras_gan.metrics.PrecisionRecall(network=features, k=3)
    >>> pr.update_state(x[:150], 0.5 * x[300:450])
    >>> pr.update_state(x[150:300], 0.5 * x[450:])
    >>> result = pr.result()
    >>> result == keras_gan.metrics.precision_recall(x[:300].reshape(300, -1), 0.5 * x[300:].reshape(300, -1), k=3)
    True
    >>> sorted(result), bool(result["precision"] > result["recall"])  # shrunk samples: faithful, not diverse
    (['precision', 'recall'], True)

    With InceptionV3:

    ```python
    pr = keras_gan.metrics.PrecisionRecall()               # downloads InceptionV3 once
    pr.update_state(real_images, gan.generate(len(real_images)))
    pr.result()   # {"precision": ..., "recall": ...}
    ```

    Reference:
        Kynkaanniemi et al., "Improved Precision and Recall Metric for Assessing Generative Models",
        NeurIPS 2019.
        Szegedy et al., "Rethinking the Inception Architecture for Computer Vision", CVPR 2016.
    """

    def __init__(self, network=None, k=3, weights="imagenet", value_range=(-1.0, 1.0), block_size=1024, batch_size=64,
                 name="precision", recall_name="recall", **kwargs):
        self._init_inception(weights, value_range)
        super().__init__(network, k=k, block_size=block_size, batch_size=batch_size, name=name,
                         recall_name=recall_name, **kwargs)


@keras.saving.register_keras_serializable(package="keras_gan")
class DensityCoverage(_InceptionDefault, _DensityCoverageBase):
    """Density and coverage (Naeem et al., 2020) of generated images, streamed over batches.

    Keeps the features of the real and generated images and returns
    `{name: density, coverage_name: coverage}` (`{"density": ...,
    "coverage": ...}` by default), computed by
    `keras_gan.metrics.density_coverage`: density counts how many real
    k-nearest-neighbour balls hold each generated sample, divided by k
    (about 1 when generated and real images are alike; fidelity), and
    coverage is the fraction of real balls holding a generated sample
    (diversity; about 1 - 2^-k for alike sets of equal size). Higher is
    better for both. The real side's radii are kept while only the
    generated side changes.

    Args:
        network: None (InceptionV3, 2048 average-pooled features, built on
            the first batch), or any Keras model mapping images to features,
            e.g. `keras_gan.metrics.digit_feature_extractor()`.
        k: The nearest neighbour that sets the radii (5 in the paper); at
            least `k + 1` real samples are scored.
        weights: InceptionV3's weights: `"imagenet"`, a local `.h5` path, or None.
        value_range: The images' `(min, max)`, for InceptionV3.
        block_size: Samples per block of the distance computation.
        batch_size: Images per call of the network.
        name: The name the density is logged under (and the metric's name).
        coverage_name: The name the coverage is logged under.

    Example:

    With a stand-in feature network (no download):

    >>> x = np.random.default_rng(0).uniform(-1, 1, (600, 4, 4, 1)).astype("float32")
    >>> features = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten()])
    >>> dc = keras_gan.metrics.DensityCoverage(network=features, k=5)
    >>> dc.update_state(x[:300], x[300:])
    >>> alike = dc.result()
    >>> dc.reset_generated_state()  # keeps the real features and their radii
    >>> dc.update_state(generated_images=np.repeat(x[:3], 100, axis=0))  # three real images, repeated
    >>> collapsed = dc.result()
    >>> bool(collapsed["coverage"] < 0.1 < 0.8 < alike["coverage"])
    True

    With InceptionV3:

    ```python
    dc = keras_gan.metrics.DensityCoverage()               # downloads InceptionV3 once
    dc.update_state(real_images, gan.generate(len(real_images)))
    dc.result()   # {"density": ..., "coverage": ...}
    ```

    Reference:
        Naeem et al., "Reliable Fidelity and Diversity Metrics for Generative Models", ICML 2020.
        Szegedy et al., "Rethinking the Inception Architecture for Computer Vision", CVPR 2016.
    """

    def __init__(self, network=None, k=5, weights="imagenet", value_range=(-1.0, 1.0), block_size=1024, batch_size=64,
                 name="density", coverage_name="coverage", **kwargs):
        self._init_inception(weights, value_range)
        super().__init__(network, k=k, block_size=block_size, batch_size=batch_size, name=name,
                         coverage_name=coverage_name, **kwargs)


@keras.saving.register_keras_serializable(package="keras_gan")
class DigitPrecisionRecall(_PrecisionRecallBase):
    """Improved precision and recall on the shipped digit classifier's 128 features (offline, 28x28 digits).

    Images are `(n, 28, 28, 1)` in [-1, 1]; others are refused before the
    classifier runs. Returns `{"digit_precision": ..., "digit_recall": ...}`.

    Args:
        k: The nearest neighbour that sets the radii.
        block_size: Samples per block of the distance computation.
        batch_size: Images per call of the classifier.
        name: The name the precision is logged under (`"digit_precision"`).
        recall_name: The name the recall is logged under (`"digit_recall"`).

    Example:

    >>> x, _ = keras_gan.datasets.load_digits()
    >>> pr = DigitPrecisionRecall()
    >>> pr.update_state(x[:500], x[500:1000])   # two sets of real digits
    >>> real = pr.result()
    >>> pr.reset_generated_state()
    >>> pr.update_state(generated_images=np.repeat(x[1000:1010], 50, axis=0))  # ten digits, repeated
    >>> bool(pr.result()["digit_recall"] < 0.1 < 0.5 < real["digit_recall"])
    True

    Reference:
        Kynkaanniemi et al., "Improved Precision and Recall Metric for Assessing Generative Models",
        NeurIPS 2019.
    """

    def __init__(self, k=3, block_size=1024, batch_size=256, name="digit_precision", recall_name="digit_recall",
                 **kwargs):
        from keras_gan.metrics.digit_classifier import digit_feature_extractor

        kwargs.pop("network", None)
        super().__init__(digit_feature_extractor(), k=k, block_size=block_size, batch_size=batch_size, name=name,
                         recall_name=recall_name, **kwargs)
        self._default_built = True

    expected_range = (-1.0, 1.0)


@keras.saving.register_keras_serializable(package="keras_gan")
class DigitDensityCoverage(_DensityCoverageBase):
    """Density and coverage on the shipped digit classifier's 128 features (offline, 28x28 digits).

    Images are `(n, 28, 28, 1)` in [-1, 1]; others are refused before the
    classifier runs. Returns `{"digit_density": ..., "digit_coverage": ...}`.

    Args:
        k: The nearest neighbour that sets the radii.
        block_size: Samples per block of the distance computation.
        batch_size: Images per call of the classifier.
        name: The name the density is logged under (`"digit_density"`).
        coverage_name: The name the coverage is logged under (`"digit_coverage"`).

    Example:

    >>> x, _ = keras_gan.datasets.load_digits()
    >>> dc = DigitDensityCoverage()
    >>> dc.update_state(x[:1000], x[1000:2000])   # two sets of real digits
    >>> real = dc.result()
    >>> bool(abs(real["digit_density"] - 1.0) < 0.3 and real["digit_coverage"] > 0.9)
    True

    Reference:
        Naeem et al., "Reliable Fidelity and Diversity Metrics for Generative Models", ICML 2020.
    """

    def __init__(self, k=5, block_size=1024, batch_size=256, name="digit_density", coverage_name="digit_coverage",
                 **kwargs):
        from keras_gan.metrics.digit_classifier import digit_feature_extractor

        kwargs.pop("network", None)
        super().__init__(digit_feature_extractor(), k=k, block_size=block_size, batch_size=batch_size, name=name,
                         coverage_name=coverage_name, **kwargs)
        self._default_built = True

    expected_range = (-1.0, 1.0)


METRICS = {
    "fid": FrechetInceptionDistance,
    "kid": KernelInceptionDistance,
    "inception_score": InceptionScore,
    "digit_fd": DigitFrechetDistance,
    "digit_score": DigitClassifierScore,
    "precision_recall": PrecisionRecall,
    "density_coverage": DensityCoverage,
    "digit_precision_recall": DigitPrecisionRecall,
    "digit_density_coverage": DigitDensityCoverage,
}


def get(identifier):
    """A sample-quality metric from its name (`"fid"`, `"kid"`, `"inception_score"`, `"digit_fd"`,
    `"digit_score"`, `"precision_recall"`, `"density_coverage"`, ...) or an instance.

    Args:
        identifier: `"fid"`, `"kid"`, `"inception_score"`, `"digit_fd"`,
            `"digit_score"`, `"precision_recall"`, `"density_coverage"`,
            `"digit_precision_recall"`, `"digit_density_coverage"`, or a
            `keras.metrics.Metric` instance (returned as is).

    Returns:
        A metric instance.

    Example:

    >>> get("digit_fd").name
    'digit_fd'
    """
    if isinstance(identifier, keras.metrics.Metric):
        return identifier
    if not isinstance(identifier, str):
        raise TypeError(
            f"A sample-quality metric is a name ({', '.join(repr(m) for m in sorted(METRICS))}) or a "
            f"keras.metrics.Metric instance; received {describe(identifier)}."
        )
    if isinstance(identifier, str):
        key = identifier.lower().replace("-", "_")
        key = {"is": "inception_score"}.get(key, key)
        if key in METRICS:
            return METRICS[key]()
    raise ValueError(
        f"Unknown sample-quality metric {identifier!r}. Use one of {sorted(METRICS)} or pass a metric "
        "instance such as keras_gan.metrics.FrechetDistance(your_feature_extractor)."
    )
