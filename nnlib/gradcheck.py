r"""Gradient checking: compare an analytic gradient with central differences.

The central difference :math:`(f(x + \epsilon e_i) - f(x - \epsilon e_i)) / 2\epsilon` differs from
the derivative by :math:`O(\epsilon^2)`; with :math:`\epsilon = 10^{-5}` that is far below
:data:`nnlib.tolerance.GRAD_RTOL` for smooth functions, while still well above float64 round-off.
Points within :math:`\epsilon` of a kink (ReLU at 0) must be avoided: there the two sides differ.
"""
import numpy as np

from nnlib import losses

#: Floor of the denominator of :func:`rel_error`, so that two zero arrays compare as equal.
TINY = 1e-300


def numerical_gradient(f, x, eps=1e-5):
    r"""Gradient of a scalar function by central differences.

    Parameters
    ----------
    f : callable
        Maps an array of the shape of ``x`` to a number.
    x : array_like
        Where to differentiate; it is not modified (f receives perturbed copies).
    eps : float
        Step :math:`\epsilon`.

    Returns
    -------
    ndarray of the shape of ``x``: :math:`(f(x + \epsilon e_i) - f(x - \epsilon e_i)) / (2\epsilon)`
    for every element i.
    """
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        original = x[i]
        x[i] = original + eps
        f_plus = float(f(x.copy()))
        x[i] = original - eps
        f_minus = float(f(x.copy()))
        x[i] = original
        grad[i] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def rel_error(a, b):
    r"""Relative error of two arrays: :math:`\max_i |a_i - b_i| \,/\, \max(\max_i (|a_i| + |b_i|), \text{TINY})`.

    The difference is measured against the largest magnitude in the arrays, so entries that are
    0 in both do not blow the ratio up. 0 means equal; compare with
    :data:`nnlib.tolerance.GRAD_RTOL`. Shapes must agree (ValueError otherwise).

    When the true gradient is 0 everywhere the ratio is meaningless (the central difference's own
    error of order eps**2, about 1e-10, is then the whole of |a| + |b|); compare such arrays with
    :func:`nnlib.tolerance.close` instead.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"rel_error: shapes {a.shape} and {b.shape} differ")
    if a.size == 0:
        return 0.0
    scale = max(float(np.max(np.abs(a) + np.abs(b))), TINY)
    return float(np.max(np.abs(a - b)) / scale)


def check_model_gradients(model, X, y, loss="softmax_cross_entropy", eps=1e-5):
    """Largest :func:`rel_error` between a model's backprop gradients and central differences.

    Compares ``model.gradients(X, y, loss)`` with :func:`numerical_gradient` of the loss for every
    weight matrix and bias vector and returns the largest of these relative errors (below
    :data:`nnlib.tolerance.GRAD_RTOL` when backprop is right). The model's parameters are left
    as they were.
    """
    loss_fn = losses.get_loss(loss)[0] if isinstance(loss, str) else loss[0]
    original = model.get_params()
    _, dWs, dbs = model.gradients(X, y, loss)
    analytic = [g for pair in zip(dWs, dbs) for g in pair]
    worst = 0.0
    try:
        for k, param in enumerate(original):
            def loss_at(value, k=k):
                params = list(original)
                params[k] = value
                model.set_params(params)
                y_hat = model.forward(X)
                target = np.asarray(y)
                if target.shape != y_hat.shape and target.size == y_hat.size and target.ndim != y_hat.ndim:
                    target = target.reshape(y_hat.shape)
                return loss_fn(y_hat, target)
            worst = max(worst, rel_error(analytic[k], numerical_gradient(loss_at, param, eps)))
    finally:
        model.set_params(original)
    return worst
