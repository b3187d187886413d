"""Reference networks against the seeds' parameter counts and shapes."""

import numpy as np
import pytest

from keras_gan import networks


@pytest.mark.parametrize(
    "build, expected",
    [
        (lambda: networks.mlp_discriminator(), 267_009),
        (lambda: networks.mlp_generator(latent_dim=4), 1_858_320),
        (lambda: networks.cs231n_dcgan_discriminator(), 1_102_721),
        (lambda: networks.infogan_generator(latent_dim=4), 6_595_521),
    ],
    ids=["mlp_discriminator", "mlp_generator", "cs231n_dcgan_discriminator", "infogan_generator"],
)
def test_cs231n_parameter_counts(build, expected):
    assert build().count_params() == expected


def test_cs231n_shapes():
    assert networks.mlp_generator(latent_dim=96).output_shape == (None, 28, 28, 1)
    assert networks.infogan_generator(latent_dim=96).output_shape == (None, 28, 28, 1)
    assert networks.mlp_discriminator().output_shape == (None, 1)
    assert networks.cs231n_dcgan_discriminator().output_shape == (None, 1)


def test_chapter13_dcgan64_shapes_and_counts():
    g = networks.dcgan64_generator()
    d = networks.dcgan64_discriminator()
    assert g.output_shape == (None, 64, 64, 3)
    # The seed's comments: 4x4x512, 8x8x256, 16x16x128, 32x32x64, 64x64x3.
    assert [layer.output.shape[1:] for layer in g.layers if "transpose" in layer.name] == [
        (4, 4, 512), (8, 8, 256), (16, 16, 128), (32, 32, 64), (64, 64, 3)
    ]
    # ...and 31x31x64, 14x14x128, 6x6x256, 4x4x512, 2x2x1024 in the discriminator.
    assert [layer.output.shape[1:] for layer in d.layers if "conv" in layer.name] == [
        (31, 31, 64), (14, 14, 128), (6, 6, 256), (4, 4, 512), (2, 2, 1024)
    ]
    transposed = [(100, 512, 4), (512, 256, 4), (256, 128, 4), (128, 64, 4), (64, 3, 4)]
    batch_norm = 4 * (512 + 256 + 128 + 64)
    assert g.count_params() == sum(i * o * k * k for i, o, k in transposed) + batch_norm
    convs = [(3, 64, 4), (64, 128, 4), (128, 256, 4), (256, 512, 3), (512, 1024, 3)]
    d_count = sum(i * o * k * k for i, o, k in convs) + 4 * (64 + 128 + 256 + 512 + 1024) + 1025
    assert d.count_params() == d_count
    assert d(g(np.zeros((2, 100), "float32"))).shape == (2, 1)


@pytest.mark.parametrize("shape", [(28, 28, 1), (32, 32, 3), (64, 64, 3), (48, 32, 3)])
def test_dcgan_builders_fit_any_image_shape(shape):
    g = networks.dcgan_generator(shape, latent_dim=8, width=4)
    d = networks.dcgan_discriminator(shape, width=4)
    assert g.output_shape == (None,) + shape
    assert d(g(np.zeros((2, 8), "float32"))).shape == (2, 1)


@pytest.mark.parametrize("shape", [(7, 7, 1), (28, 28), (6, 6, 1)])
def test_dcgan_rejects_unusable_shapes(shape):
    with pytest.raises(ValueError, match="DCGAN|Resize"):
        networks.upsampling_plan(shape)


def test_dcgan_discriminator_spectral_norm_is_opt_in_and_normalizes_in_training():
    import keras

    plain = networks.dcgan_discriminator((28, 28, 1), width=4)
    normed = networks.dcgan_discriminator((28, 28, 1), width=4, spectral_norm=True)
    assert not any(isinstance(layer, keras.layers.SpectralNormalization) for layer in plain.layers)
    wrapped = [layer for layer in normed.layers if isinstance(layer, keras.layers.SpectralNormalization)]
    assert [type(layer.layer).__name__ for layer in wrapped] == ["Conv2D", "Conv2D", "Dense"]
    # The same trainable weights; the power iteration's vectors are not trained.
    assert sum(w.numpy().size for w in normed.trainable_weights) == plain.count_params()
    x = np.random.default_rng(0).normal(size=(3, 28, 28, 1)).astype("float32")
    for _ in range(20):
        normed(x, training=True)
    # Each kernel, as a (fan_in, filters) matrix, now has a largest singular value of 1.
    for layer in wrapped:
        kernel = layer.layer.kernel.numpy()
        sigma = np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]), compute_uv=False)[0]
        np.testing.assert_allclose(sigma, 1.0, rtol=1e-2)
    assert normed(x).shape == (3, 1)
