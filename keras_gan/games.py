"""The bilinear game `f(x, y) = x * y`: why gradient play orbits instead of converging.

Player x minimizes f, player y maximizes it; the only equilibrium is (0, 0),
where `min_x max_y xy = 0`. The cs231n notebook asks for six alternating
gradient steps from (1, 1) with step size 1, y first: the players go around
a hexagon and are back at (1, 1) after six steps, forever. Simultaneous steps
do worse: each multiplies the distance to the equilibrium by
`sqrt(1 + step_size ** 2)`, a spiral outwards.
"""

import numpy as np


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
