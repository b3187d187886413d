"""SelfConditionedGAN: k-means clusters of the data are the labels both players see (Liu et al., 2020)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan.models.self_conditioned import kmeans, match_clusters
from keras_gan.networks import conditional as nets

SHAPE = (4, 4, 1)
CENTRES = (-0.8, 0.0, 0.8)


def make(seed=0, k=3, **kwargs):
    keras.utils.set_random_seed(seed)
    return keras_gan.models.SelfConditionedGAN(
        nets.conditional_mlp_generator(3, k, SHAPE, hidden=8), nets.conditional_mlp_discriminator(SHAPE, k, hidden=8),
        latent_dim=3, num_clusters=k, seed=seed, **kwargs)


def blobs(counts=(30, 20, 10), seed=0):
    """Samples around 3 constant images (-0.8, 0, 0.8), `counts` of each, shuffled; and their blob."""
    rng = np.random.default_rng(seed)
    blob = np.repeat(np.arange(3), counts)
    x = np.asarray(CENTRES, "float32")[blob][:, None, None, None] + rng.normal(0, 0.05, (len(blob),) + SHAPE)
    order = rng.permutation(len(blob))
    return x[order].astype("float32"), blob[order]


def same_partition(a, b):
    """Whether two labellings split the samples the same way (up to renaming)."""
    return len(set(zip(a.tolist(), b.tolist()))) == len(set(a.tolist())) == len(set(b.tolist()))


# ---------------------------------------------------------------------- the clustering


def test_kmeans_recovers_separated_blobs():
    x, blob = blobs()
    centroids, labels = kmeans(x.reshape(len(x), -1), 3, seed=0)
    assert same_partition(labels, blob)
    # Each centroid is its cluster's mean.
    for c in range(3):
        np.testing.assert_allclose(centroids[c], x.reshape(len(x), -1)[labels == c].mean(0), atol=1e-6)


def test_match_clusters_undoes_a_renaming():
    previous = np.array([0, 0, 1, 1, 2, 2, 2])
    renamed = np.array([2, 2, 0, 0, 1, 1, 1])
    mapping = match_clusters(previous, renamed, 3)
    np.testing.assert_array_equal(mapping[renamed], previous)
    # With a disagreement, each new cluster takes the old label it overlaps most.
    mapping = match_clusters(np.array([0, 0, 0, 1, 1, 2]), np.array([1, 1, 0, 0, 0, 2]), 3)
    assert mapping.tolist() == [1, 0, 2]


def test_fit_clusters_sets_centroids_and_frequencies():
    gan = make()
    assert not gan.clustered
    x, blob = blobs(counts=(30, 20, 10))
    labels = gan.fit_clusters(x)
    assert gan.clustered and same_partition(labels, blob)
    prior = keras.ops.convert_to_numpy(gan.cluster_prior)
    np.testing.assert_allclose(sorted(prior), [10 / 60, 20 / 60, 30 / 60], atol=1e-6)
    centroids = keras.ops.convert_to_numpy(gan.cluster_centroids)
    for c in range(3):
        np.testing.assert_allclose(centroids[c], x.reshape(60, -1)[labels == c].mean(0), atol=1e-5)


def test_reclustering_keeps_each_clusters_label():
    gan = make()
    x, _ = blobs()
    first = gan.fit_clusters(x)
    for seed in (4, 5):  # k-means seeded so name the clusters differently; the matching undoes it
        assert not np.array_equal(kmeans(x.reshape(len(x), -1), 3, seed=seed)[1], first)  # the control
        gan.seed = seed
        np.testing.assert_array_equal(gan.fit_clusters(x), first)


def test_each_real_sample_is_labelled_with_its_nearest_centroid():
    gan = make()
    gan.cluster_centroids.assign(np.stack([np.full(16, c, "float32") for c in (0.5, -0.5, 0.0)]))
    x = np.stack([np.full(SHAPE, v, "float32") for v in (0.45, -0.3, 0.1, -0.05, 0.3)])
    expected = [0, 1, 2, 2, 0]  # by hand: nearest of 0.5 / -0.5 / 0.0
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(gan.assign_clusters(x)), expected)
    step = gan.prepare_step((keras.ops.convert_to_tensor(x),), training=True)
    np.testing.assert_array_equal(np.argmax(keras.ops.convert_to_numpy(step.labels), 1), expected)


def test_generate_draws_clusters_from_their_frequencies():
    gan = make()
    gan.cluster_prior.assign(np.array([0.7, 0.3, 0.0], "float32"))
    drawn = gan.draw_clusters(4000, seed=0)
    shares = np.bincount(drawn, minlength=3) / 4000
    np.testing.assert_allclose(shares, [0.7, 0.3, 0.0], atol=0.03)
    # generate(n) uses those draws: the same samples as asking for the drawn clusters.
    np.testing.assert_allclose(gan.generate(8, seed=5), gan.generate(8, labels=gan.draw_clusters(8, 5), seed=5))


# ---------------------------------------------------------------------- fit


def test_fit_clusters_the_data_then_trains_on_the_clusters():
    x, blob = blobs()
    gan = make()
    gan.compile()
    seen = []
    original = gan.prepare_step

    def spy(data, training):
        step = original(data, training)
        seen.append(step.labels)
        return step

    gan.prepare_step = spy
    gan.fit(x, batch_size=20, epochs=1, verbose=0, shuffle=False)
    assert gan.clustered
    labels = keras.ops.convert_to_numpy(gan.assign_clusters(x))
    assert same_partition(labels, blob)
    assert seen and seen[0].shape == (20, 3)


def test_fit_clusters_a_tf_data_dataset():
    x, blob = blobs()
    gan = make()
    gan.compile()
    gan.fit(tf.data.Dataset.from_tensor_slices(x).batch(20), epochs=1, verbose=0)
    assert same_partition(keras.ops.convert_to_numpy(gan.assign_clusters(x)), blob)


def test_a_stream_too_short_to_cluster_is_refused_before_any_step():
    x, _ = blobs()

    def batches():
        while True:
            yield x[:4]

    gan = make()
    gan.compile()
    message = r"could read 4 samples from a Python generator \(at least 12 = 4 x num_clusters needed\)\. Call `gan.fit"
    with pytest.raises(ValueError, match=message):
        gan.fit(batches(), steps_per_epoch=2, epochs=1, verbose=0)
    assert int(keras.ops.convert_to_numpy(gan.d_optimizer.iterations)) == 0
    gan.fit_clusters(x)  # clustered first: the stream trains
    gan.fit(batches(), steps_per_epoch=2, epochs=1, verbose=0)
    assert int(keras.ops.convert_to_numpy(gan.d_optimizer.iterations)) == 2


def test_discriminator_features_are_reclustered_during_fit():
    keras.utils.set_random_seed(0)
    d = nets.conditional_dcgan_discriminator((8, 8, 1), 3, width=2, name="cd")
    gan = keras_gan.models.SelfConditionedGAN(nets.conditional_dcgan_generator((8, 8, 1), 3, 3, width=2), d,
                                              latent_dim=3, num_clusters=3, seed=0, features="cd_features",
                                              recluster_every=1)
    gan.compile()
    calls = []
    original = gan.fit_clusters
    gan.fit_clusters = lambda x: calls.append(len(x)) or original(x)
    x = np.random.default_rng(0).uniform(-1, 1, (24, 8, 8, 1)).astype("float32")
    gan.fit(x, batch_size=8, epochs=2, verbose=0)
    assert calls == [24, 24, 24]  # before the first step, then after each epoch
    features = keras.ops.convert_to_numpy(gan.cluster_features(x))
    assert features.shape == (24, keras.ops.shape(gan.cluster_centroids)[1])


def test_bad_arguments_are_refused_with_the_value():
    with pytest.raises(ValueError, match=r"names no layer of the discriminator: 'nope'"):
        make(features="nope")
    with pytest.raises(ValueError, match=r"`recluster_every` must be a positive int or None. Received: 0"):
        make(recluster_every=0)
    with pytest.raises(ValueError, match=r"`num_clusters` must be an int >= 2. Received: num_clusters=1"):
        make(k=1)
    # generate's arguments get GAN.generate's messages (the clusters are drawn only after those checks).
    gan = make()
    with pytest.raises(TypeError, match=r"`n_or_z` must be a positive int .* received the float 2.5"):
        gan.generate(2.5)
    with pytest.raises(TypeError, match=r"`seed` must be an int or None; received the string 'x'"):
        gan.generate(3, seed="x")


def test_saved_and_loaded_with_its_clusters(tmp_path):
    x, _ = blobs()
    gan = make()
    gan.compile()
    gan.fit(x, batch_size=20, epochs=1, verbose=0)
    gan.save(tmp_path / "sc.keras")
    loaded = keras.saving.load_model(tmp_path / "sc.keras")
    assert isinstance(loaded, keras_gan.models.SelfConditionedGAN) and loaded.num_clusters == 3
    for name in ("cluster_centroids", "cluster_prior"):
        np.testing.assert_allclose(keras.ops.convert_to_numpy(getattr(loaded, name)),
                                   keras.ops.convert_to_numpy(getattr(gan, name)))
    np.testing.assert_allclose(loaded.generate(6, seed=1), gan.generate(6, seed=1), atol=1e-6)
