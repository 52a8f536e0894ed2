"""The lectures' numbers that unit 06 reproduces: lecture 002's gradient-descent step on its output layer.

Lecture 002 updates the output weights of its 2-3-1 sigmoid network for the input (2, 9) with target 1
and learning rate 0.1: w7 0.4 -> 0.40127, and as practice answers w8 -> 0.50125, w9 -> 0.90127325094.
Unit 06's SGD step (nnlib.optim.SGD and the notebook's reference answer) gives the exact values; the
slide's w9 is reproduced from the rounded intermediates it was computed from.
"""
import numpy as np

from nnlib.exercises.unit06 import _lecture_002_output_layer
from nnlib.optim import SGD
from nnlib.tolerance import close, max_error
from tests.notebook_harness import Unit


def exact_step():
    params, grads = _lecture_002_output_layer()
    return SGD(lr=0.1).step(params, grads)


def test_002_output_gradients_from_the_forward_pass():
    """Is dE/dw7 = -0.0127 (slide) and dE/dz = -0.0127309 (slide: -0.01275, from the rounded -0.1204 * 0.1059)?"""
    _, grads = _lecture_002_output_layer()
    assert max_error(grads[0][0, 0], -0.0127) < 0.5e-4
    assert max_error(grads[1][0], -0.0127309) < 0.5e-7  # dE/dz, the gradient of the bias b2
    assert max_error(-0.1204 * 0.1059, -0.01275) < 0.5e-5


def test_002_sgd_step_gives_the_slides_weights():
    """Does one SGD step with lr 0.1 give w7 = 0.4012725 (slide 0.40127) and w8 = 0.5012502 (slide 0.50125)?"""
    new = exact_step()
    w7, w8, w9 = new[0][0]
    assert max_error(w7, 0.40127) < 0.5e-5 and max_error(w7, 0.4012725) < 0.5e-7
    assert max_error(w8, 0.50125) < 0.5e-5 and max_error(w8, 0.5012502) < 0.5e-7
    assert max_error(w9, 0.9012714) < 0.5e-7


def test_002_slide_w9_comes_from_rounded_intermediates():
    """Is the slide's w9 = 0.90127325094 what the rounded 0.1204, 0.1059 and a3 = 0.9986 give, unlike the exact value?"""
    slide = 0.90127325094
    from_rounded = 0.9 + 0.1 * 0.1204 * 0.1059 * 0.9986
    assert max_error(from_rounded, slide) < 1e-11
    assert max_error(exact_step()[0][0, 2], slide) > 1e-6


def test_notebooks_sgd_step_reproduces_the_exact_values():
    """Does the unit's reference sgd_step give the same exact numbers as nnlib's SGD?"""
    namespace = Unit("06_training").namespace()
    params, grads = _lecture_002_output_layer()
    ours = namespace["sgd_step"](params, grads, 0.1)
    assert all(close(a, b) for a, b in zip(ours, exact_step()))
    assert close(np.round(ours[0][0], 7), [0.4012725, 0.5012502, 0.9012714])
