"""Activation functions, each followed by its derivative with respect to its input ``z``.

Every function is element-wise (except :func:`softmax`), accepts a number or an array of any
shape, and returns a new float array of the same shape; nothing is modified in place.

The kink rule. ReLU, leaky ReLU, PReLU and ELU switch formula at ``z = 0``. Everywhere in nnlib the
*right-hand* branch is used only where ``z > 0``; at ``z = 0`` exactly the *left-hand* branch
applies. So ``relu_grad(0) = 0``, ``leaky_relu_grad(0) = alpha``, ``prelu_grad(0, alpha) = alpha``
and ``elu_grad(0) = alpha * exp(0) = alpha``.

The registry :data:`ACTIVATIONS` maps a name to ``(f, f_grad)`` for the activations that need
nothing but ``z``; :func:`get_activation` looks a name up and also knows ``"softmax"``.
"""
import numpy as np


def _as_float(z):
    """``z`` as a float array, not copied when it already is one: the functions below only read it
    and compute their result as a new array.

    float32 stays float32 (the layers of a float32 network); anything else becomes float64.
    """
    return np.asarray(z, dtype=np.float32 if getattr(z, "dtype", None) == np.float32 else float)


# --- linear -----------------------------------------------------------------------------------

def linear(z):
    r"""Identity activation :math:`f(z) = z` (returns a copy)."""
    return _as_float(z).copy()


def linear_grad(z):
    r"""Derivative of the identity: :math:`f'(z) = 1` everywhere."""
    return np.ones_like(_as_float(z))


# --- sigmoid ----------------------------------------------------------------------------------

def sigmoid(z):
    r"""Logistic sigmoid :math:`\sigma(z) = 1 / (1 + e^{-z})`, computed without overflow.

    ``exp`` is only ever applied to ``-|z|`` (which is <= 0), using
    :math:`\sigma(z) = 1/(1+e^{-z})` for ``z >= 0`` and :math:`e^{z}/(1+e^{z})` for ``z < 0``;
    so ``sigmoid(-1000)`` is 0 and ``sigmoid(1000)`` is 1 with no overflow warning.
    """
    z = _as_float(z)
    e = np.exp(-np.abs(z))  # in (0, 1]: cannot overflow
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(z):
    r""":math:`\sigma'(z) = \sigma(z)\,(1 - \sigma(z))`."""
    s = sigmoid(z)
    return s * (1.0 - s)


# --- tanh -------------------------------------------------------------------------------------

def tanh(z):
    r"""Hyperbolic tangent :math:`\tanh z = (e^{z} - e^{-z}) / (e^{z} + e^{-z})`."""
    return np.tanh(_as_float(z))


def tanh_grad(z):
    r""":math:`\tanh'(z) = 1 - \tanh^2 z`."""
    t = np.tanh(_as_float(z))
    return 1.0 - t * t


# --- ReLU -------------------------------------------------------------------------------------

def relu(z):
    r"""Rectified linear unit :math:`f(z) = \max(0, z)`."""
    # np.maximum rather than np.where: the same numbers for every finite z, 10-20x faster on a batch
    return np.maximum(_as_float(z), 0.0)


def relu_grad(z):
    r""":math:`f'(z) = 1` if :math:`z > 0` else 0 (so the derivative at 0 is taken as 0)."""
    z = _as_float(z)
    return np.asarray(z > 0, dtype=z.dtype)  # the 0/1 mask as numbers (faster than np.where)


# --- leaky ReLU -------------------------------------------------------------------------------

def leaky_relu(z, alpha=0.01):
    r"""Leaky ReLU: :math:`f(z) = z` if :math:`z > 0` else :math:`\alpha z` (small fixed slope)."""
    z = _as_float(z)
    return np.where(z > 0, z, alpha * z)


def leaky_relu_grad(z, alpha=0.01):
    r""":math:`f'(z) = 1` if :math:`z > 0` else :math:`\alpha` (``alpha`` at 0)."""
    z = _as_float(z)
    return np.where(z > 0, 1.0, alpha * np.ones_like(z))


# --- parametric ReLU --------------------------------------------------------------------------

def prelu(z, alpha):
    r"""Parametric ReLU: :math:`f(z) = z` if :math:`z > 0` else :math:`\alpha z`.

    The same formula as leaky ReLU, but ``alpha`` is a parameter the network learns (a number, or
    an array that broadcasts against ``z``, e.g. one slope per unit); it has no default.
    """
    z = _as_float(z)
    return np.where(z > 0, z, alpha * z)


