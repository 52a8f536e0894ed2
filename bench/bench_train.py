"""Benchmark: nnlib's training speed beside a hand-fused numpy loop and PyTorch, measured in one run.

Usage::

    .venv/bin/python bench/bench_train.py                  # every table (a few minutes on 2 cores)
    .venv/bin/python bench/bench_train.py --epochs 2 --repeat 1 --nets 64-64-10 --batches 32 \
        --optimizers sgd --dtypes float64                   # one line, a few seconds

Three contenders train the same network on the 8x8 digits (``nnlib.datasets.digits``, split by
``train_test_split`` with seed 0) from the same initial weights, on the same mini-batches in the
same order, and do the same work: every epoch shuffles the training set, takes one optimiser step
per batch (ReLU hidden layers, softmax cross-entropy on the logits), then measures the loss and
accuracy on the whole training set (what ``nnlib.train.train`` records in its history):

- **floor**: a hand-fused numpy loop, written for speed (in-place arithmetic, one-hot targets made
  once, the optimiser fused into the backward pass): the least numpy can do for this work;
- **nnlib**: ``nnlib.train.train(model, X, y, optimizer=..., progress=False)``, as students call it;
- **torch**: ``torch.nn`` layers, ``torch.optim`` and ``F.cross_entropy`` on the CPU (skipped,
  with a message, when torch is not installed: ``pip install -e '.[bench]'``).

Every contender runs with the same number of threads (``--threads``, default 1: numpy's BLAS through
threadpoolctl, torch through ``torch.set_num_threads``), each measurement is the best of
``--repeat`` runs, and the contenders take turns within each repetition, so a busy machine slows
them alike and the printed ratios stay meaningful. Held-out accuracy is printed beside each time.

Tables: (1) training, (2) one forward + backward of a batch (``MLP.gradients`` against the same
work in the floor and in torch), (3) nnlib's training with 1 and 2 BLAS threads (the thread policy).
"""
from __future__ import annotations

import argparse
import itertools
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from nnlib import datasets, optim  # noqa: E402
from nnlib import train as train_module  # noqa: E402
from nnlib.network import MLP  # noqa: E402

try:
    import torch
except ImportError:  # the benchmark's optional extra
    torch = None

CONTENDERS = ("floor", "nnlib", "torch")
LEARNING_RATES = {"sgd": 0.1, "adam": 0.003}
ADAM_BETAS, ADAM_EPS = (0.9, 0.999), 1e-8


# ---------------------------------------------------------------------- data and starting weights
def digits_split():
    X, y = datasets.digits()
    X_train, X_test, y_train, y_test = datasets.train_test_split(X, y, test_fraction=0.2, seed=0)
    return X_train, X_test, y_train, y_test


def new_model(sizes, dtype, seed=0):
    """nnlib's MLP with ReLU hidden layers and a linear (logit) output; its weights start everyone."""
    names = ["relu"] * (len(sizes) - 2) + ["linear"]
    return MLP(sizes, names, seed=seed, dtype=dtype)


