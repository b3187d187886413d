"""DiffAugment (Zhao et al., NeurIPS 2020) checked against its definition and the authors' code.

`DiffAugment_pytorch.py` (data-efficient-gans, DiffAugment-stylegan2-pytorch): color = brightness
+ U[-0.5, 0.5), saturation x U[0, 2), contrast x U[0.5, 1.5); translation by an integer of up to
int(side / 8 + 0.5) with zeros filling in; cutout of a square of int(side / 2 + 0.5) set to zero.
The same augmentation for real and generated images, in both players' updates, differentiable.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

import keras_gan
from keras_gan.errors import GANConfigurationError
from keras_gan.models import GANStep
from keras_gan.tricks import DiffAugment, diff_augment
from keras_gan.tricks.diff_augment import apply_operation, draw_parameters
from tests.conftest import LATENT_DIM, tiny_discriminator, tiny_generator

# ------------------------------------------------------------------ the authors' indexing, in NumPy


def reference_translation(x, shift_h, shift_w):
    """`rand_translation` of the reference (channels last), given its draws."""
    b, h, w, _ = x.shape
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    grid_b, grid_x, grid_y = np.meshgrid(np.arange(b), np.arange(h), np.arange(w), indexing="ij")
    grid_x = np.clip(grid_x + shift_h[:, None, None] + 1, 0, h + 1)
    grid_y = np.clip(grid_y + shift_w[:, None, None] + 1, 0, w + 1)
    return padded[grid_b, grid_x, grid_y]


def reference_cutout(x, offset_h, offset_w):
    """`rand_cutout` of the reference (channels last), given its draws."""
    b, h, w, _ = x.shape
    size_h, size_w = int(h * 0.5 + 0.5), int(w * 0.5 + 0.5)
    grid_b, grid_x, grid_y = np.meshgrid(np.arange(b), np.arange(size_h), np.arange(size_w), indexing="ij")
    grid_x = np.clip(grid_x + offset_h[:, None, None] - size_h // 2, 0, h - 1)
    grid_y = np.clip(grid_y + offset_w[:, None, None] - size_w // 2, 0, w - 1)
    mask = np.ones((b, h, w), x.dtype)
    mask[grid_b, grid_x, grid_y] = 0
    return x * mask[..., None]


def _images(n, shape, seed=0, low=0.1, high=1.0):
    return np.random.default_rng(seed).uniform(low, high, (n,) + shape).astype("float32")


def _draw(operation, x, seed=0):
    parameters = draw_parameters(operation, ops.convert_to_tensor(x), keras.random.SeedGenerator(seed))
    return {key: np.asarray(ops.convert_to_numpy(value)) for key, value in parameters.items()}


def _apply(operation, x, parameters):
    return np.asarray(ops.convert_to_numpy(apply_operation(operation, ops.convert_to_tensor(x), parameters)))


@pytest.mark.parametrize("shape", [(4, 4, 1), (8, 8, 3), (7, 5, 2), (32, 32, 1)])
def test_translation_and_cutout_equal_the_reference_given_its_draws(shape):
    x = _images(512, shape)
    h, w = shape[:2]
    shifts = _draw("translation", x)
    s_h, s_w = int(h / 8 + 0.5), int(w / 8 + 0.5)
    # Every shift of [-s, s] is drawn, s rounded as the reference rounds it (1 on 4 and 5 pixels, not 0).
    assert (shifts["shift_h"].min(), shifts["shift_h"].max(), shifts["shift_w"].min(), shifts["shift_w"].max()) == (
        -s_h, s_h, -s_w, s_w)
    np.testing.assert_array_equal(_apply("translation", x, shifts),
                                  reference_translation(x, shifts["shift_h"], shifts["shift_w"]))
    offsets = _draw("cutout", x)
    c_h, c_w = int(h / 2 + 0.5), int(w / 2 + 0.5)
    assert (offsets["offset_h"].min(), offsets["offset_h"].max(), offsets["offset_w"].min(),
            offsets["offset_w"].max()) == (0, h - c_h % 2, 0, w - c_w % 2)
    np.testing.assert_array_equal(_apply("cutout", x, offsets),
                                  reference_cutout(x, offsets["offset_h"], offsets["offset_w"]))


def test_cutout_masks_a_quarter_of_the_pixels_inside_the_image():
    x = np.ones((400, 8, 8, 2), "float32")
    offsets = _draw("cutout", x, seed=3)
    out = _apply("cutout", x, offsets)
    zeros = out[..., 0] == 0
    assert np.array_equal(zeros, out[..., 1] == 0)  # every channel of a pixel
    # The square's rows are offset - 2 to offset + 1: inside the 8 rows for offsets 2 to 6.
    inside = ((offsets["offset_h"] >= 2) & (offsets["offset_h"] <= 6)
              & (offsets["offset_w"] >= 2) & (offsets["offset_w"] <= 6))
    assert inside.sum() > 100
    # Ratio 1/2 of the side: a 4 x 4 square, 1/4 of the 64 pixels, when it lies inside the image ...
    np.testing.assert_array_equal(zeros[inside].mean(axis=(1, 2)), np.full(inside.sum(), 0.25))
    # ... and its clipped part otherwise: always one rectangle of at most 4 x 4.
    for sample in zeros:
        rows, cols = np.nonzero(sample.any(axis=1))[0], np.nonzero(sample.any(axis=0))[0]
        assert 1 <= len(rows) <= 4 and 1 <= len(cols) <= 4
        assert sample.sum() == len(rows) * len(cols) and np.all(np.diff(rows) == 1) and np.all(np.diff(cols) == 1)
    # A centred square: rows and columns 2 to 5 of 8.
    centred = _apply("cutout", x[:1], {"offset_h": np.array([4]), "offset_w": np.array([4])})[0, ..., 0]
    expected = np.ones((8, 8))
    expected[2:6, 2:6] = 0
    np.testing.assert_array_equal(centred, expected)


def test_translation_shifts_by_at_most_an_eighth_with_zeros_filling_in():
    x = _images(400, (16, 16, 2), seed=1)  # no zero pixel: a zero can only be filled in
    out = _apply("translation", x, _draw("translation", x, seed=2))
    found = set()
    for original, shifted in zip(x, out):
        matches = []
        for dh in range(-2, 3):  # int(16 / 8 + 0.5) = 2
            for dw in range(-2, 3):
                expected = np.zeros_like(original)
                src_rows, src_cols = np.arange(16) + dh, np.arange(16) + dw
                ok_rows, ok_cols = (src_rows >= 0) & (src_rows < 16), (src_cols >= 0) & (src_cols < 16)
                expected[np.ix_(ok_rows, ok_cols)] = original[np.ix_(src_rows[ok_rows], src_cols[ok_cols])]
                if np.array_equal(shifted, expected):
                    matches.append((dh, dw))
        assert len(matches) == 1, matches
        dh, dw = matches[0]
        assert (shifted == 0).sum() == 2 * (16 * 16 - (16 - abs(dh)) * (16 - abs(dw)))  # zeros: the uncovered band
        found.add(matches[0])
    assert found == {(dh, dw) for dh in range(-2, 3) for dw in range(-2, 3)}  # every allowed shift occurs


@pytest.mark.parametrize("operation, low, high", [("brightness", -0.5, 0.5), ("saturation", 0.0, 2.0),
                                                  ("contrast", 0.5, 1.5)])
def test_color_operations_stay_in_the_papers_ranges(operation, low, high):
    x = _images(2000, (4, 4, 3), seed=4, low=-1.0, high=1.0)
    out = _apply(operation, x, _draw(operation, x, seed=5))
    if operation == "brightness":
        change = (out - x).reshape(len(x), -1)
    else:
        axes = (-1,) if operation == "saturation" else (1, 2, 3)
        mean = x.mean(axis=axes, keepdims=True)
        np.testing.assert_allclose(out.mean(axis=axes, keepdims=True), mean, atol=1e-5)  # the mean is kept
        change = ((out - mean) / (x - mean)).reshape(len(x), -1)
    per_sample = np.median(change, axis=1)
    np.testing.assert_allclose(change, np.repeat(per_sample[:, None], change.shape[1], 1), atol=2e-3)  # one draw
    assert per_sample.min() >= low - 1e-6 and per_sample.max() < high + 1e-6
    assert per_sample.min() < low + 0.01 and per_sample.max() > high - 0.01  # the whole range is drawn
    # Uniform: each quarter of the range holds about a quarter of the draws.
    counts = np.histogram(per_sample, bins=4, range=(low, high))[0]
    assert np.all(np.abs(counts / len(x) - 0.25) < 0.04), counts


def test_flip_mirrors_the_samples_its_coin_picks():
    x = _images(100, (3, 5, 1))
    draws = _draw("flip", x)
    out = _apply("flip", x, draws)
    np.testing.assert_array_equal(out[draws["flip"]], x[draws["flip"]][:, :, ::-1])
    np.testing.assert_array_equal(out[~draws["flip"]], x[~draws["flip"]])
    assert 30 < draws["flip"].sum() < 70


# ------------------------------------------------------------------ as a trick of the game


class FixedCutout(DiffAugment):
    """Cut-out squares at fixed places (centred), the other operations drawn."""

    def draw(self, operation, x):
        if operation == "cutout":
            n = ops.shape(x)[0]
            return {"offset_h": ops.full((n,), 4, "int32"), "offset_w": ops.full((n,), 4, "int32")}
        return super().draw(operation, x)


def _gan(trick, shape=(8, 8, 1), discriminator=None, seed=0, **compile_kwargs):
    keras.utils.set_random_seed(seed)
    gan = keras_gan.models.GAN(tiny_generator(sample_shape=shape), discriminator or tiny_discriminator(shape),
                               LATENT_DIM, tricks=[trick], seed=seed)
    gan.compile(**compile_kwargs)
    return gan


@pytest.mark.parametrize("policy", ["color", "translation", "cutout", "flip", "color,translation,cutout"])
def test_the_generator_learns_through_the_augmentation(policy):
    gan = _gan(DiffAugment(policy, seed=0))
    z = tf.constant(np.random.default_rng(0).normal(size=(16, LATENT_DIM)).astype("float32"))
    real = tf.constant(_images(16, (8, 8, 1)))
    variables = gan.generator.trainable_variables
    with tf.GradientTape() as tape:
        fake = gan.generator(z, training=True)
        loss, _ = gan.compute_generator_loss(GANStep(real=real, z=z, fake=fake, training=True))
    gradients = tape.gradient(loss, variables)
    assert all(g is not None and np.all(np.isfinite(g)) for g in gradients)
    assert sum(float(tf.reduce_sum(tf.abs(g))) for g in gradients) > 0.0


def test_the_gradient_is_the_augmentations_a_cut_out_pixel_gets_none():
    trick = FixedCutout("cutout", seed=0)
    x = tf.Variable(_images(4, (8, 8, 1)))
    kernel = np.arange(1, 65, dtype="float32").reshape(64, 1)
    d = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(1, use_bias=False)])
    d.set_weights([kernel])
    with tf.GradientTape() as tape:
        score = tf.reduce_sum(d(trick.transform_discriminator_input(None, x, GANStep(training=True), "fake")))
    gradient = tape.gradient(score, x).numpy()[..., 0]
    expected = np.broadcast_to(kernel.reshape(8, 8), (4, 8, 8)).copy()
    expected[:, 2:6, 2:6] = 0.0
    np.testing.assert_array_equal(gradient, expected)


def test_the_same_augmentation_reaches_real_and_generated_images_in_both_updates():
    calls = []
    player = ["build"]

    class Recording(DiffAugment):
        def transform_discriminator_input(self, model, x, step, role):
            out = super().transform_discriminator_input(model, x, step, role)
            calls.append((player[-1], role, self.operations, np.array(x), np.array(out)))
            return out

    gan = _gan(Recording(seed=0), run_eagerly=True)
    for name in ("compute_discriminator_loss", "compute_generator_loss"):
        method = getattr(gan, name)

        def wrapped(step, method=method, name=name):
            player.append(name.split("_")[1])
            return method(step)

        setattr(gan, name, wrapped)
    gan.fit(_images(16, (8, 8, 1)), batch_size=8, verbose=0)  # 2 steps
    pattern = [(p, role) for p, role, *_ in calls]
    step = [("discriminator", "real"), ("discriminator", "fake"), ("generator", "fake")]
    assert pattern[-6:] == step * 2, pattern
    for _, _, operations, x, out in calls[-6:]:
        assert operations == ("brightness", "saturation", "contrast", "translation", "cutout")
        assert x.shape == out.shape and not np.array_equal(x, out)


def test_evaluation_sees_the_images_unchanged():
    x = _images(4, (8, 8, 1))
    out = DiffAugment(seed=0).transform_discriminator_input(None, x, GANStep(training=False), "real")
    np.testing.assert_array_equal(np.asarray(out), x)


def test_samples_that_are_not_images_are_refused_at_compile():
    g = keras.Sequential([keras.Input((LATENT_DIM,)), keras.layers.Dense(2)])
    d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    gan = keras_gan.models.GAN(g, d, LATENT_DIM, tricks=[DiffAugment()])
    with pytest.raises(GANConfigurationError, match=r"GAN cannot use DiffAugment: it augments channels-last images.*"
                                                    r"samples of shape \(2,\). Use InstanceNoise .* instead"):
        gan.compile()


def test_a_subclassed_discriminator_of_vectors_is_refused_at_the_first_trace():
    class Critic(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)

        def call(self, x, training=False):
            return self.dense(x)

    g = keras.Sequential([keras.Input((LATENT_DIM,)), keras.layers.Dense(2)])
    gan = keras_gan.models.GAN(g, Critic(), LATENT_DIM, tricks=[DiffAugment()])
    gan.compile()  # the discriminator's input is unknown before it is called
    with pytest.raises(GANConfigurationError, match=r"GAN cannot use DiffAugment.*shape \(2,\)"):
        gan.fit(np.zeros((8, 2), "float32"), batch_size=4, verbose=0)


def test_extreme_logits_give_finite_losses_and_gradients():
    d = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
                          keras.layers.Dense(1, kernel_initializer=keras.initializers.Constant(50.0 / 64))])
    gan = _gan(DiffAugment(seed=0), discriminator=d)
    real, fake = tf.constant(np.ones((8, 8, 8, 1), "float32")), tf.constant(-np.ones((8, 8, 8, 1), "float32"))
    with tf.GradientTape(persistent=True) as tape:
        d_loss, d_logs = gan.compute_discriminator_loss(GANStep(real=real, fake=fake, training=True))
        g_loss, _ = gan.compute_generator_loss(GANStep(real=real, fake=fake, training=True))
    assert abs(float(tf.reduce_max(tf.abs(d(real))))) == pytest.approx(50.0)
    for loss in (d_loss, g_loss):
        assert np.isfinite(float(loss))
        assert all(np.all(np.isfinite(g)) for g in tape.gradient(loss, d.trainable_variables))


def test_config_round_trip_and_saved_random_stream(tmp_path):
    trick = DiffAugment("translation,color", seed=3)
    again = DiffAugment.from_config(trick.get_config())
    assert (again.policy, again.seed, again.operations, again.name) == (
        "translation,color", 3, ("translation", "brightness", "saturation", "contrast"), "diff_augment")
    gan = _gan(DiffAugment(seed=1))
    gan.fit(_images(16, (8, 8, 1)), batch_size=8, verbose=0)
    gan.save(tmp_path / "gan.keras")
    (loaded,) = keras.models.load_model(tmp_path / "gan.keras").tricks
    assert isinstance(loaded, DiffAugment) and loaded.policy == "color,translation,cutout"
    np.testing.assert_array_equal(loaded.seed_generator.state.numpy(), gan.tricks[0].seed_generator.state.numpy())


@pytest.mark.parametrize("kwargs, error, pattern", [
    ({"policy": "colour"}, ValueError, r"`policy` must be .*Received: policy='colour'"),
    ({"policy": ""}, ValueError, r"Received: policy=''"),
    ({"policy": ["color"]}, TypeError, r"Received: policy=\['color'\]"),
    ({"seed": "0"}, TypeError, r"Received: seed='0'"),
    ({"weight": 1.0}, TypeError, r"takes no `weight`"),
])
def test_bad_arguments_are_named(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        DiffAugment(**kwargs)


def test_the_function_form_draws_per_sample():
    x = np.ones((64, 8, 8, 1), "float32")
    out = np.asarray(diff_augment(x, "color", seed=0))
    assert len(np.unique(out.reshape(64, -1)[:, 0].round(5))) > 50  # one brightness per sample


def test_an_int_seed_seeds_one_generator_whose_draws_advance_from_operation_to_operation():
    """`seed=5` is `keras.random.SeedGenerator(5)`: each operation draws anew, as the trick with seed 5 draws."""
    x = _images(6, (4, 4, 3), low=-1.0)
    color = ("brightness", "saturation", "contrast")

    def by_hand(seed):
        out = ops.convert_to_tensor(x)
        for operation in color:
            out = apply_operation(operation, out, draw_parameters(operation, out, seed))
        return np.asarray(ops.convert_to_numpy(out))

    out = np.asarray(ops.convert_to_numpy(diff_augment(x, "color", seed=5)))
    np.testing.assert_allclose(out, by_hand(keras.random.SeedGenerator(5)), atol=1e-6)
    np.testing.assert_allclose(out, np.asarray(ops.convert_to_numpy(DiffAugment("color", seed=5).augment(x))),
                               atol=1e-6)
    # The negative control: one draw shared by the three operations (the int handed to each draw as it is).
    assert not np.allclose(out, by_hand(5), atol=1e-3)
