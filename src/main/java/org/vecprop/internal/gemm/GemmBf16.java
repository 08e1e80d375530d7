package org.vecprop.internal.gemm;

import static org.vecprop.internal.Lanes.F;
import static org.vecprop.internal.Lanes.L;
import static org.vecprop.internal.gemm.GemmBlocking.KC;
import static org.vecprop.internal.gemm.GemmBlocking.NR;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.vecprop.internal.Kernels;
import org.vecprop.internal.PackBuffers;

/**
 * Products against bfloat16 weights ({@link PackedPanelsBf16}): each bfloat16 is widened to
 * float in the register ({@code bits << 16}, exact) before the FMA, so every element is the same
 * FMA chain, in the same depth blocks and with the same epilogue, as the float product on the
 * rounded weights: the float paths' bits on {@code Bfloat16.rounded(B)}.
 *
 * <p>Batch 1 to 3 against weights at least four panels wide is bound by the bytes of the
 * weights: there the row kernels read the bfloat16 panels directly (half the bytes of float
 * panels). Every other product widens the panels once per call into this thread's packing buffer
 * and runs the float path on them (narrow, direct on panels, or the packed loop nest): there the
 * arithmetic per weight is at least four rows' worth, and the widening (one pass over the
 * weights) costs a few percent, not a kernel of its own per path.
 */
final class GemmBf16 {
    private GemmBf16() {}

    /** Shorts, as many lanes as {@link org.vecprop.internal.Lanes#F}. */
    private static final VectorSpecies<Short> S =
            VectorSpecies.of(short.class, VectorShape.forBitSize(16 * L));
    /** Ints, as many lanes as F (the widening goes through them). */
    private static final VectorSpecies<Integer> I = F.withLanes(int.class);

    /** Rows up to which the row kernels read the bfloat16 panels themselves. */
    static final int DIRECT_ROWS = 3;

    /**
     * {@code C = alpha * op(A) * B + beta * C (+ bias, ReLU)} for a validated problem with
     * {@code m, n, k > 0}, {@code alpha != 0}; activation IDENTITY or RELU.
     */
    static void multiply(boolean transA, int m, float alpha, float[] a, int aOff, int lda,
                         PackedPanelsBf16 b, float beta, float[] c, int cOff, int ldc,
                         float[] bias, int biasOff, int activation, PackBuffers ws) {
        int n = b.cols, k = b.depth;
        if (m <= DIRECT_ROWS && !GemmNarrow.applies(n)) {
            rows(transA, m, n, k, alpha, a, aOff, lda, b, beta, c, cOff, ldc, ws);
            if (bias != null || activation != Kernels.IDENTITY) {
                GemmEpilogue.biasAndActivation(m, n, c, cOff, ldc, bias, biasOff, activation);
            }
            return;
        }
        int floats = k * b.colsPadded;
        float[] pb = ws.packedB = PackBuffers.atLeast(ws.packedB, floats);
        widen(b.data, 0, pb, 0, floats);
        if (GemmNarrow.applies(n)) {
            GemmNarrow.loops(transA, m, n, k, alpha, a, aOff, lda, pb, beta, c, cOff, ldc, ws,
                    bias, biasOff, activation);
        } else if (GemmBlocking.directOnPanels(m, k)) {
            GemmSmallProblems.directPanels(transA, m, n, k, alpha, a, aOff, lda, pb, 0,
                    b.colsPadded, beta, c, cOff, ldc);
            if (bias != null || activation != Kernels.IDENTITY) {
                GemmEpilogue.biasAndActivation(m, n, c, cOff, ldc, bias, biasOff, activation);
            }
        } else {
            GemmMacroKernel.loops(transA, false, m, n, k, alpha, a, aOff, lda, null, 0, 0, pb,
                    b.colsPadded, beta, c, cOff, ldc, ws, bias, biasOff, activation, false);
        }
    }

