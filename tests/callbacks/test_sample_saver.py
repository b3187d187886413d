import os

import keras
import numpy as np
import pytest
from PIL import Image

import keras_gan
from keras_gan.callbacks import SampleSaver
from keras_gan.callbacks.tensorboard import share_tensorboard
from tests.callbacks.events import read_events


def test_grids_every_n_epochs_and_at_the_end(make_gan, tiny_data, tmp_path):
    gan = make_gan()
    gan.compile()
    saver = SampleSaver(tmp_path / "samples", n=9, every=2, scale=1)
    gan.fit(tiny_data, batch_size=32, epochs=5, verbose=0, callbacks=[saver])
    assert sorted(os.listdir(tmp_path / "samples")) == [
        "epoch_0002.png", "epoch_0004.png", "epoch_0005.png"
    ]
    with Image.open(tmp_path / "samples" / "epoch_0005.png") as image:
        assert image.size == (3 * 4 + 2 * 2, 3 * 4 + 2 * 2)  # 3x3 tiles of 4x4, padding 2


def test_latent_vectors_are_fixed_once(make_gan, tiny_data, tmp_path):
    gan = make_gan()
    gan.compile()
    saver = SampleSaver(tmp_path, n=4, every=1, scale=1)
    gan.fit(tiny_data, batch_size=32, epochs=1, verbose=0, callbacks=[saver])
    latent = saver.latent.copy()
    gan.fit(tiny_data, batch_size=32, epochs=1, verbose=0, callbacks=[saver])
    np.testing.assert_array_equal(latent, saver.latent)
    expected = keras_gan.utils.image_grid(gan.generate(latent))
    with Image.open(saver.paths[-1]) as image:
        np.testing.assert_array_equal(np.asarray(image), expected[..., 0])


def test_a_crash_while_writing_leaves_no_half_written_png(make_gan, tiny_data, tmp_path, monkeypatch):
    gan = make_gan()
    gan.compile()
    saver = SampleSaver(tmp_path, n=4, scale=1)
    gan.fit(tiny_data, batch_size=32, epochs=1, verbose=0, callbacks=[saver])
    good = (tmp_path / "epoch_0001.png").read_bytes()

    def broken_save(self, fp, format=None, **kwargs):
        with open(fp, "wb") as f:
            f.write(b"\x89PNG partial")
        raise OSError("disk full")

    monkeypatch.setattr(Image.Image, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        saver.save(1)
    assert (tmp_path / "epoch_0001.png").read_bytes() == good
    assert os.listdir(tmp_path) == ["epoch_0001.png"]


def test_grids_land_in_the_tensorboard_run_at_its_epoch_steps(make_gan, tiny_data, tmp_path):
    """Beside `epoch_d_loss` in `log_dir/train`, at the same steps; the image is the PNG's grid."""
    gan = make_gan()
    gan.compile()
    board = keras.callbacks.TensorBoard(str(tmp_path / "logs"), write_graph=False)
    saver = SampleSaver(tmp_path / "png", n=4, every=2, scale=1, tensorboard=board)
    gan.fit(tiny_data, batch_size=32, epochs=3, verbose=0, callbacks=[board, saver])
    events = read_events(tmp_path / "logs" / "train")
    assert sorted(events["epoch_d_loss"]) == [0, 1, 2]
    assert sorted(events["samples"]) == [1, 2]  # epoch_0002.png, epoch_0003.png (the last)
    assert [os.path.basename(p) for p in saver.paths] == ["epoch_0002.png", "epoch_0003.png"]
    with Image.open(saver.paths[-1]) as image:
        np.testing.assert_array_equal(events["samples"][2][..., 0], np.asarray(image))
    assert not os.path.exists(tmp_path / "png" / "train")  # nothing written beside the PNGs


def test_a_log_folder_gets_the_same_steps(make_gan, tiny_data, tmp_path):
    gan = make_gan()
    gan.compile()
    saver = SampleSaver(tmp_path / "png", n=4, tensorboard=str(tmp_path / "tb"))
    gan.fit(tiny_data, batch_size=32, epochs=2, verbose=0, callbacks=[saver])
    assert sorted(read_events(tmp_path / "tb")["samples"]) == [0, 1]


def test_shared_tensorboard_is_used_and_forgotten_by_the_next_fit(make_gan, tiny_data, tmp_path):
    gan = make_gan()
    gan.compile()
    board = keras.callbacks.TensorBoard(str(tmp_path / "logs"), write_graph=False)
    saver = SampleSaver(tmp_path / "png", n=4)
    callbacks = [board, saver]
    assert share_tensorboard(callbacks) is board
    gan.fit(tiny_data, batch_size=32, epochs=1, verbose=0, callbacks=callbacks)
    assert sorted(read_events(tmp_path / "logs" / "train")["samples"]) == [0]
    assert share_tensorboard([saver]) is None  # a later fit without TensorBoard
    gan.fit(tiny_data, batch_size=32, epochs=2, verbose=0, callbacks=[saver])
    assert sorted(read_events(tmp_path / "logs" / "train")["samples"]) == [0]


def test_gan_fit_shares_its_tensorboard_callback(make_gan, tiny_data, tmp_path):
    gan = make_gan()
    gan.compile()
    board = keras.callbacks.TensorBoard(str(tmp_path / "logs"), write_graph=False)
    saver = SampleSaver(tmp_path / "png", n=4)
    gan.fit(tiny_data, batch_size=32, epochs=2, verbose=0, callbacks=[saver, board])
    assert sorted(read_events(tmp_path / "logs" / "train").get("samples", {})) == [0, 1]


def test_bad_arguments():
    with pytest.raises(ValueError, match="every"):
        SampleSaver("x", every=0)
    with pytest.raises(TypeError, match="tensorboard"):
        SampleSaver("x", tensorboard=True)


def test_early_stop_still_leaves_the_final_grid(make_gan, tiny_data, tmp_path):
    import keras

    class StopAfterTwo(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                self.model.stop_training = True

    gan = make_gan()
    gan.compile()
    saver = SampleSaver(tmp_path, n=4, every=5, scale=1)
    gan.fit(tiny_data, batch_size=32, epochs=10, verbose=0, callbacks=[saver, StopAfterTwo()])
    assert os.listdir(tmp_path) == ["epoch_0002.png"]
