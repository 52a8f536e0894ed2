r"""A fully connected feed-forward network (multi-layer perceptron) with backpropagation.

Conventions (the course's, stated in unit 03)
---------------------------------------------
- Layer l (l = 1..L) has N_l units, a weight matrix ``W[l-1]`` of shape (N_l, N_{l-1}) and a bias
  ``b[l-1]`` of shape (N_l,); Python lists are 0-based, so ``W[0]`` is the lectures' W^1.
- A batch holds samples as rows: :math:`Z^l = A^{l-1} W^{l\top} + b^l` and :math:`A^l = f_l(Z^l)`,
  with :math:`A^0 = X` of shape (n_samples, N_0).
- Backward, from :math:`\partial L/\partial A^L` (which already contains the loss's 1/n):
  :math:`\delta^l = \partial L/\partial Z^l = \partial L/\partial A^l \odot f_l'(Z^l)` (for softmax,
  the Jacobian of each row instead), :math:`\partial L/\partial W^l = \delta^{l\top} A^{l-1}`,
  :math:`\partial L/\partial b^l = \sum_{\text{rows}} \delta^l`,
  :math:`\partial L/\partial A^{l-1} = \delta^l W^l`.
"""
import numpy as np

from nnlib import activations as act
from nnlib import losses

#: Activations whose layers get He initialisation under ``init="auto"``.
RELU_FAMILY = ("relu", "leaky_relu", "elu")
INITS = ("auto", "he", "xavier", "zeros")
#: Precisions a network can compute in; float32 trains about 1.5-2x faster on the CPU (bench/README.md).
DTYPES = ("float64", "float32")


def _init_weight(rng, n_out, n_in, activation, init):
    """One weight matrix of shape (n_out, n_in).

    He: normal with std sqrt(2 / n_in) (keeps the variance of ReLU activations from layer to
    layer); Xavier/Glorot: uniform on ±sqrt(6 / (n_in + n_out)) (keeps the variance of roughly
    linear units such as tanh and sigmoid near 0); zeros: every weight 0.
    """
    if init == "auto":
        init = "he" if activation in RELU_FAMILY else "xavier"
    if init == "he":
        return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in))
    if init == "xavier":
        limit = np.sqrt(6.0 / (n_in + n_out))
        return rng.uniform(-limit, limit, size=(n_out, n_in))
    return np.zeros((n_out, n_in))


