#!/usr/bin/env python3
"""NumPy's side of the MSE accuracy report (org.vecprop.tools.Accuracy, run by scripts/accuracy).

Usage: scripts/accuracy_numpy.py MANIFEST

MANIFEST is the tab-separated mse.tsv that Accuracy writes next to the data: one line per case,
    data  n  p_file  t_file  exact_loss
where p_file and t_file are raw little-endian float32 arrays (the case uses their first n
elements) and exact_loss is the loss computed in double by Accuracy. For each case this computes

    float32:  np.mean((p - t) ** 2)                      on the float32 arrays, as a NumPy user would
    float64:  np.mean((p64 - t64) ** 2)                  after astype(np.float64), a check of exact_loss

and prints, on stdout, one line "numpy<TAB>VERSION" and then per case
    result<TAB>data<TAB>n<TAB>float32_loss<TAB>float64_loss
(both losses as Python floats, repr: exact). Human-readable lines, with the relative errors
against exact_loss, go to stderr. Exit status 3 if numpy cannot be imported, 2 on bad usage.

np.mean on float32 accumulates in float32 with NumPy's pairwise summation; it does not use BLAS,
so OPENBLAS_* settings in the environment do not affect these numbers.
"""

import sys


def main(argv):
    if len(argv) == 2 and argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    if len(argv) != 2 or argv[1].startswith("-"):
        print("accuracy_numpy.py: expected one argument, MANIFEST (or --help), got "
              + (" ".join(argv[1:]) or "none"), file=sys.stderr)
        return 2
    try:
        import numpy as np
    except ImportError as e:
        print(f"accuracy_numpy: numpy is not available ({e})", file=sys.stderr)
        return 3

    print(f"numpy\t{np.__version__}", flush=True)
    with open(argv[1], encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            data, n, p_file, t_file, exact = line.rstrip("\n").split("\t")
            n, exact = int(n), float(exact)
            # Little-endian on disk; astype gives native float32 (a no-op on x86 and ARM).
            p = np.fromfile(p_file, dtype="<f4", count=n).astype(np.float32, copy=False)
            t = np.fromfile(t_file, dtype="<f4", count=n).astype(np.float32, copy=False)
            if p.size != n or t.size != n:
                print(f"accuracy_numpy: {p_file} or {t_file} has fewer than {n} floats", file=sys.stderr)
                return 1
            l32 = np.mean((p - t) ** 2)
            assert l32.dtype == np.float32, l32.dtype
            l64 = np.mean((p.astype(np.float64) - t.astype(np.float64)) ** 2)
            l32, l64 = float(l32), float(l64)
            print(f"result\t{data}\t{n}\t{l32!r}\t{l64!r}", flush=True)
            print(f"numpy {data:8s} n={n:<9d} float32 {l32:.9g} rel {abs(l32 - exact) / exact:.3e}"
                  f"  float64 rel {abs(l64 - exact) / exact:.3e}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
