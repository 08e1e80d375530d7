package org.vecprop.internal.gemm;

import org.vecprop.contract.ArithmeticOrder;
import org.vecprop.internal.Vectorization;

/**
 * GEMM's blocking configuration and path rule: the sizes every other part of the GEMM reads,
 * derived once from the vector width, and which path a problem takes. Depends on nothing but
 * the width decision.
 *
 * <h2>Blocking</h2>
 * {@code NR = 2} vectors; {@code MR = 8} rows at 512 bits (16 accumulators of 32 registers),
 * {@code MR = 6} otherwise (12 accumulators, leaving registers for the B row and the broadcast
 * on 16-register AVX2). {@code KC} is the order of arithmetic's depth block (128, whatever the
 * width, so results do not depend on it): a {@code KC x NR} B micro-panel is 16 KiB at 512 bits,
 * half of a 32 KiB L1d, and less at narrower widths. {@code MC x KC} of packed A takes at most
 * 512 KiB; {@code KC x NC} of packed B at most 2 MiB: MC = 1024 (1020 with 6-row tiles), NC =
 * 4096. The loop nest runs one MR x KC row panel of A (4 KiB, in L1) against every B micro-panel
 * of the block, which stream from L2 and L3 ({@link GemmMacroKernel}). Measured in that order
 * at 512 bits on Zen 5 (interleaved probe, 1024³): MC from 128 to 1024 made no difference beyond
 * the noise; NC = 1024 (B's block within L2) the same as 4096, 512 slightly and 256 clearly
 * slower (79% against 85% of the FMA peak loop).
 *
 * <h2>Paths</h2>
 * See {@link #choosePath}: TINY (scalar loops), NARROW (C at most one vector wide: one vector
 * per row of C), DIRECT (register tiles over A in place and B in place or in panels, storing C
 * from the registers) or PACKED (BLIS-style packing and register tiles).
 */
public final class GemmBlocking {
    private GemmBlocking() {}

    /**
     * Rows of the register tile: 8 with 512-bit vectors (16 accumulators of AVX-512's 32
     * registers; batches of 32 or 64 rows then fill whole tiles), else 6 (12 accumulators, which
     * with the B row and the broadcast fit AVX2's 16).
     */
    public static final int MR = Vectorization.BITS == 512 ? 8 : 6;
    /** Columns of the register tile: two vectors (0 on the scalar path). */
    public static final int NR = 2 * Vectorization.BITS / 32;
    /** Depth of a packed panel: the order of arithmetic's depth block. */
    public static final int KC = ArithmeticOrder.DEPTH_BLOCK;
    /** Rows of A packed at once: MC x KC floats are at most 512 KiB, a multiple of MR. */
    public static final int MC = (512 * 1024 / (KC * Float.BYTES)) / MR * MR;
    /** Columns of B packed at once: KC x NC floats are at most 8 MiB, a multiple of NR. */
    public static final int NC = NR == 0 ? 0 : Math.min(4096, 8 * 1024 * 1024 / (KC * Float.BYTES)) / NR * NR;

    /**
     * Problems with at most this many multiply-adds run as plain scalar loops: at that size a
     * vector loop's setup costs more than the arithmetic.
     */
    public static final long TINY_MAX_WORK = 64;
    /** The direct path serves problems with at most this many rows of C... */
    public static final int DIRECT_MAX_M = 4;
    /** ...or at most this many multiply-adds in all... */
    public static final long DIRECT_MAX_WORK = 16 * 16 * 16;
    /**
     * ...or, when C is at least two vectors wide, at most this many rows, or twice as many when
     * B holds at most {@link #DIRECT_SMALL_B} floats: there the 4-row register tile over A and B
     * in place beat packing both (measured at 512 bits: 32x64x64 1.6 against 2.0 us, 8x784x256
     * 28 against 37 us; 64x64x64 and 32x784x256 are faster packed).
     */
    public static final int DIRECT_WIDE_MAX_M = 16;
    /** B small enough (64 KiB) for the direct path to serve up to 2 x DIRECT_WIDE_MAX_M rows. */
    public static final long DIRECT_SMALL_B = 16 * 1024;

    /** Which path a call takes; tests force each one to cover all of them at every shape. */
    public enum Path { AUTO, TINY, DIRECT, PACKED, NARROW }

