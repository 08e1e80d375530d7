#!/usr/bin/env python3
"""One training step of an MLP in NumPy, timed: the peer of the JMH benchmark TrainStep.

Two steps, as TrainStep has them (its net parameter, SIZES@BATCH[:STEP]):

mse-sgd (the default step): the article's NumPy code (z1 = X @ W1, a1 = relu(z1), ...,
dW1 = X.T @ dz1) generalised to any depth, with a bias in every layer as vecprop's Network.mlp
has: ReLU hidden layers, an identity output layer, MSE loss, plain SGD (lr 0.01, no momentum),
all float32.

    forward   z_l = a_{l-1} @ W_l + b_l;  a_l = np.maximum(0, z_l) (hidden), a_L = z_L
    loss      np.mean((a_L - T) ** 2);    dz_L = 2 * (a_L - T) / a_L.size
    backward  dW_l = a_{l-1}.T @ dz_l;  db_l = dz_l.sum(axis=0)
              da_{l-1} = dz_l @ W_l.T;  dz_{l-1} = da_{l-1} * (z_{l-1} > 0)
    update    W_l -= lr * dW_l;  b_l -= lr * db_l

ce-adamw: the same layers as a classifier: softmax cross-entropy over the logits against one
integer label per row (mean over the batch, the row maximum subtracted first), and AdamW as
torch.optim.AdamW computes it (its single-tensor loop, lr 1e-3, betas (0.9, 0.999), eps 1e-8,
weight decay 0.01), in place on float32 arrays with one scratch array per parameter:

    loss      s = z_L - max_j z_L;  mean(log(sum_j exp(s)) - s[label]);
              dz_L = (softmax(z_L) - onehot(label)) / batch
    update    t += 1;  W *= 1 - lr * wd;  m += (1 - beta1) * (g - m)   (m.lerp_(g, 1 - beta1))
              v = beta2 * v + (1 - beta2) * g * g
              W -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

Shapes are TrainStep's: by default 784-256-128-10@64, 2-2-1@1 and 784-256-128-10@64:ce-adamw.
Eight batches of seeded uniform inputs in [-1, 1) and uniform targets in [-1, 1) (MSE) or labels
in [0, classes) (cross-entropy); step s uses batch s mod 8. As in TrainStep, the weights (and
AdamW's moments and step count) are reset before every timed sample.

Checks before timing: mse-sgd's float32 step against the same step in float64 (loss to a
relative 1e-4, weight changes to 1e-3 of each array's largest). ce-adamw's against vecprop's:
given --jar (scripts/bench passes it), the Java tool org.vecprop.tools.TrainStepFixture writes
vecprop's first step of TrainStep (its batch 0, initial weights, loss, gradients and updated
weights, the exact loss and its bound) and this script runs its own step from the same weights
on the same batch and holds it to vecprop's exactly as TrainStep holds PyTorch's (the bounds are
TrainStep's ClassifierStepCheck's: the loss within a rigorous float32 bound and a relative 1e-5
of the exact loss, every gradient within 1e-3 of its array's largest of vecprop's, the updated
weights within the stated bound of AdamW's first step from vecprop's gradients). Without --jar
or --fixture the same checks run against this script's own step in float64, and the result
says it was not checked against vecprop.

BLAS runs on one thread: OPENBLAS_NUM_THREADS, OMP_NUM_THREADS and MKL_NUM_THREADS are set to 1
before numpy is imported (and threadpoolctl, when installed, limits and reports the pools). This
machine may set OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE (for older OpenBLAS builds); they slow a
current numpy, so this script unsets both in its own process only, and reports the kernel
(core type) OpenBLAS then picks.

Timing is timeit-style: the number of steps per sample is doubled until a sample takes at least
--min-time seconds, then --repeat samples are taken; per-step times are reported as median,
quartiles and IQR in ns. Each net prints one JSON line on stdout; all are written, with the
environment, to --out (default results/numpy-trainstep-<yyyy-mm-dd-HHMM>.json).

Usage: scripts/numpy_trainstep.py [--nets 784-256-128-10@64,2-2-1@1,784-256-128-10@64:ce-adamw]
                                  [--repeat 15] [--min-time 0.2] [--out FILE] [--quick]
                                  [--jar jmh/target/benchmarks.jar [--java JAVA]]
                                  [--fixture FILE ...]
"""

import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import one_line_usage  # noqa: E402  (scripts/lib: argparse with one-line usage errors)