# ---------------------------------------------------------------------- the hand-fused numpy floor
class NumpyFloor:
    """Mini-batch training written for speed alone: the floor nnlib is measured against."""

    def __init__(self, Ws, bs, optimizer, lr, dtype):
        self.dtype = np.dtype(dtype)
        self.Ws = [np.array(W, dtype=self.dtype) for W in Ws]
        self.bs = [np.array(b, dtype=self.dtype) for b in bs]
        self.optimizer, self.lr, self.t = optimizer, lr, 0
        params = self.Ws + self.bs
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]

    def forward(self, X):
        """[X, A^1, ..., A^L]: ReLU in place on every hidden layer, the last entry the logits."""
        activations = [X]
        for l, (W, b) in enumerate(zip(self.Ws, self.bs)):
            Z = activations[-1] @ W.T
            Z += b
            if l < len(self.Ws) - 1:
                np.maximum(Z, 0, out=Z)
            activations.append(Z)
        return activations

    def logits(self, X):
        return self.forward(X)[-1]

    def step(self, X, Y, update=True):
        """One forward, backward and (unless ``update`` is False) update on the batch X, one-hot Y."""
        activations = self.forward(X)
        delta = activations[-1]  # the logits become dL/dZ in place: (softmax(Z) - Y) / n
        delta -= delta.max(axis=1, keepdims=True)
        np.exp(delta, out=delta)
        delta /= delta.sum(axis=1, keepdims=True)
        delta -= Y
        delta *= 1.0 / len(X)
        self.t += 1
        n_layers = len(self.Ws)
        for l in range(n_layers - 1, -1, -1):
            dW = delta.T @ activations[l]
            db = delta.sum(axis=0)
            if l > 0:  # the next delta uses W before its update
                upstream = delta @ self.Ws[l]
                upstream *= activations[l] > 0
            if update:
                self.update(l, dW, db)
            if l > 0:
                delta = upstream

    def update(self, l, dW, db):
        n_layers = len(self.Ws)
        for i, p, g in ((l, self.Ws[l], dW), (n_layers + l, self.bs[l], db)):
            if self.optimizer == "sgd":
                g *= self.lr
                p -= g
                continue
            (b1, b2), m, v = ADAM_BETAS, self.m[i], self.v[i]
            m *= b1
            m += (1 - b1) * g
            g *= g
            v *= b2
            v += (1 - b2) * g
            correction = np.sqrt(1 - b2 ** self.t)
            denominator = np.sqrt(v)
            denominator += ADAM_EPS * correction
            np.divide(m, denominator, out=denominator)
            denominator *= self.lr * correction / (1 - b1 ** self.t)
            p -= denominator

    def evaluate(self, X, Y, labels):
        Z = self.logits(X)
        Z -= Z.max(axis=1, keepdims=True)
        log_probs = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
        return float(-np.sum(log_probs * Y) / len(X)), float(np.mean(Z.argmax(axis=1) == labels))


def train_floor(start, X, y, optimizer, epochs, batch_size, seed):
    floor = NumpyFloor(start.W, start.b, optimizer, LEARNING_RATES[optimizer], start.dtype)
    X = np.asarray(X, dtype=floor.dtype)
    Y = np.eye(start.layer_sizes[-1], dtype=floor.dtype)[y]
    rng = np.random.default_rng(seed)
    history = []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for begin in range(0, len(X), batch_size):
            rows = order[begin:begin + batch_size]
            floor.step(X[rows], Y[rows])
        history.append(floor.evaluate(X, Y, y))
    return floor.logits


# ---------------------------------------------------------------------- nnlib and torch
def train_nnlib(start, X, y, optimizer, epochs, batch_size, seed):
    model = new_model(start.layer_sizes, start.dtype)
    model.set_params(start.get_params())
    opt = optim.SGD(lr=LEARNING_RATES["sgd"]) if optimizer == "sgd" else optim.Adam(
        lr=LEARNING_RATES["adam"], beta1=ADAM_BETAS[0], beta2=ADAM_BETAS[1], eps=ADAM_EPS)
    train_module.train(model, X, y, optimizer=opt, epochs=epochs, batch_size=batch_size, seed=seed,
                       progress=False)
    return model.forward


def torch_model(start):
    layers = []
    for l, (W, b) in enumerate(zip(start.W, start.b)):
        linear = torch.nn.Linear(W.shape[1], W.shape[0], dtype=torch_dtype(start.dtype))
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(np.array(W)))
            linear.bias.copy_(torch.from_numpy(np.array(b)))
        layers.append(linear)
        if l < len(start.W) - 1:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def torch_dtype(dtype):
    return torch.float32 if np.dtype(dtype) == np.float32 else torch.float64


def warm_up_torch():
    """One step of each optimiser on a tiny network: torch's first calls set up its kernels."""
    X, y = np.zeros((4, 3)), np.array([0, 1, 0, 1])
    for dtype in ("float64", "float32"):
        for optimizer in LEARNING_RATES:
            train_torch(new_model([3, 2, 2], dtype), X, y, optimizer, epochs=1, batch_size=4, seed=0)


def train_torch(start, X, y, optimizer, epochs, batch_size, seed):
    model = torch_model(start)
    lr = LEARNING_RATES[optimizer]
    opt = torch.optim.SGD(model.parameters(), lr=lr) if optimizer == "sgd" else torch.optim.Adam(
        model.parameters(), lr=lr, betas=ADAM_BETAS, eps=ADAM_EPS)
    X_t = torch.from_numpy(np.asarray(X, dtype=start.dtype))
    y_t = torch.from_numpy(np.asarray(y, dtype=np.int64))
    rng = np.random.default_rng(seed)
    history = []
    for _ in range(epochs):
        order = torch.from_numpy(rng.permutation(len(X)))
        for begin in range(0, len(X), batch_size):
            rows = order[begin:begin + batch_size]
            opt.zero_grad(set_to_none=True)
            torch.nn.functional.cross_entropy(model(X_t[rows]), y_t[rows]).backward()
            opt.step()
        with torch.no_grad():
            logits = model(X_t)
            history.append((torch.nn.functional.cross_entropy(logits, y_t).item(),
                            (logits.argmax(dim=1) == y_t).double().mean().item()))

    def predict(X_new):
        with torch.no_grad():
            return model(torch.from_numpy(np.asarray(X_new, dtype=start.dtype))).numpy()

    return predict


