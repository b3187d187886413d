"""The xy game: gradient play orbits around the equilibrium instead of reaching it.

    python examples/xy_game.py           # writes xy_game.png
    python examples/xy_game.py --quick   # the same with fewer averaged steps (seconds)

`min_x max_y xy` has its equilibrium at (0, 0). Six alternating gradient steps
from (1, 1) with step size 1 (the cs231n notebook's exercise) trace a hexagon
back to (1, 1); simultaneous steps spiral outwards. The same orbit comes out of
keras-gan's own training step (`keras_gan.games.xy_game_gan` plays the game as
a GAN with `fit`), and adding `HistoricalAveraging` to that GAN turns the orbit
into a spiral that converges to the equilibrium. The left panel shows the
first two, the right panel the third; the script prints the six alternating
steps and the final distance to the equilibrium.
"""

import argparse

import numpy as np

from keras_gan.games import xy_game, xy_game_gan


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--averaging-steps", type=int, default=120)
    parser.add_argument("--weight", type=float, default=0.1, help="HistoricalAveraging weight")
    parser.add_argument("--out", default="xy_game.png")
    parser.add_argument("--quick", action="store_true", help="30 averaged steps")
    args = parser.parse_args(argv)

    from keras_gan.tricks import HistoricalAveraging

    alternating = xy_game(steps=args.steps)
    simultaneous = xy_game(steps=args.steps, simultaneous=True)
    by_fit = xy_game_gan(steps=args.steps)
    steps = 30 if args.quick else args.averaging_steps
    averaged = xy_game_gan(steps=steps, tricks=[HistoricalAveraging(weight=args.weight)])
    for t, (x, y) in enumerate(alternating):
        print(f"t={t}: x={x:+.0f} y={y:+.0f}   f={x * y:+.0f}")
    print(f"GAN.fit plays the same steps: {np.allclose(by_fit, alternating, atol=1e-6)}")
    print(f"with HistoricalAveraging({args.weight}): distance to (0, 0) after {steps} steps "
          f"{np.linalg.norm(averaged[-1]):.4f} (without: never below 1)")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from keras_gan.plotting import save_figure

    fig, axes = plt.subplots(1, 2, figsize=(9, 4.5))
    ax = axes[0]
    ax.plot(*alternating.T, "o-", label="alternating (orbit)")
    ax.plot(*by_fit.T, "k.", markersize=4, label="GAN.fit, same game")
    ax.plot(*simultaneous.T, "s--", alpha=0.7, label="simultaneous (spiral out)")
    ax.set_title(f"{args.steps} gradient steps from (1, 1), step 1")
    ax = axes[1]
    ax.plot(*averaged.T, ".-", color="C2", markersize=3,
            label=f"GAN.fit + HistoricalAveraging({args.weight:g})")
    ax.set_title(f"{steps} steps with historical averaging")
    for ax in axes:
        ax.plot([0], [0], "k*", markersize=14, label="equilibrium (0, 0)")
        ax.set_xlabel("x (minimizes xy)")
        ax.set_ylabel("y (maximizes xy)")
        ax.set_aspect("equal")
        ax.legend(loc="lower left", fontsize=7)
    fig.tight_layout()
    save_figure(fig, args.out)
    return {"alternating": alternating, "simultaneous": simultaneous, "historical_averaging": averaged}


if __name__ == "__main__":
    main()
