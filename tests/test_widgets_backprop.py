"""Tests of unit 05's explorer (nnlib.widgets.backprop), driven from Python without a browser."""
import matplotlib

matplotlib.use("Agg")
import pytest  # noqa: E402

from nnlib.widgets.backprop import backprop_explorer, lecture_000_steps  # noqa: E402


@pytest.fixture(scope="module")
def explorer():
    return backprop_explorer()


def test_walk_through_goes_forward_then_backward_then_updates():
    """Do the steps run start, forward x3, x4, x5, loss, δ5, gradients, δ3, δ4, gradients, update?"""
    steps = lecture_000_steps()
    assert [s.phase for s in steps] == ["start", "forward", "forward", "forward", "loss", "backward", "gradients",
                                        "backward", "backward", "gradients", "update"]
    assert [s.focus[0] for s in steps[1:4]] == [3, 4, 5]
    assert [s.focus[0] for s in (steps[5], steps[7], steps[8])] == [5, 3, 4]
    # nothing is known before its step: no δ during the forward pass, no new weight before the update
    assert all(not s.delta for s in steps[:5])
    assert all(s.weights == steps[0].weights for s in steps[:-1])


def test_every_delta_uses_the_old_weights_in_the_right_order():
    """Is δ3 computed with the old w35 = 2 (δ3 = 20), and does the text show the lecture's numbers?"""
    step = lecture_000_steps()[7]
    assert step.delta[3] == 20.0 and step.weights["w35"] == 2.0
    assert "10·2·1 = 20" in step.text


def test_wrong_order_shows_delta3_from_the_new_w35():
    """With early updates, does δ3 become -30 from w35 = -3, and is that flagged in the text?"""
    steps = lecture_000_steps(update_early=True)
    assert steps[6].weights["w35"] == -3.0
    assert steps[7].delta[3] == -30.0 and "NEW w35" in steps[7].text
    assert steps[-1].weights["w13"] == 5.0 and steps[-1].weights["w23"] == -6.0


def test_explorer_draws_each_step_and_highlights_the_current_unit(explorer):
    """Does moving the slider redraw, show the step's values in the picture's texts and ring the current unit?"""
    explorer.update(step=0, update_early=False)
    before = explorer.to_png()
    count = explorer.draw_count
    explorer.controls["step"].value = 1   # as a user would move the slider
    assert explorer.draw_count == count + 1 and explorer.last_error is None
    artists = explorer.axes._backprop_artists
    assert "x3 = 5" in artists["node_text"][3].get_text()
    assert "x4 = ?" in artists["node_text"][4].get_text()
    assert artists["nodes"][3].get_linewidth() > artists["nodes"][4].get_linewidth()
    assert explorer.to_png() != before
    assert "<table" in explorer.info.value


def test_backward_steps_show_deltas_and_gradients(explorer):
    """At the last gradient step, are δ3 = 20 and the gradient of w23 = -20 shown in the figure and tables?"""
    explorer.update(step=9, update_early=False)
    artists = explorer.axes._backprop_artists
    assert "δ3 = 20" in artists["node_text"][3].get_text()
    assert "∂L/∂w23 = -20" in artists["edge_text"]["w23"].get_text()
    assert "w13 = 2" in artists["edge_text"]["w13"].get_text()  # not yet updated
    explorer.update(step=10)
    assert "w13 = 0" in explorer.axes._backprop_artists["edge_text"]["w13"].get_text()


def test_next_and_back_buttons_move_one_step(explorer):
    """Do Next and Back move the step by one and stop at the ends?"""
    explorer.update(step=0)
    explorer.next_button.click()
    explorer.next_button.click()
    assert explorer.controls["step"].value == 2
    explorer.back_button.click()
    assert explorer.controls["step"].value == 1
    explorer.update(step=10)
    explorer.next_button.click()
    assert explorer.controls["step"].value == 10


def test_check_box_switches_to_the_wrong_order(explorer):
    """Does ticking the check box redraw the update step with the wrong weights w13 = 5, w23 = -6?"""
    explorer.update(step=10, update_early=False)
    count = explorer.draw_count
    explorer.controls["update_early"].value = True
    assert explorer.draw_count == count + 1
    assert "w13 = 5" in explorer.axes._backprop_artists["edge_text"]["w13"].get_text()
    assert explorer.steps()[7].delta[3] == -30.0
    explorer.controls["update_early"].value = False


def test_play_control_is_linked_to_the_slider(explorer):
    """Does the Play widget move the step slider (kernel-side link)?"""
    explorer.play.value = 4
    assert explorer.controls["step"].value == 4
