"""Tests of unit 06's training dashboard (nnlib.widgets.training), driven from Python without a browser."""
import time

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nnlib.widgets.training import DATASETS, make_data, training_dashboard  # noqa: E402


@pytest.fixture
def board():
    dashboard = training_dashboard(max_epochs=400, epochs_per_chunk=2)
    yield dashboard
    dashboard.stop()  # never leave a training thread behind


def png(board):
    return board.explorer.output.outputs[0]["data"]["image/png"]


def wait_until(condition, timeout=60.0):
    """Poll ``condition`` until it holds; the time allowed is generous so that a loaded machine passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_dashboard_shows_a_picture_and_its_controls(board):
    """Does the dashboard start with a picture, the three controls, the three buttons and epoch 0?"""
    assert set(board.explorer.controls) == {"lr", "hidden", "dataset"}
    assert [b.description for b in (board.start_button, board.stop_button, board.reset_button)] == \
        ["Start", "Stop", "Reset"]
    assert png(board)
    assert board.epoch == 0 and not board.running
    assert "epoch 0" in board.status.value


def test_training_epochs_lowers_the_loss_and_redraws(board):
    """Do 60 epochs of training lower the training loss, draw the curve and change the regions?"""
    before = png(board)
    board.train_epochs(60)
    assert board.epoch == 60
    loss = board.history["loss"]
    assert len(loss) == len(board.history["val_loss"]) == 60
    assert loss[-1] < 0.5 * loss[0]
    curve = board._artists["train"]
    assert len(curve.get_xdata()) == 60
    assert png(board) != before
    assert board.history["val_accuracy"][-1] > 0.8
    assert "60 epochs" in board.explorer.axes[0].get_title()


def test_learning_rate_slider_applies_without_restarting(board):
    """Does moving the learning rate keep the trained epochs and hand the new rate to the optimiser?"""
    board.train_epochs(4)
    model = board.model
    board.explorer.controls["lr"].value = 0.1  # as a user would move the slider
    assert board.optimizer.lr == pytest.approx(0.1)
    assert board.model is model and board.epoch == 4


def test_hidden_size_and_data_set_start_a_new_network(board):
    """Does a new hidden size or data set build a new network and start the curves again?"""
    board.train_epochs(4)
    board.update(hidden=16)
    assert board.model.layer_sizes == [2, 16, 16, 2] and board.epoch == 0
    board.update(dataset="spirals")
    assert board.model.layer_sizes == [2, 16, 16, DATASETS["spirals"][1]]
    assert len(board.y_train) + len(board.y_val) == 300
    board.train_epochs(2)
    assert board.epoch == 2


def test_start_trains_in_the_background_and_stop_halts_it(board):
    """Does Start train on a thread while the caller goes on, and does Stop end it for good?"""
    board.start_button.click()
    assert wait_until(lambda: board.epoch >= 4), "the background training made no progress"
    assert board.running
    board.stop_button.click()
    assert not board.running
    stopped_at = board.epoch
    time.sleep(0.3)
    assert board.epoch == stopped_at
    assert "stopped" in board.status.value


def test_background_training_stops_by_itself_at_max_epochs():
    """Does the background training end on its own after max_epochs?"""
    dashboard = training_dashboard(max_epochs=6, epochs_per_chunk=4)
    try:
        dashboard.start()
        dashboard.wait(timeout=60)
        assert not dashboard.running
        assert dashboard.epoch == 6
        assert "stopped" in dashboard.status.value
    finally:
        dashboard.stop()


def test_controls_work_while_training_runs(board):
    """Can the learning rate be changed while the thread trains, without an error or a stale picture?"""
    board.start()
    assert wait_until(lambda: board.epoch >= 2)
    board.update(lr=0.005)
    assert board.explorer.last_error is None
    assert board.optimizer.lr == pytest.approx(0.005)
    board.stop()
    assert not board.running


def test_reset_stops_and_starts_from_new_weights(board):
    """Does Reset stop the training and go back to epoch 0 with the same controls?"""
    board.train_epochs(4)
    board.start()
    board.reset_button.click()
    assert not board.running and board.epoch == 0
    assert board.model.layer_sizes[1] == board.explorer.controls["hidden"].value


def test_the_picture_is_computed_with_blas_on_the_training_policys_threads(board):
    """Is every forward pass of a redraw (the class regions, the first accuracy) run with numpy's BLAS
    on train.BLAS_THREADS threads, as training is, and the setting given back after?"""
    from threadpoolctl import threadpool_info

    from nnlib import train as train_module
    from nnlib.network import MLP

    def blas_threads():
        return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]

    seen = []

    class Watched(MLP):
        def forward(self, X):
            seen.append(blas_threads())
            return super().forward(X)

    outside = blas_threads()
    board.model = Watched([2, 8, 8, 2], ["tanh", "tanh", "linear"], seed=0)
    board.explorer.redraw()
    assert len(seen) == 2  # the regions' grid and the validation accuracy before any training
    assert seen == [[train_module.BLAS_THREADS] * len(outside)] * 2
    assert blas_threads() == outside


def test_make_data_splits_each_data_set():
    """Does each data set split into training and validation parts with every sample once?"""
    for name, (loader, n_classes, fraction) in DATASETS.items():
        X_train, X_val, y_train, y_val = make_data(name)
        X, _ = loader(0)
        assert len(X_train) + len(X_val) == len(X)
        assert len(X_val) == round(fraction * len(X))
        assert set(np.unique(np.concatenate([y_train, y_val]))) == set(range(n_classes))


def test_dashboard_trains_in_a_real_kernel_while_the_kernel_answers():
    """In a real Jupyter kernel, does Start return at once, leave the kernel free for other cells, and Stop end it?"""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3", extra_arguments=["--HistoryManager.enabled=False"])
    try:
        def run(code):
            reply = client.execute_interactive(code, timeout=120, output_hook=lambda message: None)
            assert reply["content"]["status"] == "ok", reply["content"]
            return reply

        def value(expression):
            found = {}

            def keep(message):
                if message["msg_type"] == "execute_result":
                    found["text"] = message["content"]["data"]["text/plain"]
            client.execute_interactive(expression, timeout=120, output_hook=keep)
            return found.get("text")

        run("import matplotlib; matplotlib.use('Agg')\n"
            "from nnlib.widgets.training import training_dashboard\n"
            "board = training_dashboard(max_epochs=100000, epochs_per_chunk=1)\n"
            "board.start()")
        assert value("board.running") == "True"
        assert value("6 * 7") == "42"  # the kernel answers while the thread trains
        assert wait_until(lambda: int(value("board.epoch")) >= 3), "no epochs trained in the kernel"
        run("board.stop_button.click()")
        assert value("board.running") == "False"
        stopped_at = value("board.epoch")
        time.sleep(0.3)
        assert value("board.epoch") == stopped_at
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
