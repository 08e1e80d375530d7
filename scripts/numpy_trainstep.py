#!/usr/bin/env python3
"""One SGD training step of an MLP in NumPy, timed: the peer of the JMH benchmark TrainStep.

The step is the article's NumPy code (z1 = X @ W1, a1 = relu(z1), ..., dW1 = X.T @ dz1)
generalised to any depth, with a bias in every layer as vecprop's Network.mlp has: ReLU hidden
layers, an identity output layer, MSE loss, plain SGD (lr 0.01, no momentum), all float32.

    forward   z_l = a_{l-1} @ W_l + b_l;  a_l = np.maximum(0, z_l) (hidden), a_L = z_L
    loss      np.mean((a_L - T) ** 2);    dz_L = 2 * (a_L - T) / a_L.size
    backward  dW_l = a_{l-1}.T @ dz_l;  db_l = dz_l.sum(axis=0)
              da_{l-1} = dz_l @ W_l.T;  dz_{l-1} = da_{l-1} * (z_{l-1} > 0)
    update    W_l -= lr * dW_l;  b_l -= lr * db_l

Shapes are TrainStep's: SIZES@BATCH, by default 784-256-128-10@64 and 2-2-1@1. Eight batches of
seeded uniform inputs and targets in [-1, 1]; step s uses batch s mod 8. As in TrainStep, the
weights are reset before every timed sample.

BLAS runs on one thread: OPENBLAS_NUM_THREADS, OMP_NUM_THREADS and MKL_NUM_THREADS are set to 1
before numpy is imported (and threadpoolctl, when installed, limits and reports the pools). This
machine may set OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE (for older OpenBLAS builds); they slow a
current numpy, so this script unsets both in its own process only, and reports the kernel
(core type) OpenBLAS then picks.

Timing is timeit-style: the number of steps per sample is doubled until a sample takes at least
--min-time seconds, then --repeat samples are taken; per-step times are reported as median,
quartiles and IQR in ns. Each net prints one JSON line on stdout; all are written, with the
environment, to --out (default results/numpy-trainstep-<yyyy-mm-dd-HHMM>.json).

Usage: scripts/numpy_trainstep.py [--nets 784-256-128-10@64,2-2-1@1] [--repeat 15]
                                  [--min-time 0.2] [--out FILE] [--quick]
"""

import os
import sys

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
import platform  # noqa: E402
import time  # noqa: E402

try:
    import numpy as np
except ImportError:
    print("numpy_trainstep: numpy is not installed for " + sys.executable, file=sys.stderr)
    sys.exit(3)

try:
    import threadpoolctl
except ImportError:
    threadpoolctl = None

LR = 0.01
BATCHES = 8
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse_net(spec):
    sizes, _, batch = spec.partition("@")
    sizes = [int(s) for s in sizes.split("-")]
    batch = int(batch)
    if len(sizes) < 2 or batch < 1 or min(sizes) < 1:
        raise ValueError("net must be SIZES@BATCH, e.g. 784-256-128-10@64, got " + spec)
    return sizes, batch


def init_params(sizes, rng, dtype=np.float32):
    """He normal for ReLU layers, Glorot uniform for the output layer, zero biases."""
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


def time_net(spec, repeat, min_time):
    sizes, batch = parse_net(spec)
    rng = np.random.default_rng(2024)
    xs = [rng.uniform(-1, 1, (batch, sizes[0])).astype(np.float32) for _ in range(BATCHES)]
    ts = [rng.uniform(-1, 1, (batch, sizes[-1])).astype(np.float32) for _ in range(BATCHES)]
    ws0, bs0 = init_params(sizes, rng)
    first_loss = check(sizes, batch, ws0, bs0, xs, ts)
    ws, bs = [w.copy() for w in ws0], [b.copy() for b in bs0]

    def reset():
        for dst, src in zip(ws + bs, ws0 + bs0):
            dst[...] = src

    def sample(number):
        reset()
        start = time.perf_counter_ns()
        for s in range(number):
            train_step(ws, bs, xs[s & (BATCHES - 1)], ts[s & (BATCHES - 1)])
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
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nets", default="784-256-128-10@64,2-2-1@1",
                    help="comma-separated SIZES@BATCH (default: %(default)s)")
    ap.add_argument("--repeat", type=int, default=15, help="timed samples per net")
    ap.add_argument("--min-time", type=float, default=0.2,
                    help="seconds a sample must at least take")
    ap.add_argument("--quick", action="store_true",
                    help="a smoke run: 3 samples of at least 0.05 s")
    ap.add_argument("--out",
                    help="JSON file to write (default results/numpy-trainstep-<stamp>.json)")
    args = ap.parse_args()
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
    results = []
    for spec in args.nets.split(","):
        r = time_net(spec.strip(), args.repeat, args.min_time)
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
    main()
