"""The bilinear game `f(x, y) = x * y`: why gradient play orbits instead of converging.

Player x minimizes f, player y maximizes it; the only equilibrium is (0, 0),
where `min_x max_y xy = 0`. The cs231n notebook asks for six alternating
gradient steps from (1, 1) with step size 1, y first: the players go around
a hexagon and are back at (1, 1) after six steps, forever. Simultaneous steps
do worse: each multiplies the distance to the equilibrium by
`sqrt(1 + step_size ** 2)`, a spiral outwards.
"""

import numpy as np

__all__ = ["xy_game", "xy_game_gan"]


def xy_game(steps=6, step_size=1.0, start=(1.0, 1.0), simultaneous=False, y_first=True):
    """Plays gradient steps on `f(x, y) = x y` and returns the trajectory.

    Alternating (default): `y <- y + step_size * x` (gradient ascent for y),
    then `x <- x - step_size * y` with the new y (descent for x); with
    `y_first=False` x moves first. Simultaneous: both move from the old point.

    Args:
        steps: Number of steps.
        step_size: The learning rate of both players.
        start: `(x_0, y_0)`.
        simultaneous: Both players step from the same point.
        y_first: In alternating play, whether y moves first (as the cs231n
            notebook asks).

    Returns:
        An array `(steps + 1, 2)` of `(x_t, y_t)`.

    Example:

    >>> xy_game().tolist()
    [[1.0, 1.0], [-1.0, 2.0], [-2.0, 1.0], [-1.0, -1.0], [1.0, -2.0], [2.0, -1.0], [1.0, 1.0]]

    Reference:
        Goodfellow, "NIPS 2016 Tutorial: Generative Adversarial Networks", arXiv:1701.00160.
        Stanford CS231n, "Generative Adversarial Networks" notebook (assignment 3).
    """
    x, y = (float(v) for v in start)
    path = [(x, y)]
    for _ in range(int(steps)):
        if simultaneous:
            x, y = x - step_size * y, y + step_size * x
        elif y_first:
            y = y + step_size * x
            x = x - step_size * y
        else:
            x = x - step_size * y
            y = y + step_size * x
        path.append((x, y))
    return np.array(path)


def xy_game_gan(steps=6, step_size=1.0, start=(1.0, 1.0), tricks=(), simultaneous=False):
    """Plays the xy game with `keras_gan.models.GAN` and `fit`, and returns the trajectory.

    The game as a GAN: the generator is one trainable number (its output is
    `-x` for every latent vector), the discriminator a linear critic
    `D(s) = y s`, the real data are zeros and the objective is the
    Wasserstein one. Then the critic's cost is `E D(G(z)) - E D(0) = -xy`
    (y maximizes xy) and the generator's is `-E D(G(z)) = xy` (x minimizes
    it). With plain SGD of learning rate `step_size`, one `fit` step is one
    round of the game, y first, exactly as `xy_game`, so the same orbit comes
    out of the real training step; `tricks` (e.g.
    `keras_gan.tricks.HistoricalAveraging`) change the game as they would
    change any GAN's.

    Args:
        steps: Number of training steps (rounds).
        step_size: Learning rate of both players' `keras.optimizers.SGD`.
        start: `(x_0, y_0)`.
        tricks: Tricks passed to the model (`GAN(..., tricks=tricks)`).
        simultaneous: Both players step from the same point.

    Returns:
        An array `(steps + 1, 2)` of `(x_t, y_t)` after each step.

    Example:

    >>> path = xy_game_gan(steps=6)
    >>> np.allclose(path, xy_game(steps=6))
    True

    Reference:
        Goodfellow, "NIPS 2016 Tutorial: Generative Adversarial Networks",
        Section 8.2 (non-convergence); cs231n GAN notebook.
    """
    import keras

    from keras_gan.models import GAN

    x0, y0 = (float(v) for v in start)
    generator = keras.Sequential(
        [keras.Input((1,)), keras.layers.Dense(1, kernel_initializer="zeros",
                                               bias_initializer=keras.initializers.Constant(-x0))],
        name="xy_generator",
    )
    generator.layers[0].kernel.trainable = False
    critic = keras.Sequential(
        [keras.Input((1,)), keras.layers.Dense(1, use_bias=False,
                                               kernel_initializer=keras.initializers.Constant(y0))],
        name="xy_critic",
    )
    model = GAN(generator, critic, latent_dim=1, tricks=list(tricks), simultaneous=simultaneous)
    model.compile(
        d_optimizer=keras.optimizers.SGD(step_size),
        g_optimizer=keras.optimizers.SGD(step_size),
        loss="wasserstein",
    )

    def position():
        return [-float(generator.layers[0].bias.numpy()[0]), float(critic.layers[0].kernel.numpy()[0, 0])]

    path = [position()]
    record = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: path.append(position()))
    model.fit(np.zeros((int(steps), 1), "float32"), batch_size=1, epochs=1, verbose=0,
              shuffle=False, callbacks=[record])
    return np.array(path)
