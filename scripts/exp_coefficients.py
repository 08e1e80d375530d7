#!/usr/bin/env python3
"""Derives the polynomial coefficients and thresholds of org.vecprop.internal.math.FloatExp.

Usage: scripts/exp_coefficients.py [--degree-exp N] [--degree-tanh N] [--tanh-threshold T]

Needs python3 with mpmath (Debian: python3-mpmath; pip: mpmath). Everything is computed with
60 significant digits, so the printed numbers do not depend on the machine.

What it computes, and how:

exp   exp(r) ~= 1 + r + r^2 * P(r) on |r| <= R, R = ln2/2 + 2^-12 (the reduced argument can step
      a hair past ln2/2 because n = rint(x * log2e) is computed in float). P has degree
      N - 2 (default N = 6, five coefficients). P is the Remez (minimax) fit of
      f(r) = (exp(r) - 1 - r) / r^2 under the weight w(r) = r^2 / exp(r), i.e. it minimises the
      largest RELATIVE error of the whole polynomial, with the first two coefficients held at
      exactly 1 (so exp(0) = 1 and the small-r behaviour is exact).

tanh  tanh(a) ~= a + a^3 * Q(a^2) on 0 <= a <= T (default T = 0.625). Q has degree N (default
      4, five coefficients), the Remez fit of g(z) = (tanh(sqrt z) - sqrt z) / z^1.5 in z = a^2
      under the weight z^1.5 / tanh(sqrt z): again the largest relative error of the whole
      odd polynomial.

Remez: start from Chebyshev points as the reference, solve the linear system
sum_k c_k phi_k(x_i) + (-1)^i E / w(x_i) = f(x_i) at the d + 2 reference points, then move every
reference point to the extremum of the weighted error found on a dense grid (refined by golden
section search) between the sign changes, until the levelled error E stops changing.

The coefficients are then rounded to the nearest float, and the script reports the largest
relative error of the rounded polynomial evaluated exactly (no float rounding of the arithmetic:
that part is measured by the exhaustive sweep, scripts/exp-accuracy), in units of 2^-24.
It also prints the float thresholds FloatExp uses (exp overflow and underflow, tanh and
sigmoid saturation), found by bisection over float bit patterns with the exact functions.
"""

import argparse
import struct
import sys
import os as _os  # noqa: E402
sys.path.insert(0, _os.path.join(_os.path.dirname(_os.path.abspath(__file__)), "lib"))
import one_line_usage  # noqa: E402  (scripts/lib: argparse with one-line usage errors)

try:
    import mpmath as mp
    mp.mp.dps = 60
except ImportError:  # pragma: no cover - environment check; reported by main() after --help
    mp = None


def f32_exact(x):
    """The float32 nearest to x, rounded once from the high-precision value (not via double)."""
    # Round to 24 significant bits directly in mpmath, so there is no double rounding.
    if x == 0:
        return mp.mpf(0)
    e = mp.floor(mp.log(abs(x), 2))
    scale = mp.mpf(2) ** (e - 23)
    m = x / scale
    n = mp.nint(m)  # mpmath nint rounds half to even
    return n * scale


def bits_to_float(b):
    return struct.unpack("<f", struct.pack("<I", b & 0xFFFFFFFF))[0]


def float_to_bits(f):
    return struct.unpack("<I", struct.pack("<f", f))[0]