class MLP:
    """A multi-layer perceptron.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[N_0, N_1, ..., N_L]``: inputs, then the units of each layer (at least two entries).
    activations : str or sequence of str
        One name for every layer, or a list of L names, one per weight layer; names from
        :data:`nnlib.activations.KNOWN_NAMES` (``"softmax"`` included).
    seed : int or numpy.random.Generator, optional
        Seed of ``numpy.random.default_rng`` for the initial weights.
    init : {"auto", "he", "xavier", "zeros"}
        ``"auto"`` uses He for the ReLU family and Xavier/Glorot otherwise; ``"zeros"`` sets every
        weight to 0 (to show the symmetry problem). Biases always start at 0.
    dtype : {"float64", "float32"}
        Precision of the parameters and of every computation. float64 (the default) is the course's
        precision; float32 halves the memory and trains faster, with about 7 significant digits.
        The initial weights are drawn in float64 and rounded, so both precisions start alike.

    Attributes
    ----------
    W : list of ndarray, ``W[l]`` of shape (N_{l+1}, N_l)
    b : list of ndarray, ``b[l]`` of shape (N_{l+1},)
    layer_sizes : list of int
    activations : list of str, one per weight layer
    dtype : numpy.dtype
    Z, A : lists of ndarray cached by the last :meth:`forward` (``A[0]`` is the input batch)
    """

    dtype = np.dtype("float64")  # also for a network rebuilt from its attributes alone

    def __init__(self, layer_sizes, activations, seed=None, init="auto", dtype="float64"):
        sizes = [int(n) for n in layer_sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError("layer_sizes needs at least two positive sizes (inputs, outputs); "
                             f"got {layer_sizes!r}")
        n_layers = len(sizes) - 1
        names = [activations] * n_layers if isinstance(activations, str) else list(activations)
        if len(names) != n_layers:
            raise ValueError(f"{n_layers} weight layers need {n_layers} activations; "
                             f"got {len(names)}: {names!r}")
        for name in names:
            act.get_activation(name)  # raises a ValueError listing the known names
        if "softmax" in names[:-1]:
            raise ValueError("softmax is only supported as the activation of the last layer")
        if init not in INITS:
            raise ValueError(f"unknown init {init!r}; choose one of {', '.join(INITS)}")
        if np.dtype(dtype).name not in DTYPES:
            raise ValueError(f"unknown dtype {dtype!r}; choose one of {', '.join(DTYPES)}")
        rng = np.random.default_rng(seed)
        self.layer_sizes = sizes
        self.activations = names
        self.dtype = np.dtype(dtype)
        self.W = [_init_weight(rng, sizes[l + 1], sizes[l], names[l], init).astype(self.dtype, copy=False)
                  for l in range(n_layers)]
        self.b = [np.zeros(sizes[l + 1], dtype=self.dtype) for l in range(n_layers)]
        self.Z, self.A = [], []
        self._single = False

    def __repr__(self):
        return f"MLP(layer_sizes={self.layer_sizes}, activations={self.activations})"

    # --- parameters ---------------------------------------------------------------------------

    @property
    def n_layers(self):
        """L, the number of weight layers."""
        return len(self.W)

    @property
    def n_params(self):
        """Number of trainable numbers: the sum of N_l * N_{l-1} + N_l over the layers."""
        return int(sum(W.size + b.size for W, b in zip(self.W, self.b)))

    def set_weights(self, Ws, bs):
        """Replace every weight matrix and bias by copies of ``Ws`` and ``bs``.

        Shapes are checked: ``Ws[l]`` must be (N_{l+1}, N_l) and ``bs[l]`` (N_{l+1},); a wrong
        shape raises a ValueError that says which layer and which shape was expected.
        """
        Ws, bs = list(Ws), list(bs)
        if len(Ws) != self.n_layers or len(bs) != self.n_layers:
            raise ValueError(f"this network has {self.n_layers} layers; got {len(Ws)} weight "
                             f"matrices and {len(bs)} bias vectors")
        new_W, new_b = [], []
        for l, (W, b) in enumerate(zip(Ws, bs)):
            W, b = np.array(W, dtype=self.dtype), np.array(b, dtype=self.dtype)
            w_shape, b_shape = self.W[l].shape, self.b[l].shape
            if W.shape != w_shape:
                hint = " (it looks transposed)" if W.shape == w_shape[::-1] else ""
                raise ValueError(f"W[{l}] must have shape {w_shape} = (units of this layer, units of "
                                 f"the previous layer); got {W.shape}{hint}")
            if b.shape != b_shape:
                raise ValueError(f"b[{l}] must have shape {b_shape}; got {b.shape}")
            new_W.append(W)
            new_b.append(b)
        self.W, self.b = new_W, new_b

    def get_params(self):
        """Copies of the parameters in the order ``[W1, b1, W2, b2, ...]``."""
        params = []
        for W, b in zip(self.W, self.b):
            params += [W.copy(), b.copy()]
        return params

    def set_params(self, params):
        """Set the parameters from a list in the order ``[W1, b1, W2, b2, ...]`` (copies them)."""
        params = list(params)
        if len(params) != 2 * self.n_layers:
            raise ValueError(f"expected {2 * self.n_layers} arrays [W1, b1, W2, b2, ...]; got {len(params)}")
        self.set_weights(params[0::2], params[1::2])

    # --- forward ------------------------------------------------------------------------------

    def forward(self, X):
        """Output of the network for a batch ``X`` of shape (n, N_0), or one sample of shape (N_0,).

        Caches ``Z`` and ``A`` (as 2-D batches) for :meth:`backward`. Returns a new array of shape
        (n, N_L), or (N_L,) for a single sample.
        """
        out = self._forward(X)
        # a copy: the caller may change it without changing the cache that backward reads
        return out[0].copy() if self._single else out.copy()

    def _forward(self, X):
        """:meth:`forward` without its last copy: returns the cached output ``A[-1]`` itself (2-D)."""
        return self._layers(self._as_batch(X), single=np.ndim(X) == 1)

    def _as_batch(self, X):
        """``X`` as a new 2-D array of the network's dtype, one sample ``(N_0,)`` as ``(1, N_0)``;
        a ValueError names the expected shape when the width is not N_0."""
        X = np.array(X, dtype=self.dtype)  # a copy: the cache never shares memory with the caller
        A = X.reshape(1, -1) if X.ndim == 1 else X
        if A.ndim != 2 or A.shape[1] != self.layer_sizes[0]:
            raise ValueError(f"X must have shape (n_samples, {self.layer_sizes[0]}) or "
                             f"({self.layer_sizes[0]},); got {X.shape}")
        return A

    def _layers(self, A, single=False):
        """The layers applied to a 2-D batch ``A`` of the network's dtype; fills the cache ``Z``, ``A``.

        Returns the cached output ``A[-1]`` itself. ``single`` records whether the batch stands for
        one sample (then :meth:`forward` and :meth:`backward` take and give 1-D arrays).
        """
        self._single = single
        self.Z, self.A = [], [A]
        for Z, A in self._each_layer(A):
            self.Z.append(Z)
            self.A.append(A)
        return A

    def predict(self, X):
        """Predictions for ``X``.

        Several outputs: the index of the largest output (class labels, shape (n,)). One sigmoid
        output: 1 where the output exceeds 0.5 else 0 (shape (n,)). Otherwise (regression) the
        outputs themselves, as :meth:`forward` returns them.
        """
        out = self.forward(X)
        if self.layer_sizes[-1] > 1:
            return np.argmax(out, axis=-1)
        if self.activations[-1] == "sigmoid":
            return (out[..., 0] > 0.5).astype(int)
        return out

    # --- backward -----------------------------------------------------------------------------

    def _delta(self, l, dA, own=False):
        r""":math:`\delta = \partial L/\partial Z` of layer ``l`` from :math:`\partial L/\partial A` (2-D).

        ``own``: ``dA`` is a new array that only the caller holds, so delta may be written into it.
        """
        name, Z = self.activations[l], self.Z[l]
        if name == "linear":
            return dA  # the identity's derivative is 1
        if name == "softmax":
            return act.softmax_backward(Z, dA)  # the Jacobian of each row
        if name == "relu" and own:
            # relu'(Z) is 1 where Z > 0, else 0, and Z > 0 exactly where A = relu(Z) > 0: the mask
            # of A (which the next dW reads anyway) multiplied in as it is, not turned into numbers
            dA *= self.A[l + 1] > 0
            return dA
        delta = act.get_activation(name)[1](Z)  # f'(Z), a new array: the product can go into it
        delta *= dA
        return delta

    def _backprop(self, delta):
        """Gradients of every W and b from delta = dL/dZ of the last layer (2-D)."""
        n_layers = self.n_layers
        dWs, dbs = [None] * n_layers, [None] * n_layers
        for l in range(n_layers - 1, -1, -1):
            dWs[l] = delta.T @ self.A[l]
            dbs[l] = delta.sum(axis=0)
            if l > 0:
                # uses W before any update: the gradients come first; the product is a new array
                delta = self._delta(l - 1, delta @ self.W[l], own=True)
        return dWs, dbs

    def backward(self, dA_out):
        r"""Gradients of the loss with respect to every W and b, from the last :meth:`forward`.

        Parameters
        ----------
        dA_out : array_like of the shape forward returned
            :math:`\partial L / \partial \hat y`, e.g. ``losses.mse_grad(y_hat, y)``; it already
            carries the loss's averaging factor, so no 1/n is applied here.

        Returns
        -------
        dWs, dbs : lists of ndarray, shaped like ``W`` and ``b``.

        For a softmax output layer the Jacobian of each row is applied
        (:func:`nnlib.activations.softmax_backward`), so ``cross_entropy_grad`` followed by it gives
        :math:`(\hat y - y)/n`.
        """
        if not self.A:
            raise RuntimeError("call forward(X) before backward(...)")
        dA = np.asarray(dA_out, dtype=self.dtype)  # only read: no copy needed
        dA = dA.reshape(1, -1) if self._single else dA
        if dA.shape != self.A[-1].shape:
            raise ValueError(f"dA_out must have the shape of the last output {self.A[-1].shape}; "
                             f"got {dA.shape}")
        return self._backprop(self._delta(self.n_layers - 1, dA))

    def gradients(self, X, y, loss="softmax_cross_entropy"):
        """Loss and gradients for one batch: forward, loss, backward.

        Parameters
        ----------
        X : array_like of shape (n, N_0) or (N_0,)
        y : targets, in the form the loss takes (integer labels work for the cross-entropies).
            When ``y`` has as many numbers as the output but another shape (e.g. (n,) against an
            output of (n, 1)), it is reshaped to the output's shape.
        loss : str or (loss, loss_grad) pair
            A name from :data:`nnlib.losses.LOSSES` or two functions ``f(y_hat, y)``.

        Returns
        -------
        loss_value : float
        dWs, dbs : lists of ndarray shaped like ``W`` and ``b``.
        """
        out = self._forward(X)  # the cache itself, only read here: no copy
        y_hat = out[0] if self._single else out
        y = np.asarray(y)
        if y.shape != y_hat.shape and y.size == y_hat.size and y.ndim != y_hat.ndim:
            y = y.reshape(y_hat.shape)
        return self._loss_and_gradients(y_hat, y, loss)

    def _loss_and_gradients(self, y_hat, y, loss, with_value=True):
        """The loss value (None unless ``with_value``) and the gradients ``dWs, dbs``, for the output
        ``y_hat`` of the last forward pass and targets ``y`` (what :meth:`gradients` returns)."""
        f, f_grad = losses.get_loss(loss) if isinstance(loss, str) else loss
        if self.activations[-1] == "softmax" and loss == "cross_entropy":
            # softmax followed by cross-entropy: dL/dZ is exactly (y_hat - y)/n, with no division
            # by a probability that may have been clipped
            out = self.A[-1]  # y_hat as a 2-D batch
            targets = y if y.shape == y_hat.shape else losses.one_hot(y, y_hat.shape[-1])
            delta = (out - targets.reshape(out.shape).astype(self.dtype, copy=False)) / len(out)
            return (f(y_hat, y) if with_value else None), *self._backprop(delta)
        if loss == "softmax_cross_entropy" and with_value:
            # one softmax and one encoding of the targets give both the value and the gradient
            value, dA = losses.softmax_cross_entropy_and_grad(y_hat, y)
        else:
            value, dA = (f(y_hat, y) if with_value else None), f_grad(y_hat, y)
        return value, *self.backward(dA)

    # --- the training loop's path -------------------------------------------------------------

    def _batch_gradients(self, X, Y, loss):
        """The gradients of one batch as :func:`nnlib.train.train` needs them: ``gradients(X, Y, loss)``
        without its input copy and its loss value.

        ``X`` is a batch that ``train`` cut from its own checked copy of the data (a 2-D array of the
        network's dtype that no one else holds), ``Y`` the targets in the output's shape (one-hot
        rows, encoded once per training, for the cross-entropies). The formulas are those of
        :meth:`gradients`, so the gradients are the same numbers; the loss value is left out
        because ``train`` measures the loss once per epoch, on the whole training set.

        Returns
        -------
        dWs, dbs : lists of ndarray shaped like ``W`` and ``b``.
        """
        y_hat = self._layers(X)
        _, dWs, dbs = self._loss_and_gradients(y_hat, Y, loss, with_value=False)
        return dWs, dbs

    def _outputs(self, X):
        """The outputs for ``train``'s measurement after each epoch: :meth:`forward` without the cache.

        ``X`` is ``train``'s own 2-D copy of the data. Nothing is kept for :meth:`backward`, so a
        ReLU layer writes max(Z, 0) into its own Z instead of into a new array: on a whole training
        set (1438 x 256 numbers in bench/bench_train.py) fresh memory every epoch costs more than
        the ReLU itself. Returns a new array of shape (n, N_L).
        """
        A = X
        for _, A in self._each_layer(X, keep_z=False):
            pass
        return A

    def _each_layer(self, A, keep_z=True):
        """Yield ``(Z, A)`` of every layer in turn for the 2-D batch ``A``: :math:`Z = A W^T + b`, then
        :math:`A = f(Z)`. With ``keep_z=False`` a ReLU layer writes max(Z, 0) into Z itself, so the Z
        it yields is its A: for outputs only, where no backward pass reads Z."""
        for W, b, name in zip(self.W, self.b, self.activations):
            Z = A @ W.T
            Z += b  # into the new product: one array fewer than A @ W.T + b, the same numbers
            if name == "relu" and not keep_z:
                A = np.maximum(Z, 0.0, out=Z)  # act.relu's formula, written into Z
            else:
                A = Z if name == "linear" else act.get_activation(name)[0](Z)  # the identity: no copy
            yield Z, A
