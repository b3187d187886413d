"""Learning claims of the variants, measured with the shipped digit classifier (slow)."""

import numpy as np
import pytest

import keras_gan


def _example(name):
    import importlib.util
    import pathlib

    path = pathlib.Path(__file__).parents[2] / "examples" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_conditional_gan_generates_the_requested_digit():
    """Conditional DCGAN (width 32, projection discriminator), 8 epochs of batch 32.

    Measured with the example's `build(seed=0)`: 92.4 % of 500 samples (50 per
    digit) recognized as the requested digit by the shipped classifier (95.8 %
    accurate on held-out real digits) after 20 epochs; 69 / 74 / 79 / 81 % after
    6 / 8 / 10 / 12 epochs (one epoch at a time; this session); seed 1: 85 %
    after 10 epochs. 8 epochs and a 65 % bound keep the suite short (the
    20-epoch figure is checked on the shipped preset, tests/presets). The
    seed's concatenation (label tiled as image channels) learned the labels
    far more slowly: 40-60 % after 15-20 epochs.
    """
    example = _example("conditional_gan_digits")
    images, labels = keras_gan.datasets.load_digits(seed=0)
    gan = example.build(width=32)
    gan.fit(images, labels, batch_size=32, epochs=8, verbose=0)
    requested = np.repeat(np.arange(10), 50)
    accuracy = keras_gan.metrics.conditional_accuracy(gan.generate(labels=requested, seed=1), requested)
    assert accuracy >= 0.65, accuracy  # chance: 0.10


@pytest.mark.slow
def test_infogan_categorical_code_captures_the_digit_class():
    """InfoGAN (seed networks at half width), 16 epochs, no labels (about 160 s).

    The figure depends on float32 rounding, not only on the code and seed
    (docs/guides/infogan.md, `benchmarks/infogan_sensitivity.py`): on one
    machine the commit that first measured 65.8 % and today's code give the
    same 41.5 % (seed 0; seeds 1, 2: 59.4, 49.1 %), one ulp in one generator
    weight gives 47.4 %, and another machine gave 30.2 / 38.9 / 35.3 %. The
    bounds below hold in every one of those runs: majority vote at least
    twice chance (the largest digit share, 13-15 %), one-to-one at least 25 %
    (chance 10 %), the categorical bound above 2.0 of log 10 = 2.30 nats.
    """
    example = _example("infogan_digits")
    images, _ = keras_gan.datasets.load_digits(seed=0)
    gan = example.build(width=32)
    history = gan.fit(images, batch_size=64, epochs=16, verbose=0)
    score = example.code_agreement(gan)
    assert history.history["categorical_mi"][-1] > 2.0
    assert score["majority"] >= 2.0 * score["chance"], score
    assert score["one_to_one"] >= 0.25, score  # chance: 0.10


@pytest.mark.slow
def test_cyclegan_cycle_reconstruction_error_falls():
    """3 epochs on 2 x 400 unpaired digits (plain / bold), width 8 (about 15 s).

    Measured (`build(seed=s)`, s = 0, 1, 2), error after / before 3 epochs:
    A->B->A 0.32, 0.31, 0.30; B->A->B 0.56, 0.35, 0.42; learned A->B against
    the true emboldening 0.56, 0.36, 0.40. After 2 epochs seed 0 was still at
    0.40 / 0.66, so the bound below leaves room, not a coin toss.
    """
    example = _example("cyclegan_digits")
    a, b, to_b = keras_gan.datasets.load_digit_domains("thicken", seed=0)
    a, b = a[:400], b[:400]
    gan = example.build(width=8, residual_blocks=1)
    probe_a, probe_b = a[:100], b[:100]
    before = gan.cycle_error(probe_a, probe_b)
    error_before = np.abs(gan.translate_ab(probe_a) - to_b(probe_a)).mean()
    history = gan.fit(a, b, batch_size=16, epochs=3, verbose=0)
    after = gan.cycle_error(probe_a, probe_b)
    error_after = np.abs(gan.translate_ab(probe_a) - to_b(probe_a)).mean()
    assert after[0] < 0.7 * before[0] and after[1] < 0.7 * before[1], (before, after)
    assert history.history["cycle_loss"][-1] < history.history["cycle_loss"][0]
    assert error_after < 0.75 * error_before, (error_before, error_after)
