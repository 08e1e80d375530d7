#!/usr/bin/env python3
"""The Fashion-MNIST training of `scripts/demo fashion`, in NumPy: the peer run.

Same start, same data, same order, same arithmetic recipe as vecprop's run, in float32 NumPy on
one BLAS thread:
  - the initial weights are read from the safetensors file vecprop wrote before its first step
    (PyTorch's names and out x in layout: N.weight, N.bias);
  - the data are the four IDX files, pixels scaled to float32 b / 255 (the same correctly
    rounded division as vecprop's Idx reader);
  - the validation split and every epoch's batch order come from the same SplitMix64-driven
    Fisher-Yates shuffles as vecprop's demo (BatchOrder.java): validation = the last V examples of
    the training set shuffled with seed S, training = the others in that order; epoch e visits
    them in the order of a shuffle with seed S + 1 + e, in batches of B (the last one shorter);
  - the network is Linear-ReLU-...-Linear, softmax cross-entropy (mean over the batch, optional
    label smoothing), dZ = (softmax(Z) - target) / batch;
  - AdamW as PyTorch documents it (torch.optim.AdamW: decoupled decay w *= 1 - lr*wd, bias
    corrections, eps outside the root), with the demo's learning-rate schedule (cosine from lr
    to lr_min over the run's steps, the step count before each update).

It prints a line per epoch (training loss, validation accuracy, seconds) and the test accuracy at
the end, and writes them as JSON (--out).

Usage: scripts/fashion_numpy.py --init FILE --data DIR [--epochs 20] [--batch 64] [--lr 1e-3]
           [--lr-min 1e-5] [--weight-decay 1e-4] [--label-smoothing 0] [--validation 5000]
           [--seed 42] --out FILE
"""

import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import one_line_usage  # noqa: E402  (scripts/lib: argparse with one-line usage errors)

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"
for _v in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
    os.environ.pop(_v, None)

import argparse  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import struct  # noqa: E402
import time  # noqa: E402

# numpy and safetensors are imported by main() once the arguments are parsed, so that --help
# and a usage error work without them.
np = None
load_file = None

MASK = (1 << 64) - 1