def prelu_grad(z, alpha):
    r""":math:`f'(z) = 1` if :math:`z > 0` else :math:`\alpha` (derivative with respect to ``z``)."""
    z = _as_float(z)
    return np.where(z > 0, 1.0, alpha * np.ones_like(z))


# --- ELU --------------------------------------------------------------------------------------

def elu(z, alpha=1.0):
    r"""Exponential linear unit: :math:`f(z) = z` if :math:`z > 0` else :math:`\alpha (e^{z} - 1)`.

    ``exp`` is evaluated at ``min(z, 0)`` only, so large positive ``z`` never overflows.
    """
    z = _as_float(z)
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def elu_grad(z, alpha=1.0):
    r""":math:`f'(z) = 1` if :math:`z > 0` else :math:`\alpha e^{z}` (``alpha`` at 0)."""
    z = _as_float(z)
    return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0.0)))


# --- softmax ----------------------------------------------------------------------------------

def softmax(z, axis=-1):
    r"""Softmax along ``axis``: :math:`s_k = e^{z_k} / \sum_j e^{z_j}`.

    Parameters
    ----------
    z : array_like of shape (K,) or (n_samples, K)
        Scores (logits); with the default ``axis=-1`` each row of a batch is one sample.
    axis : int
        The axis that holds the K classes.

    Returns
    -------
    ndarray of the shape of ``z``, positive, summing to 1 along ``axis``.

    Notes
    -----
    Softmax does not change when the same constant is added to every score, so the maximum is
    subtracted first: every exponent is then <= 0 and ``exp`` cannot overflow (``[1000, 0]`` works).
    """
    z = _as_float(z)
    shifted = z - z.max(axis=axis, keepdims=True)  # the array's own max and sum: np.max and
    e = np.exp(shifted)                             # np.sum add a slow wrapper around them
    return e / e.sum(axis=axis, keepdims=True)


def softmax_jacobian(z):
    r"""Jacobian of softmax for one sample, taking the *scores* ``z`` (not the probabilities).

    Parameters
    ----------
    z : array_like of shape (K,)

    Returns
    -------
    J : ndarray of shape (K, K)
        :math:`J_{ij} = \partial s_i / \partial z_j = s_i(\delta_{ij} - s_j)`, i.e.
        :math:`J = \mathrm{diag}(s) - s s^\top` with ``s = softmax(z)``.
    """
    z = _as_float(z)
    if z.ndim != 1:
        raise ValueError(f"softmax_jacobian takes one sample of shape (K,); got shape {z.shape}")
    s = softmax(z)
    return np.diag(s) - np.outer(s, s)


def softmax_backward(z, upstream, axis=-1):
    r"""Chain rule through softmax: from :math:`\partial L/\partial s` to :math:`\partial L/\partial z`.

    Multiplies ``upstream`` by the softmax Jacobian of each sample without building the (K, K)
    matrix: :math:`\partial L/\partial z = s \odot (g - \langle g, s\rangle)` with ``g = upstream``.

    Parameters
    ----------
    z : array_like of shape (K,) or (n_samples, K)
        The scores softmax was applied to.
    upstream : array_like of the shape of ``z``
        :math:`\partial L/\partial s`.
    axis : int
        The class axis, as in :func:`softmax`.

    Returns
    -------
    ndarray of the shape of ``z``.
    """
    s = softmax(z, axis=axis)
    g = _as_float(upstream)
    return s * (g - np.sum(g * s, axis=axis, keepdims=True))


# --- registry ---------------------------------------------------------------------------------

#: Element-wise activations that need only ``z``: name -> (function, derivative).
#: PReLU is left out because its slope ``alpha`` has no default; softmax is left out because its
#: derivative is a Jacobian, not an element-wise function (see :func:`get_activation`).
ACTIVATIONS = {
    "linear": (linear, linear_grad),
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
    "elu": (elu, elu_grad),
}

#: Names the network accepts for a layer: the element-wise ones plus softmax.
KNOWN_NAMES = tuple(ACTIVATIONS) + ("softmax",)


def get_activation(name):
    """Look an activation up by name and return ``(f, f_grad)``.

    For ``"softmax"`` the pair is ``(softmax, softmax_jacobian)``: its derivative is a matrix per
    sample, so a network applies it with :func:`softmax_backward` instead of multiplying
    element-wise.

    Raises
    ------
    ValueError
        If ``name`` is not known; the message lists the known names.
    """
    if name == "softmax":
        return softmax, softmax_jacobian
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; known activations: {', '.join(KNOWN_NAMES)}")
    return ACTIVATIONS[name]
