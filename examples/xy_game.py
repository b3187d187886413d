"""The xy game: gradient play orbits around the equilibrium instead of reaching it.

    python examples/xy_game.py           # writes xy_game.png
    python examples/xy_game.py --quick   # the same (it takes a second)

`min_x max_y xy` has its equilibrium at (0, 0). Six alternating gradient steps
from (1, 1) with step size 1 (the cs231n notebook's exercise) trace a hexagon
back to (1, 1); simultaneous steps spiral outwards. The plot shows both, and
the script prints the six alternating steps.
"""

import argparse

from keras_gan.games import xy_game


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--out", default="xy_game.png")
    parser.add_argument("--quick", action="store_true", help="same as the default: it is instant")
    args = parser.parse_args(argv)

    alternating = xy_game(steps=args.steps)
    simultaneous = xy_game(steps=args.steps, simultaneous=True)
    for t, (x, y) in enumerate(alternating):
        print(f"t={t}: x={x:+.0f} y={y:+.0f}   f={x * y:+.0f}")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from keras_gan.utils.files import atomic_path

    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot(*alternating.T, "o-", label="alternating (orbit)")
    ax.plot(*simultaneous.T, "s--", alpha=0.7, label="simultaneous (spiral out)")
    ax.plot([0], [0], "k*", markersize=14, label="equilibrium (0, 0)")
    ax.set_xlabel("x (minimizes xy)")
    ax.set_ylabel("y (maximizes xy)")
    ax.set_aspect("equal")
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    with atomic_path(args.out) as tmp:
        fig.savefig(tmp, format="png")
    plt.close(fig)
    return {"alternating": alternating, "simultaneous": simultaneous}


if __name__ == "__main__":
    main()