def remez(f, w, basis, degree, lo, hi, iterations=40):
    """Weighted minimax fit: minimises max |w(x) * (sum c_k basis(k, x) - f(x))| on [lo, hi]."""
    m = degree + 2
    ref = [(lo + hi) / 2 - (hi - lo) / 2 * mp.cos(mp.pi * i / (m - 1)) for i in range(m)]
    grid = [lo + (hi - lo) * i / 4000 for i in range(4001)]
    last_e = None
    coeffs = None
    e_level = None
    for _ in range(iterations):
        a = mp.matrix(m, m)
        rhs = mp.matrix(m, 1)
        for i, x in enumerate(ref):
            for k in range(degree + 1):
                a[i, k] = basis(k, x)
            a[i, degree + 1] = (-1) ** i / w(x)
            rhs[i] = f(x)
        sol = mp.lu_solve(a, rhs)
        coeffs = [sol[k] for k in range(degree + 1)]
        e_level = sol[degree + 1]

        def err(x, c=coeffs):
            return w(x) * (sum(c[k] * basis(k, x) for k in range(degree + 1)) - f(x))

        values = [err(x) for x in grid]
        # Split the grid into runs of one sign and take the extremum of each run.
        runs = []
        start = 0
        for i in range(1, len(grid) + 1):
            if i == len(grid) or (values[i] > 0) != (values[start] > 0):
                j = max(range(start, i), key=lambda t: abs(values[t]))
                runs.append(j)
                start = i
        # Refine each extremum by golden-section search on its neighbourhood.
        refined = []
        for j in runs:
            a_ = grid[max(j - 1, 0)]
            b_ = grid[min(j + 1, len(grid) - 1)]
            sgn = 1 if values[j] > 0 else -1
            g = lambda x, s=sgn: -s * err(x)
            for _ in range(60):
                c1 = b_ - (b_ - a_) / mp.phi
                c2 = a_ + (b_ - a_) / mp.phi
                if g(c1) < g(c2):
                    b_ = c2
                else:
                    a_ = c1
            refined.append((a_ + b_) / 2)
        # More sign runs than reference points: drop the smaller end until m remain (the runs
        # alternate in sign, so this keeps an alternating set).
        while len(refined) > m:
            if abs(err(refined[0])) < abs(err(refined[-1])):
                refined.pop(0)
            else:
                refined.pop()
        if len(refined) == m:
            ref = refined
        if last_e is not None and abs(abs(e_level) - last_e) < mp.mpf(10) ** -40:
            break
        last_e = abs(e_level)
    return coeffs, abs(e_level)


def max_rel_error(poly, exact, lo, hi, points=20000):
    worst = mp.mpf(0)
    where = None
    for i in range(points + 1):
        x = lo + (hi - lo) * i / points
        if x == 0:
            continue
        ex = exact(x)
        e = abs((poly(x) - ex) / ex)
        if e > worst:
            worst, where = e, x
    return worst, where


def first_float_where(pred, lo_bits, hi_bits):
    """Smallest bit pattern b in [lo_bits, hi_bits] (same-sign positive floats, ordered) with pred."""
    lo, hi = lo_bits, hi_bits
    while lo < hi:
        mid = (lo + hi) // 2
        if pred(bits_to_float(mid)):
            hi = mid
        else:
            lo = mid + 1
    return lo


