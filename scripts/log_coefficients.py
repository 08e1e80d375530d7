#!/usr/bin/env python3
"""Derives the constants of org.vecprop.internal.math.FloatLog and its error bounds.

Usage: scripts/log_coefficients.py [--degree N] [--no-search] [--grid N]

Needs python3 with mpmath and numpy (Debian: python3-mpmath python3-numpy; pip: mpmath numpy).
The Remez exchange is scripts/exp_coefficients.py's, run with 60 significant digits.

What it computes, and how:

log1p core  log1p(f) ~= f - f^2/2 + f^3 * P(f) on [sqrt(2)/2 - 1, sqrt(2) - 1], widened by 2^-22 on
      both sides (log1p's reduced argument comes from a rounded 1 + x and may step a hair
      outside). P has degree N (default 8, nine coefficients): the Remez fit of
      g(f) = (log1p(f) - f + f^2/2) / f^3 under the weight f^3 / log1p(f), i.e. the largest
      RELATIVE error of the whole log1p(f) is minimised.

      The coefficients are then rounded to float. Rounding each to the nearest float costs a
      lot here (0.0126 -> 0.054 * 2^-24 at degree 8), so a local search follows: each
      coefficient, then each pair, moved by up to 3 float steps while the largest relative
      error on 20001 points (evaluated in double, with the exact values from mpmath) decreases.
      The result is what FloatLog uses; --no-search prints the nearest floats instead.

ln2   ln2 = ln2hi + ln2lo: ln2hi is ln2 cut to 16 bits (15 significant: k * ln2hi is exact for
      |k| < 512), ln2lo the float nearest the rest.

bound A first-order error analysis of FloatLog's operations, evaluated for every k (log: -149
      to 128; log1p: -24 to 128) on a grid of the reduced argument f (default 20001 points,
      each rounded to float): the final rounding (0.5 ulp) plus every other rounding error, the
      polynomial's approximation error (its largest relative error, above) and ln2's
      remainder, each bounded by u = 2^-24 times the size of what is rounded (Horner's error
      by the running bound u * sum |partial_i| |f|^i), in ulps of the exact result. Printed
      per region (k = 0, |k| = 1, |k| >= 2) for log and log1p. First order: terms of order u^2
      are left out. A dense evaluation, not a proof; the exhaustive sweep (scripts/log-accuracy)
      measures the real errors.
"""

import argparse
import math
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import one_line_usage  # noqa: E402  (scripts/lib: argparse with one-line usage errors)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    import mpmath as mp
    import numpy as np
except ImportError:  # pragma: no cover - environment check; reported by main() after --help
    mp = np = None
from exp_coefficients import f32_exact, remez  # noqa: E402

if mp is not None:
    mp.mp.dps = 60
U = 2.0 ** -24


def interval():
    lo = mp.sqrt(2) / 2 - 1 - mp.mpf(2) ** -22
    hi = mp.sqrt(2) - 1 + mp.mpf(2) ** -22
    return lo, hi


def g(f):
    """(log1p(f) - f + f^2/2) / f^3, with its series near 0."""
    if abs(f) < mp.mpf(10) ** -12:
        return mp.mpf(1) / 3 - f / 4 + f * f / 5
    return (mp.log1p(f) - f + f * f / 2) / f ** 3


def weight(f):
    return f ** 3 / mp.log1p(f) if f != 0 else mp.mpf(10) ** -30


class Checker:
    """The largest relative error of f - f^2/2 + f^3 P(f) against log1p, in double, on a grid."""

    def __init__(self, lo, hi, points=20001):
        fs = [lo + (hi - lo) * i / (points - 1) for i in range(points)]
        fs = [f for f in fs if abs(f) > mp.mpf(10) ** -6]
        self.f = np.array([float(f) for f in fs])
        self.target = np.array([float((mp.log1p(f) - f + f * f / 2) / mp.log1p(f)) for f in fs])
        self.scale = np.array([float(f ** 3 / mp.log1p(f)) for f in fs])

    def error(self, coeffs):
        p = np.zeros_like(self.f)
        for c in reversed(coeffs):
            p = p * self.f + c
        return float(np.max(np.abs(self.scale * p - self.target)))


def float_step(x, n):
    a = np.float32(x)
    for _ in range(abs(n)):
        a = np.nextafter(a, np.float32(np.inf if n > 0 else -np.inf))
    return float(a)


def search(coeffs, checker):
    """Moves coefficients by a few float steps while the largest error decreases."""
    best = checker.error(coeffs)
    improved = True
    while improved:
        improved = False
        for i in range(len(coeffs)):
            for d in (-3, -2, -1, 1, 2, 3):
                t = list(coeffs)
                t[i] = float_step(coeffs[i], d)
                e = checker.error(t)
                if e < best * (1 - 1e-9):
                    best, coeffs, improved = e, t, True
        if improved:
            continue
        for i in range(len(coeffs)):
            for j in range(i + 1, len(coeffs)):
                for di in (-1, 1):
                    for dj in (-1, 1):
                        t = list(coeffs)
                        t[i] = float_step(coeffs[i], di)
                        t[j] = float_step(coeffs[j], dj)
                        e = checker.error(t)
                        if e < best * (1 - 1e-9):
                            best, coeffs, improved = e, t, True
    return coeffs, best


def ulp32(v):
    e = np.clip(np.floor(np.log2(np.abs(v))), -126, 127)
    return 2.0 ** (e - 23)