# Before numpy (and its OpenBLAS) is loaded: one thread, and the machine's core-type override
# removed for this process only.
_UNSET = {v: os.environ.pop(v) for v in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
          if v in os.environ}
for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import argparse  # noqa: E402
import ctypes  # noqa: E402
import datetime  # noqa: E402
import glob  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

try:
    import numpy as np
except ImportError:
    np = None  # reported by main() after the arguments, so that --help works without numpy

try:
    import threadpoolctl
except ImportError:
    threadpoolctl = None

LR = 0.01
BATCHES = 8
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_NETS = "784-256-128-10@64,2-2-1@1,784-256-128-10@64:ce-adamw"
# ce-adamw: torch.optim.AdamW(lr=1e-3) with its defaults
ADAMW = {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.01}
U = 2.0 ** -24


def parse_net(spec):
    """SIZES@BATCH[:STEP] -> (sizes, batch, classifier), as TrainStep's TrainNet parses it."""
    body, colon, step = spec.partition(":")
    if colon and step not in ("mse-sgd", "ce-adamw"):
        raise ValueError("net's step must be mse-sgd or ce-adamw, got %s in %s" % (step, spec))
    classifier = step == "ce-adamw"
    try:
        sizes, at, batch = body.partition("@")
        sizes = [int(s) for s in sizes.split("-")]
        batch = int(batch)
    except ValueError:
        sizes, at, batch = [], "", 0
    if not at or len(sizes) < 2 or batch < 1 or min(sizes) < 1:
        raise ValueError("net must be SIZES@BATCH[:STEP], e.g. 784-256-128-10@64 or "
                         "784-256-128-10@64:ce-adamw, got " + spec)
    if classifier and sizes[-1] < 2:
        raise ValueError("a ce-adamw net needs at least 2 classes, got " + spec)
    return sizes, batch, classifier


def init_params(sizes, rng, dtype=None):
    """He normal for ReLU layers, Glorot uniform for the output layer, zero biases."""
    if dtype is None:
        dtype = np.float32
    ws, bs = [], []
    for l in range(len(sizes) - 1):
        fan_in, fan_out = sizes[l], sizes[l + 1]
        if l < len(sizes) - 2:
            w = rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)
        else:
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            w = rng.uniform(-limit, limit, (fan_in, fan_out))
        ws.append(w.astype(dtype))
        bs.append(np.zeros(fan_out, dtype=dtype))
    return ws, bs


def train_step(ws, bs, x, t, lr=LR):
    """One SGD step in place on ws and bs; returns the loss (a NumPy scalar)."""
    depth = len(ws)
    # forward
    acts = [x]  # acts[l] is the input of layer l
    zs = []
    a = x
    for l in range(depth):
        z = a @ ws[l] + bs[l]
        zs.append(z)
        a = np.maximum(0, z) if l < depth - 1 else z
        acts.append(a)
    pred = a
    loss = np.mean((pred - t) ** 2)
    # backward
    dz = 2 * (pred - t) / pred.size
    grads = [None] * depth
    for l in range(depth - 1, -1, -1):
        dw = acts[l].T @ dz
        db = dz.sum(axis=0)
        grads[l] = (dw, db)
        if l > 0:
            da = dz @ ws[l].T
            dz = da * (zs[l - 1] > 0)
    # update
    for l in range(depth):
        ws[l] -= lr * grads[l][0]
        bs[l] -= lr * grads[l][1]
    return loss


def check(sizes, batch, ws0, bs0, xs, ts):
    """One float32 step against the same step in float64: losses and weight changes agree."""
    ws, bs = [w.copy() for w in ws0], [b.copy() for b in bs0]
    loss = train_step(ws, bs, xs[0], ts[0])
    ws64 = [w.astype(np.float64) for w in ws0]
    bs64 = [b.astype(np.float64) for b in bs0]
    loss64 = train_step(ws64, bs64, xs[0].astype(np.float64), ts[0].astype(np.float64))
    if loss.dtype != np.float32 or any(w.dtype != np.float32 for w in ws + bs):
        raise AssertionError("the float32 step left float32: loss %s" % loss.dtype)
    if not abs(float(loss) - float(loss64)) <= 1e-4 * abs(float(loss64)):
        raise AssertionError("float32 loss %r, float64 loss %r" % (loss, loss64))
    changed = 0.0
    for got, exp, start in zip(ws + bs, ws64 + bs64, ws0 + bs0):
        d_got = got.astype(np.float64) - start
        d_exp = exp - start
        biggest = float(np.max(np.abs(d_exp)))
        changed += biggest
        tol = 1e-3 * biggest + 2 * np.spacing(np.abs(start).astype(np.float32)).astype(np.float64)
        if not np.all(np.abs(d_got - d_exp) <= tol):
            raise AssertionError("float32 and float64 steps change the weights differently")
    if not changed > 0:
        raise AssertionError("the step changed no weight")
    return float(loss)


