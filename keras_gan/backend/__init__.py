"""Backend-specific training steps.

The models in `keras_gan.models` define what a step computes through hooks
written in `keras.ops`; the code here runs those hooks with a backend's
gradient machinery. Only TensorFlow is implemented; JAX and PyTorch steps
plug in beside `tensorflow/`.
"""

import keras


def get_trainer():
    """Returns the module holding `train_step` and `test_step` for the active backend."""
    name = keras.backend.backend()
    if name == "tensorflow":
        from keras_gan.backend.tensorflow import trainer

        return trainer
    raise NotImplementedError(
        f"keras-gan trains with the TensorFlow backend only; the active Keras "
        f"backend is {name!r}. Set the environment variable "
        "KERAS_BACKEND=tensorflow before importing keras. (Layers and losses "
        "in keras_gan run on every backend.)"
    )
