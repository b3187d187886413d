"""MultiWorkerMirroredStrategy must be created at program start: tested in a subprocess."""

import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import os
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import tensorflow as tf
    strategy = tf.distribute.MultiWorkerMirroredStrategy()  # one local worker, no TF_CONFIG
    import keras, numpy as np, keras_gan
    with strategy.scope():
        keras.utils.set_random_seed(0)
        gan = keras_gan.models.DCGAN(image_shape=(8, 8, 1), latent_dim=4, width=4, seed=0)
        gan.compile()
    x = np.random.default_rng(0).uniform(-1, 1, (64, 8, 8, 1)).astype("float32")
    start = [np.array(w) for w in gan.generator.trainable_weights + gan.discriminator.trainable_weights]
    history = gan.fit(x, batch_size=16, epochs=2, verbose=0).history
    assert all(np.isfinite(v).all() for v in history.values()), history
    # Both players trained: 8 steps, 8 updates each, and every trainable weight moved.
    iterations = [int(keras.ops.convert_to_numpy(o.iterations)) for o in (gan.d_optimizer, gan.g_optimizer)]
    assert iterations == [8, 8], iterations
    after = [np.array(w) for w in gan.generator.trainable_weights + gan.discriminator.trainable_weights]
    assert all(not np.array_equal(a, b) for a, b in zip(start, after))
    print("OK", strategy.num_replicas_in_sync, history["d_loss"][-1])
    """
)


def test_multi_worker_mirrored_strategy_trains_with_fit():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, cwd=root, timeout=300,
        env={**os.environ, "PYTHONPATH": root},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("OK 1 ")
