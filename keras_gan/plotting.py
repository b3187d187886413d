"""Plots of training curves, written atomically with Matplotlib."""

from keras_gan.utils.files import atomic_path


def plot_history(history, path, title="GAN training"):
    """Plots the losses and the discriminator's probabilities per epoch to a PNG.

    Args:
        history: A `keras.callbacks.History` or its `.history` dict.
        path: Destination `.png` file.
        title: Figure title.

    Returns:
        The path written.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    logs = getattr(history, "history", history)
    losses = [k for k in ("d_loss", "g_loss") if k in logs]
    others = [k for k in logs if k not in losses and not k.startswith("val_")]
    panels = 2 if others else 1
    fig, axes = plt.subplots(1, panels, figsize=(5.5 * panels, 3.8), squeeze=False)
    for key in losses:
        axes[0, 0].plot(range(1, len(logs[key]) + 1), logs[key], label=key)
    axes[0, 0].set(xlabel="epoch", ylabel="loss", title="losses")
    axes[0, 0].legend()
    if others:
        for key in others:
            axes[0, 1].plot(range(1, len(logs[key]) + 1), logs[key], label=key)
        if "p_real" in others:
            axes[0, 1].axhline(0.5, color="grey", linestyle=":", label="equilibrium 0.5")
        axes[0, 1].set(xlabel="epoch", title="discriminator")
        axes[0, 1].legend()
    fig.suptitle(title)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)
    return path