# ---------------------------------------------------------------------- one forward + backward
def gradients_floor(start):
    floor = NumpyFloor(start.W, start.b, "sgd", 0.0, start.dtype)
    return lambda X, Y, labels: floor.step(X, Y, update=False)


def gradients_nnlib(start):
    return lambda X, Y, labels: start.gradients(X, Y)  # the floor's targets: one-hot rows


def gradients_torch(start):
    model = torch_model(start)

    def one(X, Y, labels):
        model.zero_grad(set_to_none=True)
        torch.nn.functional.cross_entropy(model(X), labels).backward()

    return one


# ---------------------------------------------------------------------- measuring
#: The clock of tables (1) and (2): CPU time of this process when every contender runs on one thread
#: (the work done, hardly changed by other processes waiting for the same cores), else wall time.
CLOCK = {"name": "CPU time", "read": time.process_time}


def best_times(contenders, repeat, clock=None):
    """Best time of each contender; they take turns in every repetition."""
    clock = clock or CLOCK["read"]
    best, results = {}, {}
    for _ in range(repeat):
        for name, run in contenders.items():
            started = clock()
            results[name] = run()
            elapsed = clock() - started
            best[name] = min(best.get(name, elapsed), elapsed)
    return best, results


def held_out_accuracy(predict, X_test, y_test):
    return float(np.mean(np.argmax(predict(X_test), axis=1) == y_test))


def ratio(times, name, against):
    return f"{times[name] / times[against]:6.2f}x" if against in times else f"{'-':>7}"


def columns(values, form, width):
    """The floor, nnlib and torch cells of a row; '-' where a contender did not run."""
    return [form.format(values[name]) if name in values else "-".rjust(width) for name in CONTENDERS]


def bench_training(args, data, with_torch):
    X_train, X_test, y_train, y_test = data
    print(f"\n(1) Training: {args.epochs} epochs on {len(X_train)} digits, {CLOCK['name']}, "
          f"best of {args.repeat}; held-out accuracy on {len(X_test)}")
    print(f"{'net':16} {'dtype':8} {'opt':5} {'batch':>5} {'floor':>8} {'nnlib':>8} {'torch':>8} "
          f"{'nnlib/floor':>11} {'nnlib/torch':>11}  accuracy floor/nnlib/torch")
    trainers = {"floor": train_floor, "nnlib": train_nnlib}
    if with_torch:
        trainers["torch"] = train_torch
    for net, dtype, optimizer, batch_size in itertools.product(args.nets, args.dtypes, args.optimizers,
                                                               args.batches):
        start = new_model([int(n) for n in net.split("-")], dtype)
        contenders = {
            name: (lambda fn=fn: fn(start, X_train, y_train, optimizer, args.epochs, batch_size, seed=0))
            for name, fn in trainers.items()}
        times, predictors = best_times(contenders, args.repeat)
        accuracy = {name: held_out_accuracy(p, X_test, y_test) for name, p in predictors.items()}
        print(f"{net:16} {dtype:8} {optimizer:5} {batch_size:5} {' '.join(columns(times, '{:7.3f}s', 8))} "
              f"{ratio(times, 'nnlib', 'floor'):>11} {ratio(times, 'nnlib', 'torch'):>11}  "
              f"{'/'.join(c.strip() for c in columns(accuracy, '{:.3f}', 1))}", flush=True)


