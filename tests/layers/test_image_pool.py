"""ImagePool against the CycleGAN buffer semantics."""

import keras
import numpy as np
import pytest

from keras_gan.layers import ImagePool


def _batch(start, n=4):
    return np.arange(start, start + n, dtype="float32").reshape(n, 1, 1, 1) * np.ones((n, 2, 2, 1), "float32")


def _ids(images):
    return np.asarray(images)[:, 0, 0, 0].astype(int).tolist()


def test_pool_fills_then_passes_through():
    pool = ImagePool(pool_size=6, seed=0)
    out = keras.ops.convert_to_numpy(pool(_batch(0), training=True))
    assert _ids(out) == [0, 1, 2, 3]
    assert int(pool.count) == 4
    assert _ids(keras.ops.convert_to_numpy(pool.images))[:4] == [0, 1, 2, 3]


def test_full_pool_swaps_about_half_and_returns_stored_images():
    pool = ImagePool(pool_size=8, seed=1)
    pool(_batch(0, 8), training=True)  # full: 0..7
    swapped = passed = 0
    for step in range(50):
        new = _batch(100 + 4 * step)
        before = set(_ids(keras.ops.convert_to_numpy(pool.images)))
        out = _ids(keras.ops.convert_to_numpy(pool(new, training=True)))
        after = set(_ids(keras.ops.convert_to_numpy(pool.images)))
        for returned, fresh in zip(out, _ids(new)):
            if returned == fresh:
                passed += 1
            else:
                swapped += 1
                assert returned in before and returned not in after  # it left the pool
                assert fresh in after  # and the new image took its place
        assert len(after) == 8
    assert 0.35 < swapped / (swapped + passed) < 0.65


def test_pool_is_inert_at_inference_and_when_disabled():
    pool = ImagePool(pool_size=4, seed=0)
    x = _batch(5)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(pool(x, training=False)), x)
    assert int(pool.count) == 0
    off = ImagePool(pool_size=0)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(off(x, training=True)), x)


def test_pool_state_is_saved_with_a_model(tmp_path):
    inputs = keras.Input((2, 2, 1))
    pool = ImagePool(pool_size=5, seed=0)
    model = keras.Model(inputs, pool(inputs))
    pool(_batch(10, 3), training=True)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    restored = loaded.layers[-1]
    assert int(restored.count) == 3
    assert _ids(keras.ops.convert_to_numpy(restored.images))[:3] == [10, 11, 12]


def test_negative_pool_size_is_refused():
    with pytest.raises(ValueError, match="pool_size"):
        ImagePool(-1)


def test_pool_random_stream_resumes_after_loading(tmp_path):
    inputs = keras.Input((2, 2, 1))
    pool = ImagePool(pool_size=4, seed=0)
    model = keras.Model(inputs, pool(inputs))
    pool(_batch(0), training=True)
    pool(_batch(10), training=True)
    model.save(tmp_path / "m.keras")
    restored = keras.models.load_model(tmp_path / "m.keras").layers[-1]
    for step in range(5):
        x = _batch(100 + 4 * step)
        np.testing.assert_array_equal(
            keras.ops.convert_to_numpy(pool(x, training=True)),
            keras.ops.convert_to_numpy(restored(x, training=True)),
        )


def test_default_pool_holds_fifty_images_as_in_the_cyclegan_paper():
    """Zhu et al. 2017, section 4: a buffer of the 50 previously generated images."""
    pool = ImagePool(seed=0)
    pool.build((None, 2, 2, 1))
    assert pool.pool_size == 50
    assert tuple(pool.images.shape) == (50, 2, 2, 1) and pool.images.dtype == "float32"
    assert tuple(pool.count.shape) == () and pool.count.dtype == "int32"
    assert {k: pool.get_config()[k] for k in ("pool_size", "seed")} == {"pool_size": 50, "seed": 0}


@pytest.mark.parametrize("shape", [None, (None,), (None, None, 2, 1), (None, 2, None, 1)])
def test_inputs_without_a_fixed_image_shape_are_refused_with_the_shape(shape):
    pool = ImagePool(4, name="fakes")
    with pytest.raises(ValueError, match=r"ImagePool layer 'fakes' stores images of a fixed shape") as error:
        pool.build(shape)
    assert ("unknown" if shape is None else str(shape)) in str(error.value)


def test_the_pool_returns_its_compute_dtype_under_mixed_precision():
    """The pool stores float32 and returns what it was given: float16 under a mixed_float16 policy."""
    pool = ImagePool(4, seed=0, dtype="mixed_float16")
    images = keras.ops.cast(_batch(0, 6), "float16")  # fills the pool, then swaps
    for _ in range(2):
        out = pool(images, training=True)
        assert keras.backend.standardize_dtype(out.dtype) == "float16"


def test_a_negative_pool_size_is_refused_with_what_it_counts():
    with pytest.raises(ValueError) as error:
        ImagePool(-1)
    assert str(error.value) == ("`pool_size` must be an int >= 0 (stored images; 0 disables the pool). "
                                "Received: pool_size=-1 (the int -1).")


def test_two_pools_with_one_seed_make_the_same_swaps_and_other_seeds_differ():
    def outputs(seed):
        pool = ImagePool(pool_size=4, seed=seed)
        return [_ids(keras.ops.convert_to_numpy(pool(_batch(10 * step), training=True))) for step in range(8)]

    assert outputs(3) == outputs(3)
    assert any(outputs(seed) != outputs(3) for seed in (4, 5))


def test_flat_features_are_pooled_too():
    """Any fixed shape (batch, ...) is pooled, features as well as images."""
    pool = ImagePool(pool_size=2, seed=0)
    out = pool(np.arange(6, dtype="float32").reshape(3, 2), training=True)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(out)[:2], [[0, 1], [2, 3]])
    assert tuple(pool.images.shape) == (2, 2)


@pytest.mark.parametrize("policy", [None, "mixed_float16", "bfloat16"])
def test_the_pool_keeps_two_non_trainable_variables_and_stores_float32(policy):
    """The store is float32 whatever the layer's policy (a bfloat16 store would round the images); nothing
    in the pool is trained; a disabled pool keeps a single slot."""
    for size, slots in ((3, 3), (0, 1)):
        pool = ImagePool(size, seed=0, dtype=policy)
        pool.build((None, 2, 2, 1))
        assert pool.trainable_weights == []
        described = [(v.name, tuple(v.shape), v.dtype, v.trainable) for v in pool.weights]
        assert described == [("images", (slots, 2, 2, 1), "float32", False), ("count", (), "int32", False)]
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(pool.count), 0)
