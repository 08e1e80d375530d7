"""The Python side of scripts/check-safetensors (run by it, in a venv with safetensors and numpy).

  check_safetensors.py read DIR   reads the network vecprop saved (DIR/vecprop.safetensors) and its
                                  forward pass (DIR/vecprop_io.safetensors: x, y); checks the
                                  metadata, names, dtypes and PyTorch shapes, and that a float64
                                  forward pass of the file's weights reproduces vecprop's y within a
                                  float32 error bound; and that reading the weights in vecprop's
                                  own in x out layout would NOT reproduce it (the check can tell
                                  the layouts apart).
  check_safetensors.py write DIR  writes a network as PyTorch's save_file(model.state_dict()) would
                                  (DIR/numpy.safetensors, metadata format=pt only), and its input,
                                  float64 forward pass and error bound (DIR/numpy_io.safetensors),
                                  for vecprop to load and compare.

The bound: for y = f(a W^T + b) layer by layer in float32 with any summation order, the error of
each layer's GEMM and bias add is at most (2k + 7) u (|a| |W|^T + |b|), u = 2^-24, k = inputs
(vecprop's GEMM bound, (2k + 5) u, plus the bias add's 2u); errors carried from below grow by |W|
at most (ReLU is 1-Lipschitz). With S the forward pass of absolute values (S_0 = |x|,
S_l = S_{l-1} |W_l|^T + |b_l|), the output error is at most u S_L sum_l (2 k_l + 7), to first
order; 1.01 covers the higher-order terms.

Prints one line per check and ends with "python: N passed, M failed"; exits 1 on a failure.
"""
import re
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file, save_file

U = 2.0 ** -24
LAYOUT = ("torch.nn.Sequential state_dict: N.weight is torch.nn.Linear's weight, out x in,"
          " row-major (vecprop's in x out Dense weights transposed); N.bias has out elements;"
          " N is the module index, activation modules included")
ACTIVATIONS = {
    "ReLU": lambda z: np.maximum(z, 0),
    "Sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "Tanh": np.tanh,
}

passed = failed = 0


def check(ok, what):
    global passed, failed
    print(("python: ok    " if ok else "python: FAIL  ") + what)
    if ok:
        passed += 1
    else:
        failed += 1
    return ok


def parse_modules(text):
    """[(index, in, out, bias, activation name or None)] from 'Linear(2, 64), ReLU(), ...'."""
    layers, index = [], 0
    for m in re.finditer(r"Linear\((\d+), (\d+)(, bias=False)?\)(, (\w+)\(\))?(, |$)", text):
        layers.append((index, int(m.group(1)), int(m.group(2)), m.group(3) is None, m.group(5)))
        index += 1 if m.group(5) is None else 2
    return layers


def forward(layers, tensors, x, dtype, transpose=True):
    """The forward pass in dtype; transpose=False reads the weights the wrong way (a self-test)."""
    a = x.astype(dtype)
    s = np.abs(x.astype(np.float64))
    for index, n_in, n_out, bias, act in layers:
        w = tensors[f"{index}.weight"].astype(dtype)
        wt = w.T if transpose else w.reshape(n_in, n_out)
        a = a @ wt
        s = s @ np.abs(tensors[f"{index}.weight"].astype(np.float64)).T
        if bias:
            b = tensors[f"{index}.bias"]
            a = a + b.astype(dtype)
            s = s + np.abs(b.astype(np.float64))
        if act is not None:
            a = ACTIVATIONS[act](a)
    return a, s


def bound(layers, s):
    return 1.01 * U * s * sum(2 * n_in + 7 for _, n_in, _, _, _ in layers) + 1e-12 * s


def read(directory):
    path = f"{directory}/vecprop.safetensors"
    with safe_open(path, framework="numpy") as f:
        meta = f.metadata() or {}
    tensors = load_file(path)
    io = load_file(f"{directory}/vecprop_io.safetensors")
    check(meta.get("format") == "pt", f"metadata format = {meta.get('format')!r} (safetensors.torch writes 'pt')")
    check(meta.get("vecprop.layout") == LAYOUT, "metadata vecprop.layout states the out x in layout")
    modules = meta.get("vecprop.modules", "")
    layers = parse_modules(modules)
    check(len(layers) > 0, f"metadata vecprop.modules = {modules!r}")
    names = [n for i, _, _, b, _ in layers for n in ([f"{i}.weight", f"{i}.bias"] if b else [f"{i}.weight"])]
    check(sorted(tensors) == sorted(names), f"tensor names {sorted(tensors)} are nn.Sequential's {sorted(names)}")
    shapes_ok = all(tensors[f"{i}.weight"].shape == (o, n) and (not b or tensors[f"{i}.bias"].shape == (o,))
                    for i, n, o, b, _ in layers)
    check(shapes_ok, "every N.weight is out x in, every N.bias is out: "
          + ", ".join(f"{k} {list(v.shape)}" for k, v in tensors.items()))
    check(all(v.dtype == np.float32 for v in tensors.values()), "every tensor is float32")
    x, y = io["x"], io["y"]
    exact, s = forward(layers, tensors, x, np.float64)
    tol = bound(layers, s)
    err = np.abs(y.astype(np.float64) - exact)
    ulp = np.spacing(np.abs(exact).astype(np.float32)).astype(np.float64)
    check(bool(np.all(err <= tol)), f"vecprop's forward pass ({x.shape[0]} rows) within the float32 bound:"
          f" worst {np.max(err / tol):.3f} of it, largest |difference| {np.max(err):.3g}"
          f" ({np.max(err / ulp):.1f} float32 ulps of the exact value)")
    f32, _ = forward(layers, tensors, x, np.float32)
    err32 = np.abs(f32.astype(np.float64) - exact)
    check(bool(np.all(err32 <= tol)), f"NumPy's own float32 forward pass within the same bound: worst"
          f" {np.max(err32 / tol):.3f} of it, largest |difference| {np.max(err32):.3g}")
    wrong, _ = forward(layers, tensors, x, np.float64, transpose=False)
    check(bool(np.any(np.abs(y - wrong) > tol)), "weights read as in x out (the wrong layout) do NOT"
          " reproduce it: the check tells the layouts apart")


def write(directory):
    rng = np.random.default_rng(2027)
    modules = "Linear(4, 9), ReLU(), Linear(9, 9, bias=False), ReLU(), Linear(9, 3)"
    layers = parse_modules(modules)
    tensors = {}
    for index, n_in, n_out, bias, _ in layers:
        tensors[f"{index}.weight"] = (rng.uniform(-1, 1, (n_out, n_in)) / np.sqrt(n_in)).astype(np.float32)
        if bias:
            tensors[f"{index}.bias"] = rng.uniform(-0.5, 0.5, n_out).astype(np.float32)
    save_file(tensors, f"{directory}/numpy.safetensors", metadata={"format": "pt"})
    x = rng.uniform(-1, 1, (6, 4)).astype(np.float32)
    exact, s = forward(layers, tensors, x, np.float64)
    save_file({"x": x, "y": exact.astype(np.float32), "bound": bound(layers, s).astype(np.float32)},
              f"{directory}/numpy_io.safetensors", metadata={"modules": modules})
    check(True, f"wrote {modules} as save_file(state_dict) would, and its forward pass of {x.shape[0]} rows")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("read", "write"):
        sys.exit("usage: check_safetensors.py read|write DIR")
    try:
        (read if sys.argv[1] == "read" else write)(sys.argv[2])
    except Exception as e:  # a file Python cannot read is a failed check, with the reason
        check(False, f"{type(e).__name__}: {e}")
    print(f"python: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
