"""Plots of training curves, written atomically with Matplotlib."""

from keras_gan.utils.files import atomic_path

__all__ = ["plot_history", "save_figure"]


QUALITY_METRICS = ("digit_fd", "digit_score", "fid", "kid", "inception_score")


def plot_history(history, path, title="GAN training"):
    """Plots the losses, the discriminator's probabilities and any sample-quality metric to a PNG.

    One panel for `d_loss` and `g_loss`, one for the other logged values
    (`p_real`, `p_fake`, `critic_gap`, trick terms) and, when `Evaluate`
    logged them, one for the sample-quality metrics (`digit_fd`, `fid`,
    ...). A metric evaluated every few epochs is plotted against its
    evaluations. The file is written atomically.

    Args:
        history: A `keras.callbacks.History` or its `.history` dict.
        path: Destination `.png` file.
        title: Figure title.

    Returns:
        The path written.

    Example:

    >>> import os, tempfile
    >>> logs = {"d_loss": [1.3, 1.2], "g_loss": [0.8, 0.9], "p_real": [0.6, 0.55], "digit_fd": [300.0, 120.0]}
    >>> path = plot_history(logs, os.path.join(tempfile.mkdtemp(), "history.png"))
    >>> os.path.getsize(path) > 0
    True
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    logs = getattr(history, "history", history)
    losses = [k for k in ("d_loss", "g_loss") if k in logs]
    quality = [k for k in logs if k in QUALITY_METRICS]
    others = [k for k in logs if k not in losses and k not in quality and not k.endswith("_std")
              and not k.startswith("val_")]
    panels = 1 + bool(others) + bool(quality)
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
    if quality:
        ax = axes[0, panels - 1]
        epochs = max((len(v) for v in logs.values()), default=0)
        for key in quality:
            ax.plot(range(1, len(logs[key]) + 1), logs[key], "o-", markersize=3, label=key)
        sparse = any(len(logs[k]) < epochs for k in quality)
        ax.set(xlabel="evaluation" if sparse else "epoch", title="sample quality")
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    return save_figure(fig, path)


def save_figure(fig, path, dpi=100):
    """Writes a Matplotlib figure to a PNG atomically, then closes it.

    Args:
        fig: A `matplotlib.figure.Figure`.
        path: Destination `.png` file; a reader sees the old file or the
            complete new one, never a partial write.
        dpi: Resolution.

    Returns:
        The path written.

    Example:

    >>> import os, tempfile
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], [1, 0])
    >>> path = save_figure(fig, os.path.join(tempfile.mkdtemp(), "line.png"))
    >>> os.path.getsize(path) > 0
    True
    """
    import matplotlib.pyplot as plt

    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=dpi)
    plt.close(fig)
    return path