def main():
    p = one_line_usage.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--degree-exp", type=int, default=6, help="total degree of the exp polynomial")
    p.add_argument("--degree-tanh", type=int, default=4, help="degree of Q in z = a^2")
    p.add_argument("--tanh-threshold", type=float, default=0.625)
    args = p.parse_args()
    if mp is None:
        print("scripts/exp_coefficients.py needs mpmath (apt-get install python3-mpmath)", file=sys.stderr)
        return 3
    u = mp.mpf(2) ** -24

    # --- exp ---
    R = mp.log(2) / 2 + mp.mpf(2) ** -12
    f = lambda r: (mp.exp(r) - 1 - r) / r ** 2 if abs(r) > mp.mpf(10) ** -20 else mp.mpf(1) / 2 + r / 6
    w = lambda r: r ** 2 / mp.exp(r) if r != 0 else mp.mpf(10) ** -30
    basis = lambda k, r: r ** k
    d = args.degree_exp - 2
    coeffs, level = remez(f, w, basis, d, -R, R)
    print(f"exp: 1 + r + r^2 * P(r), |r| <= ln2/2 + 2^-12 = {mp.nstr(R, 12)}, P of degree {d}")
    print(f"  minimax relative error (exact coefficients): {mp.nstr(level, 6)} = {mp.nstr(level / u, 6)} * 2^-24")
    fc = [f32_exact(c) for c in coeffs]
    for k, c in enumerate(fc):
        print(f"  c{k + 2} = {mp.nstr(c, 20)}  float {float(c).hex()}  ({float(c)!r}f)")
    poly = lambda r: 1 + r + r ** 2 * sum(fc[k] * r ** k for k in range(d + 1))
    worst, where = max_rel_error(poly, mp.exp, -R, R)
    print(f"  with float coefficients, exact arithmetic: max relative error {mp.nstr(worst / u, 6)} * 2^-24 at r = {mp.nstr(where, 8)}")

    ln2 = mp.log(2)
    hi = f32_exact(ln2)
    lo = f32_exact(ln2 - hi)
    print(f"  ln2 = ln2hi + ln2lo: ln2hi = {float(hi).hex()} ({float(hi)!r}f), ln2lo = {float(lo).hex()} ({float(lo)!r}f),"
          f" remainder {mp.nstr(ln2 - hi - lo, 4)}")
    print(f"  log2(e) as float: {float(f32_exact(1 / ln2)).hex()} ({float(f32_exact(1 / ln2))!r}f)")

    fmax = (2 - mp.mpf(2) ** -23) * mp.mpf(2) ** 127
    ovf_bits = first_float_where(lambda x: mp.exp(x) >= fmax + mp.mpf(2) ** 103, float_to_bits(80.0), float_to_bits(100.0))
    print(f"  exp overflows to +Inf from x = {bits_to_float(ovf_bits)!r} ({bits_to_float(ovf_bits).hex()});"
          f" largest finite at {bits_to_float(ovf_bits - 1)!r}")
    # Negative side: search on |x| (bit patterns of positive floats), exp(-|x|).
    zero_bits = first_float_where(lambda a: mp.exp(-mp.mpf(a)) <= mp.mpf(2) ** -150, float_to_bits(90.0), float_to_bits(110.0))
    print(f"  exp rounds to +0 from x = -{bits_to_float(zero_bits)!r} (exp <= 2^-150); smallest nonzero at -{bits_to_float(zero_bits - 1)!r}")
    sub_bits = first_float_where(lambda a: mp.exp(-mp.mpf(a)) < mp.mpf(2) ** -126, float_to_bits(80.0), float_to_bits(100.0))
    print(f"  exp is subnormal (below 2^-126) from x = -{bits_to_float(sub_bits)!r}")

    # --- sigmoid saturation ---
    one_bits = first_float_where(lambda x: 1 / (1 + mp.exp(-mp.mpf(x))) >= 1 - mp.mpf(2) ** -25, float_to_bits(1.0), float_to_bits(40.0))
    print(f"sigmoid rounds to 1 from x = {bits_to_float(one_bits)!r} ({bits_to_float(one_bits).hex()})")

    # --- tanh ---
    T = mp.mpf(args.tanh_threshold)
    g = lambda z: (mp.tanh(mp.sqrt(z)) - mp.sqrt(z)) / z ** mp.mpf(1.5) if z > mp.mpf(10) ** -20 else -mp.mpf(1) / 3 + 2 * z / 15
    wt = lambda z: z ** mp.mpf(1.5) / mp.tanh(mp.sqrt(z)) if z > 0 else mp.mpf(10) ** -30
    tcoeffs, tlevel = remez(g, wt, basis, args.degree_tanh, mp.mpf(0), T ** 2)
    print(f"tanh: a + a^3 * Q(a^2) on 0 <= a <= {args.tanh_threshold}, Q of degree {args.degree_tanh}")
    print(f"  minimax relative error (exact coefficients): {mp.nstr(tlevel, 6)} = {mp.nstr(tlevel / u, 6)} * 2^-24")
    tfc = [f32_exact(c) for c in tcoeffs]
    for k, c in enumerate(tfc):
        print(f"  t{k} = {mp.nstr(c, 20)}  float {float(c).hex()}  ({float(c)!r}f)")
    tpoly = lambda a: a + a ** 3 * sum(tfc[k] * a ** (2 * k) for k in range(len(tfc)))
    worst, where = max_rel_error(tpoly, mp.tanh, mp.mpf(0), T)
    print(f"  with float coefficients, exact arithmetic: max relative error {mp.nstr(worst / u, 6)} * 2^-24 at a = {mp.nstr(where, 8)}")
    sat_bits = first_float_where(lambda a: mp.tanh(mp.mpf(a)) >= 1 - mp.mpf(2) ** -25, float_to_bits(1.0), float_to_bits(20.0))
    print(f"tanh rounds to 1 from a = {bits_to_float(sat_bits)!r} ({bits_to_float(sat_bits).hex()})")


if __name__ == "__main__":
    sys.exit(main())
