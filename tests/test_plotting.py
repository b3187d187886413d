from PIL import Image

from keras_gan.plotting import plot_history


def test_plot_history_writes_a_png(tmp_path):
    history = {"d_loss": [1.3, 1.2], "g_loss": [0.8, 0.9], "p_real": [0.6, 0.55], "p_fake": [0.4, 0.45]}
    path = plot_history(history, tmp_path / "losses.png")
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size[0] > 500
