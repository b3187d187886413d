"""scripts/mutation.py's arithmetic and selection (the runs themselves take hours: docs/reliability.md)."""

import importlib.util
import os

import pytest

_PATH = os.path.join(os.path.dirname(os.path.dirname(__file__)), "scripts", "mutation.py")
_spec = importlib.util.spec_from_file_location("mutation_script", _PATH)
mutation = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mutation)


def test_the_wilson_interval_of_a_share():
    """The 95 % Wilson score interval: (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)."""
    assert mutation._wilson(84, 100) == pytest.approx((0.75580, 0.89905), abs=5e-5)
    low, high = mutation._wilson(0, 10)
    assert low == pytest.approx(0.0, abs=1e-12) and high == pytest.approx(0.27754, abs=5e-5)
    assert mutation._wilson(10, 10)[1] == pytest.approx(1.0)
    assert all(x != x for x in mutation._wilson(0, 0))  # no sample: NaN, not a share


@pytest.mark.parametrize("name, counted", [
    ("keras_gan.models.base.x\u01c1AdversarialModel\u01c1finish_loss__mutmut_3", True),
    ("keras_gan.models.base.x\u01c1AdversarialModel\u01c1compile__mutmut_3", False),
    ("keras_gan.models.base.x__default_optimizer__mutmut_1", False),
    ("keras_gan.models.gan.x\u01c1GAN\u01c1sample_latent_vectors__mutmut_9", True),
    ("keras_gan.models.gan.x\u01c1GAN\u01c1export_generator__mutmut_9", False),
    ("keras_gan.schedules.base.x_check_discriminator_steps__mutmut_1", True),
    ("keras_gan.backend.algorithm.x_train_step__mutmut_7", True),
])
def test_the_step_counts_only_its_hooks_in_the_models_files(name, counted):
    assert mutation.in_population("step", name) is counted
    assert mutation.in_population("tricks", name) is True  # no list: every mutant of the group's files
