"""Callbacks for GAN training."""

from keras_gan.callbacks.discriminator_steps import DiscriminatorSteps
from keras_gan.callbacks.divergence import StopOnDivergence, TrainingDivergedError
from keras_gan.callbacks.evaluate import Evaluate
from keras_gan.callbacks.health import HealthMonitor
from keras_gan.callbacks.sample_saver import SampleSaver

__all__ = ["SampleSaver", "Evaluate", "HealthMonitor", "DiscriminatorSteps", "StopOnDivergence",
           "TrainingDivergedError"]