def forward(ws, bs, x):
    """Returns (acts, zs): acts[l] is the input of layer l, acts[-1] the output; zs the layers' z."""
    depth = len(ws)
    acts, zs = [x], []
    a = x
    for l in range(depth):
        z = a @ ws[l] + bs[l]
        zs.append(z)
        a = np.maximum(0, z) if l < depth - 1 else z
        acts.append(a)
    return acts, zs


def backward(ws, acts, zs, dz):
    """The gradients [dW_0, db_0, dW_1, ...] from the output layer's dz."""
    depth = len(ws)
    grads = [None] * (2 * depth)
    for l in range(depth - 1, -1, -1):
        grads[2 * l] = acts[l].T @ dz
        grads[2 * l + 1] = dz.sum(axis=0)
        if l > 0:
            dz = (dz @ ws[l].T) * (zs[l - 1] > 0)
    return grads


def softmax_cross_entropy(logits, labels, rows):
    """The mean cross-entropy of softmax(logits) against labels, and its gradient."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    s = e.sum(axis=1, keepdims=True)
    loss = np.mean(np.log(s[:, 0]) - shifted[rows, labels])
    dz = e / s
    dz[rows, labels] -= 1
    dz /= len(labels)
    return loss, dz


class AdamW:
    """torch.optim.AdamW's single-tensor loop, in place, one scratch array per parameter."""

    def __init__(self, params, lr, beta1, beta2, eps, weight_decay):
        self.lr, self.beta1, self.beta2, self.eps, self.wd = lr, beta1, beta2, eps, weight_decay
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.scratch = [np.empty_like(p) for p in params]
        self.t = 0

    def reset(self):
        for a in self.m + self.v:
            a[...] = 0
        self.t = 0

    def step(self, params, grads):
        self.t += 1
        step_size = self.lr / (1 - self.beta1 ** self.t)
        bc2_sqrt = math.sqrt(1 - self.beta2 ** self.t)
        decay = 1 - self.lr * self.wd
        for p, g, m, v, t in zip(params, grads, self.m, self.v, self.scratch):
            p *= decay                                       # decoupled weight decay
            np.subtract(g, m, out=t)                         # m.lerp_(g, 1 - beta1)
            t *= 1 - self.beta1
            m += t
            v *= self.beta2                                  # v.mul_(beta2).addcmul_(g, g, 1 - beta2)
            np.multiply(g, g, out=t)
            t *= 1 - self.beta2
            v += t
            np.sqrt(v, out=t)                                # denom = sqrt(v) / sqrt(bc2) + eps
            t /= bc2_sqrt
            t += self.eps
            np.divide(m, t, out=t)                           # p.addcdiv_(m, denom, -step_size)
            t *= step_size
            p -= t


def classifier_step(params, opt, x, labels, rows, grads_out=None):
    """One cross-entropy + AdamW step in place on params [W_0, b_0, ...]; returns the loss."""
    ws, bs = params[0::2], params[1::2]
    acts, zs = forward(ws, bs, x)
    loss, dz = softmax_cross_entropy(acts[-1], labels, rows)
    grads = backward(ws, acts, zs, dz)
    if grads_out is not None:
        grads_out[:] = [g.copy() for g in grads]
    opt.step(params, grads)
    return loss


def read_safetensors(path):
    """(tensors, metadata) of an F32 safetensors file, with numpy alone."""
    with open(path, "rb") as f:
        raw = f.read()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    data = raw[8 + n:]
    tensors = {}
    for name, e in header.items():
        if e["dtype"] != "F32":
            raise ValueError("%s: tensor %s is %s, not F32" % (path, name, e["dtype"]))
        start, end = e["data_offsets"]
        tensors[name] = np.frombuffer(data[start:end], dtype="<f4").reshape(e["shape"]).copy()
    return tensors, meta