class SplitMix64:
    """Steele, Lea and Flood's SplitMix64, as BatchOrder.java has it (64-bit wrap-around)."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, bound):
        """An int in [0, bound): the unsigned 64-bit value mod bound."""
        return self.next() % bound


def shuffled(n, seed):
    """range(n) shuffled by Fisher-Yates from the top, j = below(i + 1)."""
    a = list(range(n))
    rnd = SplitMix64(seed)
    for i in range(n - 1, 0, -1):
        j = rnd.below(i + 1)
        a[i], a[j] = a[j], a[i]
    return np.array(a, dtype=np.int64)


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    rank = magic & 0xFF
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank)
    return arr.reshape(dims)


def load_split(data_dir, prefix):
    x = read_idx(os.path.join(data_dir, prefix + "-images-idx3-ubyte.gz"))
    y = read_idx(os.path.join(data_dir, prefix + "-labels-idx1-ubyte.gz"))
    x = x.reshape(x.shape[0], -1).astype(np.float32) / np.float32(255)
    return x, y.astype(np.int64)


def main():
    p = one_line_usage.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--init", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--lr-min", type=float, default=1e-5)
    p.add_argument("--weight-decay", type=float, default=1e-4)
    p.add_argument("--label-smoothing", type=float, default=0.0)
    p.add_argument("--validation", type=int, default=5000)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    global np, load_file
    try:
        import numpy as np
        from safetensors.numpy import load_file
    except ImportError as e:
        print(f"fashion_numpy: {e.name} is not installed for {sys.executable}", file=sys.stderr)
        return 3

    f32 = np.float32
    x_all, y_all = load_split(a.data, "train")
    x_test, y_test = load_split(a.data, "t10k")
    perm = shuffled(len(x_all), a.seed)
    n_train = len(x_all) - a.validation
    x_tr, y_tr = x_all[perm[:n_train]], y_all[perm[:n_train]]
    x_va, y_va = x_all[perm[n_train:]], y_all[perm[n_train:]]

    init = load_file(a.init)
    layers = sorted({int(k.split(".")[0]) for k in init})
    W = [np.ascontiguousarray(init[f"{i}.weight"].T.astype(f32)) for i in layers]  # in x out
    b = [init[f"{i}.bias"].astype(f32).copy() for i in layers]
    m = [np.zeros_like(t) for t in W + b]
    v = [np.zeros_like(t) for t in W + b]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    classes = W[-1].shape[1]
    steps_per_epoch = math.ceil(n_train / a.batch)
    total_steps = a.epochs * steps_per_epoch

    def forward(x):
        acts, zs = [x], []
        h = x
        for i in range(len(W)):
            z = h @ W[i] + b[i]
            zs.append(z)
            h = np.maximum(z, f32(0)) if i < len(W) - 1 else z
            acts.append(h)
        return acts, zs

    def accuracy(x, y):
        correct = 0
        for s in range(0, len(x), 1000):
            logits = forward(x[s:s + 1000])[1][-1]
            correct += int((logits.argmax(axis=1) == y[s:s + 1000]).sum())
        return correct / len(x)

    def rate(step):
        # the demo's cosine schedule: lr_min + (lr - lr_min) (1 + cos(pi step / total)) / 2
        t = min(step, total_steps) / total_steps
        return a.lr_min + (a.lr - a.lr_min) * (1 + math.cos(math.pi * t)) / 2

    history = []
    step = 0
    eps_ls = a.label_smoothing
    for epoch in range(a.epochs):
        t0 = time.perf_counter()
        order = shuffled(n_train, a.seed + 1 + epoch)
        loss_sum, batches = 0.0, 0
        for s in range(0, n_train, a.batch):
            idx = order[s:s + a.batch]
            x, y = x_tr[idx], y_tr[idx]
            n = len(idx)
            acts, zs = forward(x)
            z = zs[-1]
            zmax = z.max(axis=1, keepdims=True)
            ez = np.exp(z - zmax)
            sez = ez.sum(axis=1, keepdims=True)
            logp = z - zmax - np.log(sez)
            target = np.full((n, classes), eps_ls / classes, dtype=f32)
            target[np.arange(n), y] += f32(1 - eps_ls)
            loss = float(-(target * logp).sum() / n)
            loss_sum += loss
            batches += 1
            dz = (ez / sez - target) / f32(n)
            grads_w, grads_b = [None] * len(W), [None] * len(W)
            for i in range(len(W) - 1, -1, -1):
                grads_w[i] = acts[i].T @ dz
                grads_b[i] = dz.sum(axis=0)
                if i > 0:
                    dz = (dz @ W[i].T) * (zs[i - 1] > 0)
            lr = rate(step)
            step += 1
            bc1 = 1 - beta1 ** step
            bc2 = 1 - beta2 ** step
            for k, (param, g) in enumerate(zip(W + b, grads_w + grads_b)):
                param *= f32(1 - lr * a.weight_decay)
                m[k] += f32(1 - beta1) * (g - m[k])
                v[k] *= f32(beta2)
                v[k] += f32(1 - beta2) * g * g
                denom = np.sqrt(v[k]) / f32(math.sqrt(bc2)) + f32(eps)
                param -= f32(lr / bc1) * (m[k] / denom)
        seconds = time.perf_counter() - t0
        val = accuracy(x_va, y_va)
        history.append({"epoch": epoch + 1, "train_loss": loss_sum / batches,
                        "validation_accuracy": val, "seconds": seconds,
                        "steps_per_second": batches / seconds})
        print(f"numpy epoch {epoch + 1:2d}: train loss {loss_sum / batches:.4f}, validation accuracy "
              f"{val:.4f}, {seconds:.1f} s ({batches / seconds:.0f} steps/s)", flush=True)
    test = accuracy(x_test, y_test)
    print(f"numpy test accuracy {test:.4f}")
    with open(a.out, "w") as f:
        json.dump({"runtime": "numpy " + np.__version__, "epochs": history, "test_accuracy": test,
                   "config": vars(a)}, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
