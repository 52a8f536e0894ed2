r"""Optimisers: rules that turn gradients into new parameters.

Each optimiser has ``step(params, grads) -> new_params``: ``params`` and ``grads`` are lists of
arrays of matching shapes (e.g. ``[W1, b1, W2, b2, ...]`` from :meth:`nnlib.network.MLP.get_params`).
The inputs are never modified; the optimiser keeps its own state (velocities, moments) for each
position of the list, so always pass the parameters in the same order. ``reset()`` forgets the
state.
"""
import numpy as np


def _as_arrays(params, grads):
    """Float copies of both lists, checking that they match in length and shapes."""
    params, grads = list(params), list(grads)
    if len(params) != len(grads):
        raise ValueError(f"got {len(params)} parameter arrays but {len(grads)} gradient arrays")
    params = [np.array(p, dtype=float) for p in params]
    grads = [np.asarray(g, dtype=float) for g in grads]
    for i, (p, g) in enumerate(zip(params, grads)):
        if p.shape != g.shape:
            raise ValueError(f"parameter {i} has shape {p.shape} but its gradient has shape {g.shape}")
    return params, grads


class SGD:
    r"""Plain gradient descent: :math:`\theta \leftarrow \theta - \eta\, g`.

    Parameters
    ----------
    lr : float
        The learning rate :math:`\eta`.
    """

    def __init__(self, lr=0.1):
        self.lr = float(lr)

    def reset(self):
        """SGD keeps no state; present so every optimiser can be reset alike."""

    def step(self, params, grads):
        """Return ``[p - lr * g for p, g in zip(params, grads)]`` as new arrays."""
        params, grads = _as_arrays(params, grads)
        return [p - self.lr * g for p, g in zip(params, grads)]

    def __repr__(self):
        return f"SGD(lr={self.lr})"


class Momentum:
    r"""Gradient descent with momentum (a velocity that remembers past gradients).

    For each parameter, with the velocity v starting at 0:
    :math:`v \leftarrow \beta v - \eta g`, then :math:`\theta \leftarrow \theta + v`.
    With :math:`\beta = 0` this is plain SGD.

    Parameters
    ----------
    lr : float
        Learning rate :math:`\eta`.
    beta : float
        How much of the previous velocity is kept at each step (0 <= beta < 1).
    """

    def __init__(self, lr=0.01, beta=0.9):
        self.lr, self.beta = float(lr), float(beta)
        self.velocity = None

    def reset(self):
        """Forget the velocities."""
        self.velocity = None

    def step(self, params, grads):
        """One momentum step; returns new arrays and updates the stored velocities."""
        params, grads = _as_arrays(params, grads)
        if self.velocity is None or [v.shape for v in self.velocity] != [p.shape for p in params]:
            self.velocity = [np.zeros_like(p) for p in params]
        self.velocity = [self.beta * v - self.lr * g for v, g in zip(self.velocity, grads)]
        return [p + v for p, v in zip(params, self.velocity)]

    def __repr__(self):
        return f"Momentum(lr={self.lr}, beta={self.beta})"


class Adam:
    r"""Adam: per-parameter step sizes from running averages of the gradient and its square.

    For each parameter, with m = v = 0 and t = 0 at the start, one step does
    :math:`t \leftarrow t + 1`,
    :math:`m \leftarrow \beta_1 m + (1 - \beta_1) g`,
    :math:`v \leftarrow \beta_2 v + (1 - \beta_2) g^2`,
    then corrects the bias of starting at zero,
    :math:`\hat m = m / (1 - \beta_1^t)`, :math:`\hat v = v / (1 - \beta_2^t)`,
    and updates :math:`\theta \leftarrow \theta - \eta\, \hat m / (\sqrt{\hat v} + \epsilon)`.

    Parameters
    ----------
    lr : float
        Learning rate :math:`\eta`.
    beta1, beta2 : float
        Decay rates of the first and second moment averages.
    eps : float
        Keeps the division finite when :math:`\hat v` is 0.
    """

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = float(lr), float(beta1), float(beta2), float(eps)
        self.reset()

    def reset(self):
        """Forget the moments and the step count."""
        self.m, self.v, self.t = None, None, 0

    def step(self, params, grads):
        """One Adam step; returns new arrays and updates the stored moments."""
        params, grads = _as_arrays(params, grads)
        if self.m is None or [m.shape for m in self.m] != [p.shape for p in params]:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
            self.t = 0
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        self.m = [b1 * m + (1.0 - b1) * g for m, g in zip(self.m, grads)]
        self.v = [b2 * v + (1.0 - b2) * g * g for v, g in zip(self.v, grads)]
        new_params = []
        for p, m, v in zip(params, self.m, self.v):
            m_hat = m / (1.0 - b1 ** self.t)
            v_hat = v / (1.0 - b2 ** self.t)
            new_params.append(p - self.lr * m_hat / (np.sqrt(v_hat) + self.eps))
        return new_params

    def __repr__(self):
        return f"Adam(lr={self.lr}, beta1={self.beta1}, beta2={self.beta2}, eps={self.eps})"