def bench_gradients(args, data, with_torch):
    X_train, _, y_train, _ = data
    calls = args.calls
    print(f"\n(2) One forward + backward of a batch (MLP.gradients; {calls} calls, {CLOCK['name']}, "
          f"best of {args.repeat})")
    print(f"{'net':16} {'dtype':8} {'batch':>5} {'floor':>9} {'nnlib':>9} {'torch':>9} "
          f"{'nnlib/floor':>11} {'nnlib/torch':>11}")
    for net in args.nets:
        sizes = [int(n) for n in net.split("-")]
        for dtype in args.dtypes:
            start = new_model(sizes, dtype)
            for batch_size in args.batches:
                X = np.ascontiguousarray(X_train[:batch_size], dtype=dtype)
                labels = y_train[:batch_size]
                Y = np.eye(sizes[-1], dtype=dtype)[labels]
                inputs = {"floor": (X, Y, labels), "nnlib": (X, Y, labels)}
                makers = {"floor": gradients_floor, "nnlib": gradients_nnlib}
                if with_torch:
                    makers["torch"] = gradients_torch
                    inputs["torch"] = (torch.from_numpy(X), None, torch.from_numpy(labels.astype(np.int64)))
                runners = {name: make(start) for name, make in makers.items()}

                def many(name):
                    run, arguments = runners[name], inputs[name]
                    for _ in range(calls):
                        run(*arguments)

                times, _ = best_times({name: (lambda name=name: many(name)) for name in runners}, args.repeat)
                per_call = {name: seconds / calls * 1e6 for name, seconds in times.items()}
                cells = " ".join(columns(per_call, "{:7.0f}us", 9))
                print(f"{net:16} {dtype:8} {batch_size:5} {cells} {ratio(times, 'nnlib', 'floor'):>11} "
                      f"{ratio(times, 'nnlib', 'torch'):>11}", flush=True)


def bench_threads(args, data):
    X_train, X_test, y_train, y_test = data
    print(f"\n(3) BLAS threads: nnlib's training (adam, float64, {args.thread_epochs} epochs) with 1 and 2 "
          f"threads, wall time, best of {args.repeat}")
    print(f"{'net':16} {'batch':>5} {'1 thread':>9} {'2 threads':>10} {'2 / 1':>7}")
    for net in args.nets:
        sizes = [int(n) for n in net.split("-")]
        start = new_model(sizes, "float64")
        for batch_size in args.batches:
            contenders = {}
            for threads in (1, 2):
                def run(threads=threads):
                    train_module.BLAS_THREADS = threads
                    with threadpool_limits(threads, user_api="blas"):
                        return train_nnlib(start, X_train, y_train, "adam", args.thread_epochs, batch_size, seed=0)
                contenders[threads] = run
            try:
                times, _ = best_times(contenders, args.repeat, clock=time.perf_counter)
            finally:
                train_module.BLAS_THREADS = args.threads
            print(f"{net:16} {batch_size:5} {times[1]:8.3f}s {times[2]:9.3f}s {times[2] / times[1]:6.2f}x",
                  flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nets", nargs="+", default=["64-64-10", "64-256-128-10"], help="layer sizes")
    parser.add_argument("--batches", nargs="+", type=int, default=[32, 256], help="batch sizes")
    parser.add_argument("--optimizers", nargs="+", choices=["sgd", "adam"], default=["sgd", "adam"])
    parser.add_argument("--dtypes", nargs="+", choices=["float64", "float32"], default=["float64", "float32"])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--thread-epochs", type=int, default=5,
                        help="epochs of table (3): two threads on a busy machine can be very slow")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best counts")
    parser.add_argument("--calls", type=int, default=200, help="calls per forward + backward measurement")
    parser.add_argument("--threads", type=int, default=1, help="threads for every contender (default 1)")
    parser.add_argument("--skip", nargs="*", default=[], choices=["training", "gradients", "threads"],
                        help="tables to leave out")
    args = parser.parse_args(argv)

    with_torch = torch is not None
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"numpy {np.__version__}, torch {torch.__version__ if with_torch else 'absent'}, "
          f"{os.cpu_count()} cores, load {load:.1f}, {platform.python_implementation()} {platform.python_version()}; "
          f"{args.threads} thread(s) for every contender")
    if not with_torch:
        print("torch is not installed: the torch column is skipped (pip install -e '.[bench]' adds it)")
    else:
        torch.set_num_threads(args.threads)
        warm_up_torch()
    if args.threads > 1:  # CPU time would add up the threads: wall time instead
        CLOCK.update(name="wall time", read=time.perf_counter)
    data = digits_split()
    train_module.BLAS_THREADS = args.threads
    with threadpool_limits(args.threads, user_api="blas"):
        if "training" not in args.skip:
            bench_training(args, data, with_torch)
        if "gradients" not in args.skip:
            bench_gradients(args, data, with_torch)
    if "threads" not in args.skip:
        bench_threads(args, data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
