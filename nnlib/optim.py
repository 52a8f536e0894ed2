r"""Optimisers: rules that turn gradients into new parameters.

Each optimiser has two forms of the same rule:

- ``step(params, grads) -> new_params``: ``params`` and ``grads`` are lists of arrays of matching
  shapes (e.g. ``[W1, b1, W2, b2, ...]`` from :meth:`nnlib.network.MLP.get_params`). The inputs
  are never modified; new arrays are returned.
- ``update(params, grads)``: the same step written into ``params`` in place, which saves a copy of
  every parameter per step; :func:`nnlib.train.train` uses it on the network's own arrays.

The optimiser keeps its own state (velocities, moments) for each position of the list, so always
pass the parameters in the same order. ``reset()`` forgets the state.
"""
import numpy as np


def _float_copy(values):
    """A new float array: float32 stays float32 (a float32 network's parameters), else float64."""
    return np.array(values, dtype=np.float32 if getattr(values, "dtype", None) == np.float32 else float)


def _check_lengths(params, grads):
    if len(params) != len(grads):
        raise ValueError(f"got {len(params)} parameter arrays but {len(grads)} gradient arrays")


def _check_shapes(params, grads):
    """A ValueError unless the two lists of arrays have the same length and each pair the same shape."""
    _check_lengths(params, grads)
    for i, (p, g) in enumerate(zip(params, grads)):
        if p.shape != g.shape:
            raise ValueError(f"parameter {i} has shape {p.shape} but its gradient has shape {g.shape}")


def _as_arrays(params, grads):
    """Float copies of the parameters and float arrays of the gradients (``update`` checks shapes)."""
    params, grads = [_float_copy(p) for p in params], list(grads)
    _check_lengths(params, grads)
    return params, [np.asarray(g, dtype=p.dtype) for p, g in zip(params, grads)]


class Optimizer:
    """What nnlib's optimisers share: ``step`` is ``update`` applied to copies of the parameters."""

    def step(self, params, grads):
        """One step; returns new arrays and leaves ``params`` and ``grads`` as they were."""
        params, grads = _as_arrays(params, grads)
        self.update(params, grads)
        return params

    def update(self, params, grads):
        """One step written into the arrays of ``params`` (each optimiser's own rule)."""
        raise NotImplementedError

    def reset(self):
        """Forget the state."""


class SGD(Optimizer):
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

    def update(self, params, grads):
        """``p -= lr * g`` for every parameter array, in place."""
        _check_shapes(params, grads)
        for p, g in zip(params, grads):
            p -= self.lr * g

    def __repr__(self):
        return f"SGD(lr={self.lr})"


class Momentum(Optimizer):
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

    def update(self, params, grads):
        """One momentum step written into ``params``; updates the stored velocities."""
        _check_shapes(params, grads)
        if self.velocity is None or [v.shape for v in self.velocity] != [p.shape for p in params]:
            self.velocity = [np.zeros_like(p) for p in params]
        for p, g, v in zip(params, grads, self.velocity):
            v *= self.beta
            v -= self.lr * g  # v = beta v - lr g
            p += v

    def __repr__(self):
        return f"Momentum(lr={self.lr}, beta={self.beta})"


class Adam(Optimizer):
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

    def update(self, params, grads):
        """One Adam step written into ``params``; updates the stored moments."""
        _check_shapes(params, grads)
        if self.m is None or [m.shape for m in self.m] != [p.shape for p in params]:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
            self.t = 0
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m *= b1
            m += (1.0 - b1) * g      # m = b1 m + (1 - b1) g
            v *= b2
            v += (1.0 - b2) * g * g  # v = b2 v + (1 - b2) g^2
            m_hat = m / (1.0 - b1 ** self.t)
            v_hat = v / (1.0 - b2 ** self.t)
            # p -= lr m_hat / (sqrt(v_hat) + eps), worked out in m_hat's and v_hat's own arrays
            # (four new arrays fewer per parameter and step)
            np.sqrt(v_hat, out=v_hat)
            v_hat += self.eps
            m_hat *= self.lr
            m_hat /= v_hat
            p -= m_hat

    def __repr__(self):
        return f"Adam(lr={self.lr}, beta1={self.beta1}, beta2={self.beta2}, eps={self.eps})"