def check_gradients(who, grads, expected, tol_frac):
    for k, (got, exp) in enumerate(zip(grads, expected)):
        tol = tol_frac * float(np.max(np.abs(exp)))
        if not tol > 0:
            raise AssertionError("the expected gradient %d is all zeros" % k)
        d = np.abs(got.astype(np.float64) - exp.astype(np.float64))
        bad = ~(d <= tol + np.finfo(np.float32).tiny)
        if bad.any():
            i = int(np.flatnonzero(bad.ravel())[0])
            raise AssertionError("%s: gradient %d element %d is %r, expected %r (tolerance %.3g)" % (
                who, k, i, got.ravel()[i], exp.ravel()[i], tol))


def check_update(who, start, expected_grads, got, hp, tol_frac):
    """AdamW's first step from expected_grads, bound as in TrainStep's ClassifierStepCheck."""
    lr, wd, eps = hp["lr"], hp["weight_decay"], hp["eps"]
    loose = total = 0
    for k, (w0, g, w1) in enumerate(zip(start, expected_grads, got)):
        w = w0.astype(np.float64)
        g = g.astype(np.float64)
        delta = tol_frac * float(np.max(np.abs(g)))
        phi = g / (np.abs(g) + eps)
        expected = -lr * wd * w - lr * phi
        change = w1.astype(np.float64) - w
        strict = np.abs(g) > delta
        a = np.abs(g) - delta + eps
        tol = 3 * U * np.abs(w) + 16 * U * lr + np.where(
            strict, lr * eps * delta / (a * a), lr * (1 + np.abs(phi)))
        bad = ~(np.abs(change - expected) <= tol)
        if bad.any():
            i = int(np.flatnonzero(bad.ravel())[0])
            raise AssertionError("%s: parameter %d element %d changed by %.6g, AdamW's first step "
                                 "by %.6g (tolerance %.3g)" % (who, k, i, change.ravel()[i],
                                                               expected.ravel()[i], tol.ravel()[i]))
        if not np.any(change != 0):
            raise AssertionError("%s: parameter %d did not change" % (who, k))
        loose += int((~strict).sum())
        total += w.size
    if 2 * loose >= total:
        raise AssertionError("%s: %d of %d parameters have gradients too small to check their "
                             "update's sign" % (who, loose, total))
    return loose


def float32_of(meta, key):
    """A metadata number as the float32 Java used, widened to a Python float."""
    return float(np.float32(meta[key]))


def check_classifier(sizes, batch, fixture, params0, x, labels):
    """The first ce-adamw step against vecprop's (fixture) or against float64; a summary dict."""
    depth = len(sizes) - 1
    rows = np.arange(batch)
    if fixture is not None:
        t, meta = fixture
        x = t["x"]
        labels = t["labels"].astype(np.int64)
        if x.shape != (batch, sizes[0]) or labels.shape != (batch,):
            raise AssertionError("the fixture's batch does not fit " + meta.get("net", "?"))
        params0 = []
        for l in range(depth):
            params0 += [t["w0.%d" % l], t["b0.%d" % l]]
        hp = {k: float32_of(meta, k) for k in ("lr", "beta1", "beta2", "eps", "weight_decay")}
        exact, bound = float(meta["exact_loss"]), float(meta["loss_bound"])
        loss_tol, grad_tol = float(meta["loss_tolerance"]), float(meta["gradient_tolerance"])
        ref_grads = []
        for l in range(depth):
            ref_grads += [t["gw.%d" % l], t["gb.%d" % l]]
        ref_loss, against = float(meta["loss"]), "vecprop (TrainStepFixture)"
    else:
        hp = dict(ADAMW)
        exact, bound, loss_tol, grad_tol = None, None, 1e-5, 1e-3
        p64 = [p.astype(np.float64) for p in params0]
        g64 = []
        opt64 = AdamW(p64, **hp)
        exact = float(classifier_step(p64, opt64, x.astype(np.float64), labels, rows, g64))
        ref_grads, ref_loss, against = g64, exact, "this script's float64 step (not vecprop)"
    params = [p.copy() for p in params0]
    opt = AdamW(params, **hp)
    grads = []
    loss = classifier_step(params, opt, x, labels, rows, grads)
    if loss.dtype != np.float32 or any(p.dtype != np.float32 for p in params + grads):
        raise AssertionError("the float32 step left float32")
    err = abs(float(loss) - exact)
    tol = loss_tol * exact if bound is None else min(bound, loss_tol * exact)
    if not err <= tol:
        raise AssertionError("loss %r, exact %r: error %.3g > %.3g" % (float(loss), exact, err, tol))
    check_gradients("numpy", grads, ref_grads, grad_tol)
    loose = check_update("numpy", params0, ref_grads, params, hp, grad_tol)
    return {"against": against, "loss": float(loss), "reference_loss": ref_loss,
            "exact_loss": exact, "relative_error": err / exact, "sign_uncertain": loose}


