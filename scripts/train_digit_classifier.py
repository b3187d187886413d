"""Trains the digit classifier shipped in keras_gan/metrics/data/.

    python scripts/train_digit_classifier.py

Trains on the first 4,000 embedded digits (load_digits(seed=0) order) and
records the accuracy on the other 1,000 in digit_classifier.json. Both files
are written atomically.
"""

import json
import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from keras_gan.datasets import load_digits  # noqa: E402
from keras_gan.metrics import digit_classifier as dc  # noqa: E402
from keras_gan.utils.files import atomic_path  # noqa: E402

EPOCHS = 10


def main():
    keras.utils.set_random_seed(0)
    x, y = load_digits(seed=0)
    model = dc.build_digit_classifier()
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x[:4000], y[:4000], epochs=EPOCHS, batch_size=64, verbose=2)
    accuracy = float(model.evaluate(x[4000:], y[4000:], verbose=0)[1])
    os.makedirs(os.path.dirname(dc.DIGIT_CLASSIFIER_WEIGHTS), exist_ok=True)
    # Keras wants the name to end in ".weights.h5": save in a scratch folder
    # beside the target, then rename (atomic on one file system).
    scratch = tempfile.mkdtemp(dir=os.path.dirname(dc.DIGIT_CLASSIFIER_WEIGHTS))
    tmp = os.path.join(scratch, "digit_classifier.weights.h5")
    model.save_weights(tmp)
    os.replace(tmp, dc.DIGIT_CLASSIFIER_WEIGHTS)
    os.rmdir(scratch)
    info = {"train": "load_digits(seed=0)[:4000]", "test": "load_digits(seed=0)[4000:]",
            "epochs": EPOCHS, "test_accuracy": round(accuracy, 4)}
    with atomic_path(dc.DIGIT_CLASSIFIER_INFO) as tmp:
        with open(tmp, "w") as f:
            json.dump(info, f, indent=2)
    print(f"held-out accuracy {accuracy:.4f}; saved {dc.DIGIT_CLASSIFIER_WEIGHTS}")


if __name__ == "__main__":
    main()