    /** {@code dst[d + i] = widen(src[s + i])} for i < count (count a multiple of L). */
    static void widen(short[] src, int s, float[] dst, int d, int count) {
        for (int i = 0; i < count; i += L) {
            ((IntVector) ShortVector.fromArray(S, src, s + i).convertShape(VectorOperators.S2I, I, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, d + i);
        }
    }

    /**
     * One to three rows: per depth block, each row over groups of four panels read as bfloat16
     * (eight FMA chains), the panels left (fewer than four) widened into the tile buffer and run
     * through the direct path's row; the blocks joined through C as on every path.
     */
    private static void rows(boolean transA, int m, int n, int k, float alpha, float[] a, int aOff,
                             int lda, PackedPanelsBf16 b, float beta, float[] c, int cOff, int ldc,
                             PackBuffers ws) {
        int aStepP = transA ? lda : 1, aStepI = transA ? 1 : lda;
        float[] scratch = ws.tile = PackBuffers.atLeast(ws.tile, KC * NR);
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc), panel = kc * NR, block = pc * b.colsPadded;
            float betaBlock = pc == 0 ? beta : 1f;
            int aBlock = aOff + pc * aStepP;
            for (int i = 0; i < m; i++) {
                int ai = aBlock + i * aStepI, ci = cOff + i * ldc;
                int j = 0;
                for (; j + 4 * NR <= n; j += 4 * NR) {
                    row4(kc, alpha, a, ai, aStepP, b.data, block + j * kc, panel, betaBlock, c, ci + j);
                }
                for (; j < n; j += NR) {
                    widen(b.data, block + j * kc, scratch, 0, panel);
                    GemmSmallProblems.row(0, Math.min(NR, n - j), kc, alpha, a, ai, aStepP,
                            scratch, 0, NR, betaBlock, c, ci + j);
                }
            }
        }
    }

    /**
     * One row of C over four bfloat16 panels ({@code panel} shorts apart, rows NR apart): each of
     * the eight vectors of a depth step loaded as shorts and widened in the register ({@code
     * S2I}, shift left 16, reinterpret) before its FMA; eight chains. The widening is written
     * out for each vector: a helper returning a vector would box it where C2 does not inline it.
     */
    static void row4(int kc, float alpha, float[] a, int ai, int aStepP, short[] b, int bi,
                     int panel, float beta, float[] c, int ci) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0;
        FloatVector c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        int b1 = bi + panel, b2 = b1 + panel, b3 = b2 + panel;
        for (int p = 0; p < kc; p++) {
            FloatVector av = FloatVector.broadcast(F, a[ai]);
            int q = p * NR;
            c0 = av.fma(((IntVector) ShortVector.fromArray(S, b, bi + q)
                    .convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats(), c0);
            c1 = av.fma(((IntVector) ShortVector.fromArray(S, b, bi + q + L)
                    .convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats(), c1);
            c2 = av.fma(((IntVector) ShortVector.fromArray(S, b, b1 + q)
                    .convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats(), c2);
            c3 = av.fma(((IntVector) ShortVector.fromArray(S, b, b1 + q + L)
                    .convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats(), c3);
            c4 = av.fma(((IntVector) ShortVector.fromArray(S, b, b2 + q)
                    .convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats(), c4);
            c5 = av.fma(((IntVector) ShortVector.fromArray(S, b, b2 + q + L)
                    .convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats(), c5);
            c6 = av.fma(((IntVector) ShortVector.fromArray(S, b, b3 + q)
                    .convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats(), c6);
            c7 = av.fma(((IntVector) ShortVector.fromArray(S, b, b3 + q + L)
                    .convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats(), c7);
            ai += aStepP;
        }
        if (beta == 0f) {
            c0.mul(alpha).intoArray(c, ci);
            c1.mul(alpha).intoArray(c, ci + L);
            c2.mul(alpha).intoArray(c, ci + 2 * L);
            c3.mul(alpha).intoArray(c, ci + 3 * L);
            c4.mul(alpha).intoArray(c, ci + 4 * L);
            c5.mul(alpha).intoArray(c, ci + 5 * L);
            c6.mul(alpha).intoArray(c, ci + 6 * L);
            c7.mul(alpha).intoArray(c, ci + 7 * L);
        } else {
            c0.mul(alpha).add(FloatVector.fromArray(F, c, ci).mul(beta)).intoArray(c, ci);
            c1.mul(alpha).add(FloatVector.fromArray(F, c, ci + L).mul(beta)).intoArray(c, ci + L);
            c2.mul(alpha).add(FloatVector.fromArray(F, c, ci + 2 * L).mul(beta)).intoArray(c, ci + 2 * L);
            c3.mul(alpha).add(FloatVector.fromArray(F, c, ci + 3 * L).mul(beta)).intoArray(c, ci + 3 * L);
            c4.mul(alpha).add(FloatVector.fromArray(F, c, ci + 4 * L).mul(beta)).intoArray(c, ci + 4 * L);
            c5.mul(alpha).add(FloatVector.fromArray(F, c, ci + 5 * L).mul(beta)).intoArray(c, ci + 5 * L);
            c6.mul(alpha).add(FloatVector.fromArray(F, c, ci + 6 * L).mul(beta)).intoArray(c, ci + 6 * L);
            c7.mul(alpha).add(FloatVector.fromArray(F, c, ci + 7 * L).mul(beta)).intoArray(c, ci + 7 * L);
        }
    }
}