def blas_info():
    """What BLAS numpy runs, and on which kernel: threadpoolctl if installed, else ctypes."""
    info = {"threadpoolctl": None, "corename": None, "config": None}
    if threadpoolctl is not None:
        info["threadpoolctl"] = threadpoolctl.__version__
        pools = threadpoolctl.threadpool_info()
        info["pools"] = pools
        for p in pools:
            if p.get("internal_api") == "openblas":
                info["corename"] = p.get("architecture")
                info["version"] = p.get("version")
                info["num_threads"] = p.get("num_threads")
        return info
    # Without threadpoolctl: ask the OpenBLAS bundled with numpy directly.
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs",
                                  "*openblas*"))
    for path in libs:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in ("scipy_openblas", "openblas"):
            for suffix in ("64_", ""):
                for what in ("corename", "config"):
                    fn = getattr(lib, "%s_get_%s%s" % (prefix, what, suffix), None)
                    if fn is not None and info[what] is None:
                        fn.restype = ctypes.c_char_p
                        info[what] = fn().decode()
                nt = getattr(lib, "%s_get_num_threads%s" % (prefix, suffix), None)
                if nt is not None:
                    info["num_threads"] = nt()
        info["library"] = os.path.realpath(path)
    if info["corename"] is None:
        info["note"] = "threadpoolctl is not installed and no OpenBLAS was found in numpy.libs"
    return info