def bound(k, log1p, coeffs, eps_a, ln2hi, ln2lo, ln2rem, fgrid):
    """Largest first-order error bound in ulps of the exact result, for one k, over fgrid."""
    f32 = np.float32
    f = fgrid
    a = k * ln2hi
    s = (f32(a) + f32(f)).astype(np.float64)                 # S = a + f, rounded
    e1 = np.where(s == 0, 0.0, ulp32(np.where(s == 0, 1.0, s)) / 2)
    h = (f32(f) * f32(f)).astype(np.float64)
    s2 = (f32(s) + f32(-h / 2)).astype(np.float64)
    e2 = np.where(s2 == 0, 0.0, ulp32(np.where(s2 == 0, 1.0, s2)) / 2)
    p = np.full_like(f, coeffs[-1])
    running = np.abs(p) * np.abs(f) ** (len(coeffs) - 1)
    for i in range(len(coeffs) - 2, -1, -1):
        p = p * f + coeffs[i]
        running = running + np.abs(p) * np.abs(f) ** i
    f3 = np.abs(f) ** 3
    hl = ulp32(np.where(h == 0, 1.0, h)) / 2
    t = f3 * np.abs(p) + hl / 2                               # |f^3 P - hl/2|
    c = np.abs(k * ln2lo)
    err = (eps_a * np.abs(np.log1p(f))                        # approximation
           + f3 * U * running                                 # Horner
           + 2 * U * f3 * np.abs(p)                           # h * f (h rounded, then the product)
           + U * t                                            # the FMA giving t
           + U * c)                                           # k * ln2lo (log) or its FMA (log1p)
    if log1p and k >= 1:
        fl = ulp32(f) / 2                                     # f's rounding, carried
        corr = fl * (1 + np.abs(f))
        err = err + fl * f ** 2 / (1 + f) + U * corr + U * (c + corr)
        c = c + corr
        if k > 24:
            err = err + 2.0 ** -k / (1 + f)                   # 2^-k - 1 rounded to -1
    err = err + U * (t + c) + U * (e1 + e2) + U * (t + c + e1 + e2) + abs(k) * ln2rem
    exact = k * math.log(2) + np.log1p(f)
    ok = exact != 0
    return float(np.max(0.5 + err[ok] / ulp32(exact[ok])))


def main():
    p = one_line_usage.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--degree", type=int, default=8, help="degree of P (nine coefficients at 8)")
    p.add_argument("--no-search", action="store_true", help="nearest floats, no coefficient search")
    p.add_argument("--grid", type=int, default=20001, help="points of f for the error bound")
    args = p.parse_args()
    if mp is None or np is None:
        print("scripts/log_coefficients.py needs mpmath and numpy (apt-get install python3-mpmath python3-numpy)",
              file=sys.stderr)
        return 3

    lo, hi = interval()
    coeffs, level = remez(g, weight, lambda k, f: f ** k, args.degree, lo, hi)
    print(f"log1p(f) = f - f^2/2 + f^3 * P(f) on [sqrt(2)/2 - 1, sqrt(2) - 1] +- 2^-22, P of degree {args.degree}")
    print(f"  minimax relative error (exact coefficients): {mp.nstr(level / U, 6)} * 2^-24")
    checker = Checker(lo, hi)
    nearest = [float(f32_exact(c)) for c in coeffs]
    print(f"  nearest floats: {checker.error(nearest) / U:.4f} * 2^-24 (20001 points)")
    if args.no_search:
        chosen, err = nearest, checker.error(nearest)
    else:
        chosen, err = search(nearest, checker)
        print(f"  after the search: {err / U:.4f} * 2^-24")
    for i, c in enumerate(chosen):
        print(f"  P{i} = {c.hex().replace('0000000p', 'p').replace('000000p', 'p')}f  ({c!r})")

    ln2 = mp.log(2)
    ln2hi = mp.mpf(int(ln2 * 2 ** 16)) / 2 ** 16
    ln2lo = f32_exact(ln2 - ln2hi)
    rem = abs(ln2 - ln2hi - ln2lo)
    print(f"ln2 = ln2hi + ln2lo: ln2hi = {float(ln2hi).hex()} ({float(ln2hi)!r}f), "
          f"ln2lo = {float(ln2lo).hex()} ({float(ln2lo)!r}f), remainder {mp.nstr(rem, 4)}")

    # The bound: eps_a with a 5 % margin over the sampled maximum (the grid is not every float).
    eps_a = err * 1.05
    f32 = np.float32
    grid = np.linspace(float(lo), float(hi), args.grid).astype(f32).astype(np.float64)
    grid = grid[grid != 0]
    print("first-order error bound in ulps of the exact result (0.5 for the final rounding included):")
    for name, ks, l1p in (("log", range(-149, 129), False), ("log1p", range(-24, 129), True)):
        regions = {}
        for k in ks:
            b = bound(k, l1p, chosen, eps_a, float(ln2hi), float(ln2lo), float(rem), grid)
            key = "k = 0" if k == 0 else "|k| = 1" if abs(k) == 1 else "|k| >= 2"
            regions[key] = max(regions.get(key, 0.0), b)
        print(f"  {name}: " + ", ".join(f"{key}: {v:.4f}" for key, v in regions.items())
              + f"; overall {max(regions.values()):.4f}")


if __name__ == "__main__":
    sys.exit(main())