    /**
     * The path for a problem of this shape: TINY for at most {@link #TINY_MAX_WORK}
     * multiply-adds; NARROW for C at most one vector wide, any transposes; DIRECT for B
     * transposed with a depth of at most {@link #PANEL_DIRECT_MAX_K} (op(B) packed, A read in
     * place); with B not transposed (the direct path reads rows of B as vectors of C's
     * columns), DIRECT for at most {@link #DIRECT_MAX_M} rows or {@link #DIRECT_MAX_WORK}
     * multiply-adds, or for C at least two vectors wide with at most {@link #DIRECT_WIDE_MAX_M}
     * rows (twice that when B has at most {@link #DIRECT_SMALL_B} floats); DIRECT too, any
     * transposes, for one depth block whole panels wide ({@link #shortDepthOnPanels}: op(B)
     * packed per call, A in place); PACKED otherwise, whose packing also absorbs a transposed B.
     */
    public static Path choosePath(boolean transA, boolean transB, int m, int n, int k) {
        long work = (long) m * n * k;
        if (work <= TINY_MAX_WORK) {
            return Path.TINY;
        }
        if (NR > 0 && n <= NR / 2) { // one vector per row of C (NR is 0 on the scalar path)
            return Path.NARROW;
        }
        if (transB && k <= PANEL_DIRECT_MAX_K) {
            return Path.DIRECT; // B packed (transposed) per call, A in place: no tile spilled
        }
        if (!transB && directInPlace(m, n, k)) {
            return Path.DIRECT;
        }
        if (shortDepthOnPanels(transA, n, k)) {
            return Path.DIRECT; // op(B) packed per call, A in place, C stored from the registers
        }
        return Path.PACKED;
    }

    /**
     * Whether the direct path reads an untransposed B in place (the rule of {@link #choosePath}
     * for B not transposed): at most {@link #DIRECT_MAX_M} rows or {@link #DIRECT_MAX_WORK}
     * multiply-adds, or C at least two vectors wide with at most {@link #DIRECT_WIDE_MAX_M} rows
     * (twice that when B has at most {@link #DIRECT_SMALL_B} floats). A DIRECT problem with B
     * untransposed that this does not hold for is one of {@link #shortDepthOnPanels}.
     */
    static boolean directInPlace(int m, int n, int k) {
        if (m <= DIRECT_MAX_M || (long) m * n * k <= DIRECT_MAX_WORK) {
            return true;
        }
        boolean wide = NR > 0 && n >= NR; // NR is 0 on the scalar path, where no path is chosen
        boolean smallB = (long) k * n <= DIRECT_SMALL_B;
        return wide && (m <= DIRECT_WIDE_MAX_M || smallB && m <= 2 * DIRECT_WIDE_MAX_M);
    }

    /**
     * Whether a product of one depth block ({@code k <= KC}) runs the direct path's register
     * tiles over op(B) in panels (packed per call, or a {@link PackedPanels}) with A read in
     * place, whatever the rows, rather than the packed loop nest: C whole panels wide ({@code n}
     * a multiple of NR: the direct tiles take a partial panel's columns row by row, one FMA
     * chain each, 3-4x slower than the loop nest's padded tile at 256x64x300:TN) and op(B) at
     * most {@link #SHORT_DEPTH_MAX_B_TRANS_A} floats with A transposed, {@link
     * #SHORT_DEPTH_MAX_B} otherwise. With a single depth block the loop nest still packs A, a
     * cost no later depth block shares; the direct tiles read A in place and
     * store C from the registers, row block after row block. Measured at 512 bits
     * (interleaved probe, min of 1000 rounds, time ÷ OpenBLAS's, loop nest → direct on panels):
     * 784x64x256:TN 1.10 → 0.86, 256x64x128:TN 1.04 → 0.80, 128x128x128:TN 0.92 → 0.74,
     * 1024x64x1024:TN (op(B) 64 Ki floats) 1.04 → 0.98; 128x128x128 0.94 → 0.90, 96x128x64
     * 1.41 → 1.24; slower at 1024x128x1024 (128 Ki floats) 0.99 → 1.05 and, A untransposed
     * against 32 Ki floats of packed B, 256x128x256:NT 0.96 → 1.04; 64x128x256:NT unchanged.
     * (Against the loop nest as it was before it ran a row panel against every B micro-panel and
     * stored whole tiles from the registers, which took 784x64x256:TN from 1.07 to 0.98 in
     * another probe: the direct form still wins there; the bounds were not measured again.)
     */
    static boolean shortDepthOnPanels(boolean transA, int n, int k) {
        return NR > 0 && k <= KC && n % NR == 0
                && (long) k * n <= (transA ? SHORT_DEPTH_MAX_B_TRANS_A : SHORT_DEPTH_MAX_B);
    }

    /** op(B)'s floats up to which {@link #shortDepthOnPanels} holds with A transposed (256 KiB). */
    static final long SHORT_DEPTH_MAX_B_TRANS_A = 64 * 1024;
    /** op(B)'s floats up to which {@link #shortDepthOnPanels} holds with A untransposed (64 KiB). */
    static final long SHORT_DEPTH_MAX_B = 16 * 1024;

    /**
     * Whether a product against packed panels of B runs the direct path's register tiles over
     * the panels (no packing of A, C stored from the registers) rather than the packed loop nest:
     * for few rows, or a depth short enough that packing A and spilling each tile cost as much
     * as the FMAs.
     */
    static boolean directOnPanels(int m, int k) {
        return m <= DIRECT_WIDE_MAX_M || k <= PANEL_DIRECT_MAX_K;
    }

    /** The depth up to which {@link #directOnPanels} holds whatever the rows. */
    static final int PANEL_DIRECT_MAX_K = 32;

    /** The register tile's floats: the size of {@code PackBuffers.tile}. */
    static int tileFloats() {
        return Math.max(1, MR * NR);
    }

    static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }
}