def time_net(spec, repeat, min_time, fixture=None):
    sizes, batch, classifier = parse_net(spec)
    rng = np.random.default_rng(2024)
    xs = [rng.uniform(-1, 1, (batch, sizes[0])).astype(np.float32) for _ in range(BATCHES)]
    if classifier:
        ts = [rng.integers(0, sizes[-1], batch) for _ in range(BATCHES)]
    else:
        ts = [rng.uniform(-1, 1, (batch, sizes[-1])).astype(np.float32) for _ in range(BATCHES)]
    ws0, bs0 = init_params(sizes, rng)
    checked = None
    if classifier:
        params0 = [p for wb in zip(ws0, bs0) for p in wb]
        checked = check_classifier(sizes, batch, fixture, params0, xs[0], ts[0])
        first_loss = checked["loss"]
        params = [p.copy() for p in params0]
        opt = AdamW(params, **ADAMW)
        rows = np.arange(batch)

        def reset():
            for dst, src in zip(params, params0):
                dst[...] = src
            opt.reset()

        def run(number):
            for s in range(number):
                classifier_step(params, opt, xs[s & (BATCHES - 1)], ts[s & (BATCHES - 1)], rows)
    else:
        first_loss = check(sizes, batch, ws0, bs0, xs, ts)
        ws, bs = [w.copy() for w in ws0], [b.copy() for b in bs0]

        def reset():
            for dst, src in zip(ws + bs, ws0 + bs0):
                dst[...] = src

        def run(number):
            for s in range(number):
                train_step(ws, bs, xs[s & (BATCHES - 1)], ts[s & (BATCHES - 1)])

    def sample(number):
        reset()
        start = time.perf_counter_ns()
        run(number)
        return time.perf_counter_ns() - start

    number = 1
    while True:  # timeit.autorange, doubling
        elapsed = sample(number)
        if elapsed >= min_time * 1e9:
            break
        number *= 2
    per_step = sorted(sample(number) / number for _ in range(repeat))
    q1, median, q3 = np.percentile(per_step, [25, 50, 75])
    return {
        "benchmark": "numpy-trainstep",
        "net": spec,
        "median_ns": round(float(median), 1),
        "q1_ns": round(float(q1), 1),
        "q3_ns": round(float(q3), 1),
        "iqr_ns": round(float(q3 - q1), 1),
        "min_ns": round(per_step[0], 1),
        "max_ns": round(per_step[-1], 1),
        "samples": repeat,
        "steps_per_sample": number,
        "first_loss": first_loss,
        "parameters": int(sum(w.size + b.size for w, b in zip(ws0, bs0))),
        "step": "ce-adamw" if classifier else "mse-sgd",
        **({"first_step_check": checked} if checked is not None else {}),
    }


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main():
    ap = one_line_usage.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nets", default=DEFAULT_NETS,
                    help="comma-separated SIZES@BATCH[:STEP] (default: %(default)s)")
    ap.add_argument("--repeat", type=int, default=15, help="timed samples per net")
    ap.add_argument("--min-time", type=float, default=0.2,
                    help="seconds a sample must at least take")
    ap.add_argument("--quick", action="store_true",
                    help="a smoke run: 3 samples of at least 0.05 s")
    ap.add_argument("--out",
                    help="JSON file to write (default results/numpy-trainstep-<stamp>.json)")
    ap.add_argument("--jar", help="jmh/target/benchmarks.jar: write vecprop's first ce-adamw "
                    "step with its TrainStepFixture tool and check NumPy's against it")
    ap.add_argument("--java", help="the JDK 25 java for --jar (default $JAVA_HOME/bin/java, "
                    "else java)")
    ap.add_argument("--fixture", action="append", default=[],
                    help="a TrainStepFixture file (repeatable); its metadata names its net")
    args = ap.parse_args()
    if np is None:
        print("numpy_trainstep: numpy is not installed for " + sys.executable, file=sys.stderr)
        return 3
    try:
        specs = [spec.strip() for spec in args.nets.split(",")]
        for spec in specs:
            parse_net(spec)
    except ValueError as e:
        ap.error(str(e))
    if args.quick:
        args.repeat, args.min_time = 3, 0.05
    stamp = datetime.datetime.now().strftime("%Y-%m-%d-%H%M")
    out = args.out or os.path.join(ROOT, "results", "numpy-trainstep-%s.json" % stamp)

    limiter = threadpoolctl.threadpool_limits(1) if threadpoolctl is not None else None
    blas = blas_info()
    env = {
        "numpy": np.__version__,
        "python": platform.python_version(),
        "executable": sys.executable,
        "cpu": cpu_model(),
        "blas": blas,
        "unset_for_this_process": _UNSET,
        "threads_env": {v: os.environ[v] for v in
                        ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")},
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    print("numpy_trainstep: numpy %s, BLAS kernel %s, %s thread(s)%s" % (
        np.__version__, blas.get("corename"), blas.get("num_threads"),
        "; unset " + ", ".join("%s=%s" % kv for kv in _UNSET.items()) if _UNSET else ""),
        file=sys.stderr)
    fixtures = {}
    for path in args.fixture:
        t, meta = read_safetensors(path)
        fixtures[meta.get("net")] = (t, meta)
    tmp = None
    try:
        if args.jar:
            java = args.java or (os.path.join(os.environ["JAVA_HOME"], "bin", "java")
                                 if os.environ.get("JAVA_HOME") else "java")
            tmp = tempfile.mkdtemp(prefix="numpy-trainstep-")
            for k, spec in enumerate(specs):
                if parse_net(spec)[2] and spec not in fixtures:
                    path = os.path.join(tmp, "fixture-%d.safetensors" % k)
                    subprocess.run([java, "--add-modules", "jdk.incubator.vector", "-cp", args.jar,
                                    "org.vecprop.tools.TrainStepFixture", spec, path],
                                   check=True, stdout=subprocess.DEVNULL)
                    fixtures[spec] = read_safetensors(path)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    results = []
    for spec in specs:
        fixture = fixtures.get(spec)
        if parse_net(spec)[2] and fixture is None:
            print("numpy_trainstep: %s: no vecprop fixture (--jar or --fixture): checked against "
                  "this script's float64 step only" % spec, file=sys.stderr)
        r = time_net(spec, args.repeat, args.min_time, fixture)
        r["numpy"] = np.__version__
        r["blas_corename"] = blas.get("corename")
        results.append(r)
        print(json.dumps(r), flush=True)
    if limiter is not None:
        limiter.restore_original_limits()
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        json.dump({"environment": env, "results": results}, f, indent=2)
        f.write("\n")
    for r in results:
        print("numpy_trainstep: %-20s median %12.0f ns/step  IQR %10.0f ns  (%d x %d steps)" % (
            r["net"], r["median_ns"], r["iqr_ns"], r["samples"], r["steps_per_sample"]),
            file=sys.stderr)
    shown = os.path.relpath(out, ROOT)
    print("numpy_trainstep: results in " + (out if shown.startswith(os.pardir) else shown),
          file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
