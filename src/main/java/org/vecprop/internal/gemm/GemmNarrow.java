package org.vecprop.internal.gemm;

import static org.vecprop.internal.Lanes.F;
import static org.vecprop.internal.Lanes.L;
import static org.vecprop.internal.gemm.GemmBlocking.KC;
import static org.vecprop.internal.gemm.GemmBlocking.NR;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import org.vecprop.internal.PackBuffers;
import org.vecprop.internal.Lanes;

/**
 * The narrow path: C at most one vector wide ({@code n <= L}, a classifier's 10 outputs at 512
 * bits), any transposes. Each row of C is one vector of which the first n lanes are used, as
 * ONNX Runtime's MLAS does across a narrow N: a register tile of {@link #ROWS} rows broadcasts
 * op(A)[i][p] from A in place (rows of A or, transposed, consecutive elements of one of its
 * rows) and multiplies it with row p of op(B), which is one vector. The packed path instead
 * fills 10 of the 32 columns of its tile (or, transposing C, spends its time storing the
 * transposed tile element by element), and packs A, which costs as much as the arithmetic here.
 * With A transposed at 512 bits the rows of C go in the vectors instead (the column form below:
 * 32 rows by all of 5 to 12 columns in registers, or 64 rows by groups of columns).
 *
 * <p>op(B) is k rows {@code ldb} floats apart: an untransposed B read where it lies (its rows'
 * lanes past n are other floats of the array, summed into lanes of C that are never stored; the
 * last rows, whose whole vector would run past the array, by loads masked to n floats), or rows
 * NR floats apart, zero from column n to L: a transposed B packed per call (16 x 16 register
 * transposes at 512 bits), or a {@link PackedPanels} of at most NR columns, whose one panel per
 * depth block is that very layout.
 *
 * <p>The order of arithmetic is the contract's, element by element: each depth block of
 * {@link GemmBlocking#KC} from 0 is one FMA chain per element, joined through C as on the
 * packed path ({@code beta} on the first block, 1 after it: {@code alpha * acc + 1 * v} is
 * {@code alpha * acc + v}), the bias and activation after the last. So the bits are those of
 * every other path. Lanes past n hold sums of zeros or of other floats of B and are never
 * stored: masked loads and stores touch only the first n lanes of a row of C and of the bias.
 */
final class GemmNarrow {
    private GemmNarrow() {}

    /** Rows of C per register tile: 8 accumulators, a B vector and a broadcast fit AVX2's 16 registers. */
    static final int ROWS = 8;
    /** Rows of C per block of the column form (A transposed, 512 bits): four vectors of rows. */
    static final int COLUMN_ROWS = 64;
    /**
     * Rows of C per block of the column form's one-pass tiles ({@link #ONE_PASS_MIN} to {@link
     * #ONE_PASS_MAX} columns): two vectors of rows, so that all the columns fit in registers.
     */
    static final int ONE_PASS_ROWS = 32;
    /**
     * The widths of C the one-pass tiles serve. Up to 12: 2 x 12 accumulators, A's two vectors
     * and a broadcast are 27 of the 32 registers. From 5: below it, 2n accumulators are too few
     * chains to hide the FMA's latency, and the 64-row block's 4n (A read once for n <= 4) wins.
     */
    static final int ONE_PASS_MIN = 5, ONE_PASS_MAX = 12;
    /**
     * Where in the tile buffer a transposed 16 x 16 block goes. (Finishing the rows straight from
     * the transpose's registers instead was tried: C2 compiled that 2 KB method with its index
     * vectors reconverted and spilled, three times slower than this spill and reload. With beta 0,
     * the epilogue applied to the columns before the transpose and the transposed rows stored
     * from registers by masked stores, as the shape-specialised experiment stored its block, was
     * 60-80 ns faster at 128x64x10:TN once C2 had compiled it; but C1 cannot compile a method
     * with sixteen masked stores (out of virtual registers in its LIR generator), so it ran
     * interpreted, boxing every vector, until C2 did: 14-16 us a call for seconds under load,
     * and AllocationTest saw 15 KB a call. The transposed rows copied by a loop instead measured
     * no faster than this.)
     */
    private static final int TRANSPOSED = 16 * COLUMN_ROWS;

    /** Whether the narrow path serves a C of n columns. */
    static boolean applies(int n) {
        return n <= L;
    }

    /** The narrow path for a validated problem with {@code 0 < n <= L}, {@code k > 0}, {@code alpha != 0}. */
    static void multiply(boolean transA, boolean transB, int m, int n, int k,
                         float alpha, float[] a, int aOff, int lda,
                         float[] b, int bOff, int ldb,
                         float beta, float[] c, int cOff, int ldc, PackBuffers ws,
                         float[] bias, int biasOff, int activation) {
        if (!transB && readsBInPlace(transA, n, k, b.length, bOff, ldb)) {
            // Row p of op(B) is row p of B: the tiles read it where it lies (no copy per call).
            loops(transA, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, ws,
                    bias, biasOff, activation);
            return;
        }
        float[] pb = ws.packedB = PackBuffers.atLeast(ws.packedB, (long) k * NR);
        packB(transB, n, k, b, bOff, ldb, pb, ws);
        loops(transA, m, n, k, alpha, a, aOff, lda, pb, 0, NR, beta, c, cOff, ldc, ws, bias,
                biasOff, activation);
    }

    /**
     * Whether the tiles can read an untransposed B in place: always, except where the column
     * form's one-pass tile for an odd n reads column n as well (op(B)'s zero lane when packed)
     * and that float would lie past the end of the array in the last row. The row forms read a
     * whole vector of a row of B only where it lies inside the array (see {@link #plainSteps});
     * its lanes past n, other elements of B or whatever follows it, sum into lanes of C that
     * are never stored.
     */
    static boolean readsBInPlace(boolean transA, int n, int k, int length, int bOff, int ldb) {
        boolean extraColumn = transA && GemmTranspose.AVAILABLE && onePass(n) && (n & 1) != 0;
        return !extraColumn || bOff + (long) (k - 1) * ldb + n + 1 <= length;
    }

    /** The narrow path with op(B) packed beforehand ({@code b.cols <= L}): its one panel's rows. */
    static void prepacked(boolean transA, int m, float alpha, float[] a, int aOff, int lda,
                          PackedPanels b, float beta, float[] c, int cOff, int ldc,
                          PackBuffers ws, float[] bias, int biasOff, int activation) {
        // With cols <= NR the panels are one panel per depth block, depth block pc at pc * NR:
        // row p of op(B) at p * NR, zero past column cols.
        loops(transA, m, b.cols, b.depth, alpha, a, aOff, lda, b.data, 0, NR, beta, c, cOff, ldc,
                ws, bias, biasOff, activation);
    }

    /**
     * {@code pb[p * NR + j] = op(B)[p][j]} for j < n, 0 for n <= j < L: the layout of a {@link
     * PackedPanels} of at most NR columns (lanes L to NR are never read). {@code ws}'s tile is
     * the transposes' scratch.
     */
    static void packB(boolean transB, int n, int k, float[] b, int bOff, int ldb, float[] pb,
                      PackBuffers ws) {
        if (!transB) {
            // Row p of B is row p of op(B): one masked load (zero past column n) and one store.
            // (Element by element, with the zero fill, this took as long as the products.)
            VectorMask<Float> cols = Lanes.FIRST[n];
            for (int p = 0; p < k; p++) {
                FloatVector.fromArray(F, b, bOff + p * ldb, cols).intoArray(pb, p * NR);
            }
        } else if (GemmTranspose.AVAILABLE) {
            // op(B)[p][j] = B[j][p]: the n stored rows, 16 depth steps at a time, copied into a
            // 16 x 16 block whose rows n to 15 are zeros and transposed in registers: 16 rows of
            // op(B), zero past column n. The last k mod 16 steps by masked loads, through the
            // block's second half. (Element by element, a column write and a scalar zero fill,
            // this took longer than the products at 1x128x10:NT.)
            float[] s = ws.tile = PackBuffers.atLeast(ws.tile, TILE_FLOATS);
            FloatVector zero = FloatVector.zero(F);
            for (int j = n; j < L; j++) {
                zero.intoArray(s, j * L);
            }
            int whole = k & ~(L - 1);
            for (int p = 0; p < whole; p += L) {
                for (int j = 0; j < n; j++) {
                    FloatVector.fromArray(F, b, bOff + j * ldb + p).intoArray(s, j * L);
                }
                GemmTranspose.rows16x16(s, 0, L, pb, p * NR, NR);
            }
            if (whole < k) {
                VectorMask<Float> depth = Lanes.FIRST[k - whole];
                for (int j = 0; j < n; j++) {
                    FloatVector.fromArray(F, b, bOff + j * ldb + whole, depth).intoArray(s, j * L);
                }
                GemmTranspose.rows16x16(s, 0, L, s, L * L, L);
                for (int p = whole; p < k; p++) {
                    FloatVector.fromArray(F, s, L * L + (p - whole) * L).intoArray(pb, p * NR);
                }
            }
        } else {
            // Narrower vectors: each row of op(B) zeroed by one vector store, then each stored
            // row j read contiguously into column j.
            FloatVector zero = FloatVector.zero(F);
            for (int p = 0; p < k; p++) {
                zero.intoArray(pb, p * NR);
            }
            for (int j = 0; j < n; j++) {
                int src = bOff + j * ldb;
                for (int p = 0; p < k; p++) {
                    pb[p * NR + j] = b[src + p];
                }
            }
        }
    }

    /** Floats of the tile buffer: the column form's block and a 16 x 16 transposed block. */
    private static final int TILE_FLOATS = TRANSPOSED + L * L;

    /** {@link #loops(boolean, int, int, int, float, float[], int, int, float[], int, int, float, float[], int, int, PackBuffers, float[], int, int)} over op(B) packed as rows NR floats apart from {@code pb[0]}. */
    static void loops(boolean transA, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] pb,
                      float beta, float[] c, int cOff, int ldc, PackBuffers ws,
                      float[] bias, int biasOff, int activation) {
        loops(transA, m, n, k, alpha, a, aOff, lda, pb, 0, NR, beta, c, cOff, ldc, ws, bias,
                biasOff, activation);
    }

    /**
     * The depth blocks and row tiles over op(B)'s rows {@code ldb} floats apart from
     * {@code b[bOff]}: packed (NR apart, zero from column n to L) or an untransposed B in place.
     */
    static void loops(boolean transA, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc, PackBuffers ws,
                      float[] bias, int biasOff, int activation) {
        float[] tile = ws.tile = PackBuffers.atLeast(ws.tile, TILE_FLOATS);
        int aStepP = transA ? lda : 1, aStepI = transA ? 1 : lda;
        VectorMask<Float> cols = Lanes.FIRST[n];
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            float betaBlock = pc == 0 ? beta : 1f; // later depth blocks add to what we wrote
            boolean last = pc + kc == k;
            float[] blockBias = last ? bias : null;
            int blockActivation = last ? activation : GemmEpilogue.NONE;
            int aBlock = aOff + pc * aStepP, bBlock = bOff + pc * ldb;
            int plain = plainSteps(b.length, bBlock, ldb, kc);
            int i = 0;
            if (transA && GemmTranspose.AVAILABLE) {
                // 32 or 64 rows of C at a time with the rows in the vectors (below): every lane used.
                int rows = onePass(n) ? ONE_PASS_ROWS : COLUMN_ROWS;
                for (; i + rows <= m; i += rows) {
                    columnBlock(kc, n, a, aBlock + i, lda, b, bBlock, ldb, tile);
                    for (int q = 0; q < rows; q += L) {
                        GemmTranspose.rows16x16(tile, q, rows, tile, TRANSPOSED, L);
                        finish(tile, TRANSPOSED, L, c, cOff + (i + q) * ldc, ldc, n, cols, alpha,
                                betaBlock, blockBias, biasOff, blockActivation);
                    }
                }
            }
            for (; i + ROWS <= m; i += ROWS) {
                if (transA) {
                    tile8T(kc, plain, cols, a, aBlock + i, lda, b, bBlock, ldb, tile);
                } else {
                    tile8(kc, plain, cols, a, aBlock + i * lda, lda, b, bBlock, ldb, tile);
                }
                finish(tile, ROWS, c, cOff + i * ldc, ldc, n, cols, alpha, betaBlock, blockBias,
                        biasOff, blockActivation);
            }
            for (; i < m; i++) {
                tile1(kc, plain, cols, a, aBlock + i * aStepI, aStepP, b, bBlock, ldb, tile);
                finish(tile, 1, c, cOff + i * ldc, ldc, n, cols, alpha, betaBlock, blockBias,
                        biasOff, blockActivation);
            }
        }
    }

    /**
     * How many of a depth block's rows of op(B), {@code ldb} floats apart from {@code b[bi]},
     * lie with a whole vector inside the array: the row forms read those with plain loads and
     * the rest (at most the last few rows of a B read in place, never a packed one) with loads
     * masked to the first n floats. (A masked load in every step measured 4-5 times slower in
     * the shape-specialised experiment.)
     */
    static int plainSteps(int length, int bi, int ldb, int kc) {
        long room = (long) length - L - bi;
        return room < 0 ? 0 : (int) Math.min(kc, room / ldb + 1);
    }

    /**
     * Stores {@code rows} spilled accumulators (row r at {@code tile[r * L]}) into C with the one
     * epilogue formula, {@code f(alpha * acc (+ beta * c) (+ bias))}, the first n lanes of each.
     */
    static void finish(float[] tile, int rows, float[] c, int ci, int ldc, int n,
                       VectorMask<Float> cols, float alpha, float beta, float[] bias,
                       int biasOff, int activation) {
        finish(tile, 0, rows, c, ci, ldc, n, cols, alpha, beta, bias, biasOff, activation);
    }

    /** As the other overload, with row r at {@code tile[t + r * L]}. */
    static void finish(float[] tile, int t, int rows, float[] c, int ci, int ldc, int n,
                       VectorMask<Float> cols, float alpha, float beta, float[] bias,
                       int biasOff, int activation) {
        boolean whole = n == L;
        for (int r = 0; r < rows; r++) {
            int row = ci + r * ldc;
            FloatVector v = FloatVector.fromArray(F, tile, t + r * L).mul(alpha);
            if (whole) {
                if (beta != 0f) {
                    v = v.add(FloatVector.fromArray(F, c, row).mul(beta));
                }
                if (bias != null) {
                    v = v.add(FloatVector.fromArray(F, bias, biasOff));
                }
                GemmEpilogue.activate(v, activation).intoArray(c, row);
            } else {
                if (beta != 0f) {
                    v = v.add(FloatVector.fromArray(F, c, row, cols).mul(beta));
                }
                if (bias != null) {
                    v = v.add(FloatVector.fromArray(F, bias, biasOff, cols));
                }
                GemmEpilogue.activate(v, activation).intoArray(c, row, cols);
            }
        }
    }

    // The tiles come in two forms, by where op(A)[i][p] lies, so that every index into A moves
    // by a constant from one depth step to the next (C2 then checks the bounds once before the
    // loop, or once per step for all eight rows). A form taking both strides as variables had
    // a bounds check, an index computation and a reload from the stack per broadcast, about 50
    // instructions per 8 FMAs, and ran at half the FMA rate (C2's code read with PrintAssembly).
    // op(B)'s rows are ldb floats apart (NR when packed): one index, one check per step. Each
    // tile reads op(B)'s first `plain` rows with plain loads and the rest masked to n floats
    // (see plainSteps): the same FMAs either way, on the lanes that are stored.
    //
    // Tried against tile8 for an untransposed A and not kept (64x128x10 and 32x128x10, interleaved
    // ShapeGemmProbe, min of 3000 rounds, each form's JVM next to OpenBLAS in the same run, load
    // 3-5; indicative): (1) the column form below over A transposed into scratch (each 32-row
    // block of A turned 16 x 16 in registers, then the 32 x 10 one-pass tile: every lane used,
    // 5,120 FMAs instead of 8,192): 2,322 ns against tile8's 1,912 at 64 rows (1.31x against
    // 1.12x OpenBLAS), 1,044 against 953 at 32; the transposes and the ten broadcasts per step
    // cost more than the six idle lanes. (2) The depth unrolled by two (one address per row per
    // two steps; C2's loop then had no range checks, 8 lea, 16 broadcasts, 2 loads, 16 FMAs):
    // 1.22x against 1.11x OpenBLAS at 64 rows, 1.15-1.19x against 1.11x at 32. (Written as
    // `p + 1 < plain` the pair loop kept a range check per broadcast: 2x slower.) (3) Eight
    // rows read from a 16-row transposed copy of A at constant displacements: 1.6x, C2 kept that
    // tile's accumulators boxed. (4) Eight rows of A packed per depth block into a panel
    // (GemmTranspose.rows8x16, p * 8 + r), then tile8T over it or a tile whose panel index moves
    // by the constant 8 (C2 then hoisted the panel's checks, but kept B's check and p * ldb): per
    // call medians of 1500-3000 interleaved rounds, 64x128x10, 2,797 (tile8T) and 3,125 (constant
    // stride) against tile8's 2,025-2,036 ns, OpenBLAS 1,788-1,836 in the same JVMs; all panels
    // packed before the first tile (so no broadcast reads a store still in flight), minima
    // 3,130-3,317 against tile8's 1,920-2,019 (load 2.2-2.5): the packing costs more than the
    // eight row addresses it saves. (5) The eight accumulators stored into C from their registers
    // (the epilogue per row called from the tile, no round trip through the tile buffer): slower,
    // 2,128-2,522 against 1,876-1,999 ns at 64 rows and 1,191-1,246 against 994-1,002 at 32
    // (probe medians, three JVMs each, alternating, load under 0.7). The hot loop of tile8 itself (PrintAssembly read with objdump):
    // per depth step 1 load of B with its range check, 8 broadcasts from memory, 8 FMAs, and
    // about 20 integer instructions (row addresses rebuilt from xmm and stack spills, an imul for
    // p * ldb): not unrolled, 8 FMA chains, 9 loads per 8 FMAs.

    /**
     * Eight rows of C, one vector each, A untransposed: row r's element p at
     * {@code a[ai + r * lda + p]}, row p of op(B) at {@code b[bi + p * ldb]}; spilled to
     * {@code tile[r * L]}.
     */
    static void tile8(int kc, int plain, VectorMask<Float> cols, float[] a, int ai, int lda,
                      float[] b, int bi, int ldb, float[] tile) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0;
        FloatVector c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        int a1 = ai + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda;
        int a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
        int p = 0;
        for (; p < plain; p++) {
            FloatVector bv = FloatVector.fromArray(F, b, bi + p * ldb);
            c0 = FloatVector.broadcast(F, a[ai + p]).fma(bv, c0);
            c1 = FloatVector.broadcast(F, a[a1 + p]).fma(bv, c1);
            c2 = FloatVector.broadcast(F, a[a2 + p]).fma(bv, c2);
            c3 = FloatVector.broadcast(F, a[a3 + p]).fma(bv, c3);
            c4 = FloatVector.broadcast(F, a[a4 + p]).fma(bv, c4);
            c5 = FloatVector.broadcast(F, a[a5 + p]).fma(bv, c5);
            c6 = FloatVector.broadcast(F, a[a6 + p]).fma(bv, c6);
            c7 = FloatVector.broadcast(F, a[a7 + p]).fma(bv, c7);
        }
        for (; p < kc; p++) {
            FloatVector bv = FloatVector.fromArray(F, b, bi + p * ldb, cols);
            c0 = FloatVector.broadcast(F, a[ai + p]).fma(bv, c0);
            c1 = FloatVector.broadcast(F, a[a1 + p]).fma(bv, c1);
            c2 = FloatVector.broadcast(F, a[a2 + p]).fma(bv, c2);
            c3 = FloatVector.broadcast(F, a[a3 + p]).fma(bv, c3);
            c4 = FloatVector.broadcast(F, a[a4 + p]).fma(bv, c4);
            c5 = FloatVector.broadcast(F, a[a5 + p]).fma(bv, c5);
            c6 = FloatVector.broadcast(F, a[a6 + p]).fma(bv, c6);
            c7 = FloatVector.broadcast(F, a[a7 + p]).fma(bv, c7);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, L);
        c2.intoArray(tile, 2 * L);
        c3.intoArray(tile, 3 * L);
        c4.intoArray(tile, 4 * L);
        c5.intoArray(tile, 5 * L);
        c6.intoArray(tile, 6 * L);
        c7.intoArray(tile, 7 * L);
    }

    /**
     * Eight rows of C, A transposed: row r's element p at {@code a[ai + p * lda + r]}, eight
     * consecutive floats per depth step.
     */
    static void tile8T(int kc, int plain, VectorMask<Float> cols, float[] a, int ai, int lda,
                       float[] b, int bi, int ldb, float[] tile) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0;
        FloatVector c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        int p = 0;
        for (; p < plain; p++) {
            FloatVector bv = FloatVector.fromArray(F, b, bi + p * ldb);
            c0 = FloatVector.broadcast(F, a[ai]).fma(bv, c0);
            c1 = FloatVector.broadcast(F, a[ai + 1]).fma(bv, c1);
            c2 = FloatVector.broadcast(F, a[ai + 2]).fma(bv, c2);
            c3 = FloatVector.broadcast(F, a[ai + 3]).fma(bv, c3);
            c4 = FloatVector.broadcast(F, a[ai + 4]).fma(bv, c4);
            c5 = FloatVector.broadcast(F, a[ai + 5]).fma(bv, c5);
            c6 = FloatVector.broadcast(F, a[ai + 6]).fma(bv, c6);
            c7 = FloatVector.broadcast(F, a[ai + 7]).fma(bv, c7);
            ai += lda;
        }
        for (; p < kc; p++) {
            FloatVector bv = FloatVector.fromArray(F, b, bi + p * ldb, cols);
            c0 = FloatVector.broadcast(F, a[ai]).fma(bv, c0);
            c1 = FloatVector.broadcast(F, a[ai + 1]).fma(bv, c1);
            c2 = FloatVector.broadcast(F, a[ai + 2]).fma(bv, c2);
            c3 = FloatVector.broadcast(F, a[ai + 3]).fma(bv, c3);
            c4 = FloatVector.broadcast(F, a[ai + 4]).fma(bv, c4);
            c5 = FloatVector.broadcast(F, a[ai + 5]).fma(bv, c5);
            c6 = FloatVector.broadcast(F, a[ai + 6]).fma(bv, c6);
            c7 = FloatVector.broadcast(F, a[ai + 7]).fma(bv, c7);
            ai += lda;
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, L);
        c2.intoArray(tile, 2 * L);
        c3.intoArray(tile, 3 * L);
        c4.intoArray(tile, 4 * L);
        c5.intoArray(tile, 5 * L);
        c6.intoArray(tile, 6 * L);
        c7.intoArray(tile, 7 * L);
    }

    // ------------------------------------------------------------------ the column form
    //
    // A transposed (dW = Xᵀ·dZ with X stored batch x features): row p of stored A holds
    // op(A)[i][p] for consecutive i, so a vector of A is 16 rows of C at one depth step, and
    // op(B)[p][j] is broadcast. A block of 64 rows is held as 4 vectors per column j of C, the
    // columns taken four at a time (16 accumulators), then two, then one. From 5 to 12 columns
    // the block is 32 rows instead, two vectors per column, and all the columns are held at once
    // (columns32xW, W = n rounded up to even: 12 to 24 accumulators), so A is read once per depth
    // block where the 64-row block read it once per group of columns (n = 10: 4 + 4 + 2, three
    // times); at 128x64x10 with A transposed this took 1008 ns against 1585 (and OpenBLAS's 1239)
    // in the shape-specialised experiment, which found the loop form, not its constant sizes,
    // to be the gain. Every lane of every FMA is used, where the row form above uses 10 of 16;
    // an odd n's extra column multiplies op(B)'s zero lane n and is never stored. The block is
    // spilled column by column ({@code tile[j * rows + i]}), transposed in registers 16 x 16 at
    // a time (GemmTranspose: data movement only) and stored row by row through the same
    // epilogue as the row form. Each element is still one FMA chain over its depth block: the
    // same bits. 512 bits only, where the register transposes exist.

    /** Whether a C of n columns takes the one-pass 32-row tiles. */
    static boolean onePass(int n) {
        return n >= ONE_PASS_MIN && n <= ONE_PASS_MAX;
    }

    /**
     * The block of C at rows {@code ai..} of stored A, all n columns, into {@code tile[j * rows +
     * i]}: {@link #ONE_PASS_ROWS} rows if {@link #onePass}, else {@link #COLUMN_ROWS}.
     */
    static void columnBlock(int kc, int n, float[] a, int ai, int lda, float[] pb, int bi,
                            int ldb, float[] tile) {
        if (onePass(n)) {
            // Lanes n to L of op(B)'s rows are zero, so an odd n's extra column is zeros.
            if (n > 10) {
                columns32x12(kc, a, ai, lda, pb, bi, ldb, tile);
            } else if (n > 8) {
                columns32x10(kc, a, ai, lda, pb, bi, ldb, tile);
            } else if (n > 6) {
                columns32x8(kc, a, ai, lda, pb, bi, ldb, tile);
            } else {
                columns32x6(kc, a, ai, lda, pb, bi, ldb, tile);
            }
            return;
        }
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            columns4(kc, a, ai, lda, pb, bi + j, ldb, tile, j * COLUMN_ROWS);
        }
        if (j + 2 <= n) {
            columns2(kc, a, ai, lda, pb, bi + j, ldb, tile, j * COLUMN_ROWS);
            j += 2;
        }
        if (j < n) {
            columns1(kc, a, ai, lda, pb, bi + j, ldb, tile, j * COLUMN_ROWS);
        }
    }

    /**
     * Columns j..j+3 of a 64-row block: vector v of column q accumulates
     * {@code a[ai + p * lda + 16 v ..] * pb[bi + p * NR + q]}; stored at
     * {@code tile[t + q * 64 + 16 v]}.
     */
    static void columns4(int kc, float[] a, int ai, int lda, float[] pb, int bi, int ldb,
                         float[] tile, int t) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (int p = 0; p < kc; p++) {
            FloatVector a0 = FloatVector.fromArray(F, a, ai);
            FloatVector a1 = FloatVector.fromArray(F, a, ai + 16);
            FloatVector a2 = FloatVector.fromArray(F, a, ai + 32);
            FloatVector a3 = FloatVector.fromArray(F, a, ai + 48);
            int bp = bi + p * ldb;
            FloatVector bv = FloatVector.broadcast(F, pb[bp]);
            c00 = a0.fma(bv, c00);
            c01 = a1.fma(bv, c01);
            c02 = a2.fma(bv, c02);
            c03 = a3.fma(bv, c03);
            bv = FloatVector.broadcast(F, pb[bp + 1]);
            c10 = a0.fma(bv, c10);
            c11 = a1.fma(bv, c11);
            c12 = a2.fma(bv, c12);
            c13 = a3.fma(bv, c13);
            bv = FloatVector.broadcast(F, pb[bp + 2]);
            c20 = a0.fma(bv, c20);
            c21 = a1.fma(bv, c21);
            c22 = a2.fma(bv, c22);
            c23 = a3.fma(bv, c23);
            bv = FloatVector.broadcast(F, pb[bp + 3]);
            c30 = a0.fma(bv, c30);
            c31 = a1.fma(bv, c31);
            c32 = a2.fma(bv, c32);
            c33 = a3.fma(bv, c33);
            ai += lda;
        }
        c00.intoArray(tile, t);
        c01.intoArray(tile, t + 16);
        c02.intoArray(tile, t + 32);
        c03.intoArray(tile, t + 48);
        c10.intoArray(tile, t + 64);
        c11.intoArray(tile, t + 80);
        c12.intoArray(tile, t + 96);
        c13.intoArray(tile, t + 112);
        c20.intoArray(tile, t + 128);
        c21.intoArray(tile, t + 144);
        c22.intoArray(tile, t + 160);
        c23.intoArray(tile, t + 176);
        c30.intoArray(tile, t + 192);
        c31.intoArray(tile, t + 208);
        c32.intoArray(tile, t + 224);
        c33.intoArray(tile, t + 240);
    }

    /** Two columns of a 64-row block; see {@link #columns4}. */
    static void columns2(int kc, float[] a, int ai, int lda, float[] pb, int bi, int ldb,
                         float[] tile, int t) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        for (int p = 0; p < kc; p++) {
            FloatVector a0 = FloatVector.fromArray(F, a, ai);
            FloatVector a1 = FloatVector.fromArray(F, a, ai + 16);
            FloatVector a2 = FloatVector.fromArray(F, a, ai + 32);
            FloatVector a3 = FloatVector.fromArray(F, a, ai + 48);
            int bp = bi + p * ldb;
            FloatVector bv = FloatVector.broadcast(F, pb[bp]);
            c00 = a0.fma(bv, c00);
            c01 = a1.fma(bv, c01);
            c02 = a2.fma(bv, c02);
            c03 = a3.fma(bv, c03);
            bv = FloatVector.broadcast(F, pb[bp + 1]);
            c10 = a0.fma(bv, c10);
            c11 = a1.fma(bv, c11);
            c12 = a2.fma(bv, c12);
            c13 = a3.fma(bv, c13);
            ai += lda;
        }
        c00.intoArray(tile, t);
        c01.intoArray(tile, t + 16);
        c02.intoArray(tile, t + 32);
        c03.intoArray(tile, t + 48);
        c10.intoArray(tile, t + 64);
        c11.intoArray(tile, t + 80);
        c12.intoArray(tile, t + 96);
        c13.intoArray(tile, t + 112);
    }

    /** One column of a 64-row block; see {@link #columns4}. */
    static void columns1(int kc, float[] a, int ai, int lda, float[] pb, int bi, int ldb,
                         float[] tile, int t) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c03 = c00;
        for (int p = 0; p < kc; p++) {
            FloatVector bv = FloatVector.broadcast(F, pb[bi + p * ldb]);
            c00 = FloatVector.fromArray(F, a, ai).fma(bv, c00);
            c01 = FloatVector.fromArray(F, a, ai + 16).fma(bv, c01);
            c02 = FloatVector.fromArray(F, a, ai + 32).fma(bv, c02);
            c03 = FloatVector.fromArray(F, a, ai + 48).fma(bv, c03);
            ai += lda;
        }
        c00.intoArray(tile, t);
        c01.intoArray(tile, t + 16);
        c02.intoArray(tile, t + 32);
        c03.intoArray(tile, t + 48);
    }

    /**
     * Twelve columns of a 32-row block, A read once: column q's rows 0-15 ({@code loq}) and
     * 16-31 ({@code hiq}) accumulate {@code a[ai + p * lda + 16 v ..] * pb[bi + p * NR + q]}
     * (v = 0, 1), one FMA chain per element from +0 over the block's depth in order; stored
     * at {@code tile[q * 32 + 16 v]}. 24 accumulators, A's two vectors and a broadcast: 27 of
     * the 32 registers.
     */
    static void columns32x12(int kc, float[] a, int ai, int lda, float[] pb, int bi, int ldb,
                             float[] tile) {
        FloatVector z = FloatVector.zero(F);
        FloatVector lo0 = z, hi0 = z, lo1 = z, hi1 = z, lo2 = z, hi2 = z, lo3 = z, hi3 = z;
        FloatVector lo4 = z, hi4 = z, lo5 = z, hi5 = z, lo6 = z, hi6 = z, lo7 = z, hi7 = z;
        FloatVector lo8 = z, hi8 = z, lo9 = z, hi9 = z, lo10 = z, hi10 = z, lo11 = z, hi11 = z;
        for (int p = 0; p < kc; p++) {
            FloatVector a0 = FloatVector.fromArray(F, a, ai);
            FloatVector a1 = FloatVector.fromArray(F, a, ai + 16);
            int bp = bi + p * ldb;
            FloatVector bv = FloatVector.broadcast(F, pb[bp]);
            lo0 = a0.fma(bv, lo0);
            hi0 = a1.fma(bv, hi0);
            bv = FloatVector.broadcast(F, pb[bp + 1]);
            lo1 = a0.fma(bv, lo1);
            hi1 = a1.fma(bv, hi1);
            bv = FloatVector.broadcast(F, pb[bp + 2]);
            lo2 = a0.fma(bv, lo2);
            hi2 = a1.fma(bv, hi2);
            bv = FloatVector.broadcast(F, pb[bp + 3]);
            lo3 = a0.fma(bv, lo3);
            hi3 = a1.fma(bv, hi3);
            bv = FloatVector.broadcast(F, pb[bp + 4]);
            lo4 = a0.fma(bv, lo4);
            hi4 = a1.fma(bv, hi4);
            bv = FloatVector.broadcast(F, pb[bp + 5]);
            lo5 = a0.fma(bv, lo5);
            hi5 = a1.fma(bv, hi5);
            bv = FloatVector.broadcast(F, pb[bp + 6]);
            lo6 = a0.fma(bv, lo6);
            hi6 = a1.fma(bv, hi6);
            bv = FloatVector.broadcast(F, pb[bp + 7]);
            lo7 = a0.fma(bv, lo7);
            hi7 = a1.fma(bv, hi7);
            bv = FloatVector.broadcast(F, pb[bp + 8]);
            lo8 = a0.fma(bv, lo8);
            hi8 = a1.fma(bv, hi8);
            bv = FloatVector.broadcast(F, pb[bp + 9]);
            lo9 = a0.fma(bv, lo9);
            hi9 = a1.fma(bv, hi9);
            bv = FloatVector.broadcast(F, pb[bp + 10]);
            lo10 = a0.fma(bv, lo10);
            hi10 = a1.fma(bv, hi10);
            bv = FloatVector.broadcast(F, pb[bp + 11]);
            lo11 = a0.fma(bv, lo11);
            hi11 = a1.fma(bv, hi11);
            ai += lda;
        }
        lo0.intoArray(tile, 0);
        hi0.intoArray(tile, 16);
        lo1.intoArray(tile, 32);
        hi1.intoArray(tile, 48);
        lo2.intoArray(tile, 64);
        hi2.intoArray(tile, 80);
        lo3.intoArray(tile, 96);
        hi3.intoArray(tile, 112);
        lo4.intoArray(tile, 128);
        hi4.intoArray(tile, 144);
        lo5.intoArray(tile, 160);
        hi5.intoArray(tile, 176);
        lo6.intoArray(tile, 192);
        hi6.intoArray(tile, 208);
        lo7.intoArray(tile, 224);
        hi7.intoArray(tile, 240);
        lo8.intoArray(tile, 256);
        hi8.intoArray(tile, 272);
        lo9.intoArray(tile, 288);
        hi9.intoArray(tile, 304);
        lo10.intoArray(tile, 320);
        hi10.intoArray(tile, 336);
        lo11.intoArray(tile, 352);
        hi11.intoArray(tile, 368);
    }

    /** 10 columns of a 32-row block; see {@link #columns32x12}. */
    static void columns32x10(int kc, float[] a, int ai, int lda, float[] pb, int bi, int ldb,
                             float[] tile) {
        FloatVector z = FloatVector.zero(F);
        FloatVector lo0 = z, hi0 = z, lo1 = z, hi1 = z, lo2 = z, hi2 = z, lo3 = z, hi3 = z;
        FloatVector lo4 = z, hi4 = z, lo5 = z, hi5 = z, lo6 = z, hi6 = z, lo7 = z, hi7 = z;
        FloatVector lo8 = z, hi8 = z, lo9 = z, hi9 = z;
        for (int p = 0; p < kc; p++) {
            FloatVector a0 = FloatVector.fromArray(F, a, ai);
            FloatVector a1 = FloatVector.fromArray(F, a, ai + 16);
            int bp = bi + p * ldb;
            FloatVector bv = FloatVector.broadcast(F, pb[bp]);
            lo0 = a0.fma(bv, lo0);
            hi0 = a1.fma(bv, hi0);
            bv = FloatVector.broadcast(F, pb[bp + 1]);
            lo1 = a0.fma(bv, lo1);
            hi1 = a1.fma(bv, hi1);
            bv = FloatVector.broadcast(F, pb[bp + 2]);
            lo2 = a0.fma(bv, lo2);
            hi2 = a1.fma(bv, hi2);
            bv = FloatVector.broadcast(F, pb[bp + 3]);
            lo3 = a0.fma(bv, lo3);
            hi3 = a1.fma(bv, hi3);
            bv = FloatVector.broadcast(F, pb[bp + 4]);
            lo4 = a0.fma(bv, lo4);
            hi4 = a1.fma(bv, hi4);
            bv = FloatVector.broadcast(F, pb[bp + 5]);
            lo5 = a0.fma(bv, lo5);
            hi5 = a1.fma(bv, hi5);
            bv = FloatVector.broadcast(F, pb[bp + 6]);
            lo6 = a0.fma(bv, lo6);
            hi6 = a1.fma(bv, hi6);
            bv = FloatVector.broadcast(F, pb[bp + 7]);
            lo7 = a0.fma(bv, lo7);
            hi7 = a1.fma(bv, hi7);
            bv = FloatVector.broadcast(F, pb[bp + 8]);
            lo8 = a0.fma(bv, lo8);
            hi8 = a1.fma(bv, hi8);
            bv = FloatVector.broadcast(F, pb[bp + 9]);
            lo9 = a0.fma(bv, lo9);
            hi9 = a1.fma(bv, hi9);
            ai += lda;
        }
        lo0.intoArray(tile, 0);
        hi0.intoArray(tile, 16);
        lo1.intoArray(tile, 32);
        hi1.intoArray(tile, 48);
        lo2.intoArray(tile, 64);
        hi2.intoArray(tile, 80);
        lo3.intoArray(tile, 96);
        hi3.intoArray(tile, 112);
        lo4.intoArray(tile, 128);
        hi4.intoArray(tile, 144);
        lo5.intoArray(tile, 160);
        hi5.intoArray(tile, 176);
        lo6.intoArray(tile, 192);
        hi6.intoArray(tile, 208);
        lo7.intoArray(tile, 224);
        hi7.intoArray(tile, 240);
        lo8.intoArray(tile, 256);
        hi8.intoArray(tile, 272);
        lo9.intoArray(tile, 288);
        hi9.intoArray(tile, 304);
    }

    /** 8 columns of a 32-row block; see {@link #columns32x12}. */
    static void columns32x8(int kc, float[] a, int ai, int lda, float[] pb, int bi, int ldb,
                             float[] tile) {
        FloatVector z = FloatVector.zero(F);
        FloatVector lo0 = z, hi0 = z, lo1 = z, hi1 = z, lo2 = z, hi2 = z, lo3 = z, hi3 = z;
        FloatVector lo4 = z, hi4 = z, lo5 = z, hi5 = z, lo6 = z, hi6 = z, lo7 = z, hi7 = z;
        for (int p = 0; p < kc; p++) {
            FloatVector a0 = FloatVector.fromArray(F, a, ai);
            FloatVector a1 = FloatVector.fromArray(F, a, ai + 16);
            int bp = bi + p * ldb;
            FloatVector bv = FloatVector.broadcast(F, pb[bp]);
            lo0 = a0.fma(bv, lo0);
            hi0 = a1.fma(bv, hi0);
            bv = FloatVector.broadcast(F, pb[bp + 1]);
            lo1 = a0.fma(bv, lo1);
            hi1 = a1.fma(bv, hi1);
            bv = FloatVector.broadcast(F, pb[bp + 2]);
            lo2 = a0.fma(bv, lo2);
            hi2 = a1.fma(bv, hi2);
            bv = FloatVector.broadcast(F, pb[bp + 3]);
            lo3 = a0.fma(bv, lo3);
            hi3 = a1.fma(bv, hi3);
            bv = FloatVector.broadcast(F, pb[bp + 4]);
            lo4 = a0.fma(bv, lo4);
            hi4 = a1.fma(bv, hi4);
            bv = FloatVector.broadcast(F, pb[bp + 5]);
            lo5 = a0.fma(bv, lo5);
            hi5 = a1.fma(bv, hi5);
            bv = FloatVector.broadcast(F, pb[bp + 6]);
            lo6 = a0.fma(bv, lo6);
            hi6 = a1.fma(bv, hi6);
            bv = FloatVector.broadcast(F, pb[bp + 7]);
            lo7 = a0.fma(bv, lo7);
            hi7 = a1.fma(bv, hi7);
            ai += lda;
        }
        lo0.intoArray(tile, 0);
        hi0.intoArray(tile, 16);
        lo1.intoArray(tile, 32);
        hi1.intoArray(tile, 48);
        lo2.intoArray(tile, 64);
        hi2.intoArray(tile, 80);
        lo3.intoArray(tile, 96);
        hi3.intoArray(tile, 112);
        lo4.intoArray(tile, 128);
        hi4.intoArray(tile, 144);
        lo5.intoArray(tile, 160);
        hi5.intoArray(tile, 176);
        lo6.intoArray(tile, 192);
        hi6.intoArray(tile, 208);
        lo7.intoArray(tile, 224);
        hi7.intoArray(tile, 240);
    }

    /** 6 columns of a 32-row block; see {@link #columns32x12}. */
    static void columns32x6(int kc, float[] a, int ai, int lda, float[] pb, int bi, int ldb,
                             float[] tile) {
        FloatVector z = FloatVector.zero(F);
        FloatVector lo0 = z, hi0 = z, lo1 = z, hi1 = z, lo2 = z, hi2 = z, lo3 = z, hi3 = z;
        FloatVector lo4 = z, hi4 = z, lo5 = z, hi5 = z;
        for (int p = 0; p < kc; p++) {
            FloatVector a0 = FloatVector.fromArray(F, a, ai);
            FloatVector a1 = FloatVector.fromArray(F, a, ai + 16);
            int bp = bi + p * ldb;
            FloatVector bv = FloatVector.broadcast(F, pb[bp]);
            lo0 = a0.fma(bv, lo0);
            hi0 = a1.fma(bv, hi0);
            bv = FloatVector.broadcast(F, pb[bp + 1]);
            lo1 = a0.fma(bv, lo1);
            hi1 = a1.fma(bv, hi1);
            bv = FloatVector.broadcast(F, pb[bp + 2]);
            lo2 = a0.fma(bv, lo2);
            hi2 = a1.fma(bv, hi2);
            bv = FloatVector.broadcast(F, pb[bp + 3]);
            lo3 = a0.fma(bv, lo3);
            hi3 = a1.fma(bv, hi3);
            bv = FloatVector.broadcast(F, pb[bp + 4]);
            lo4 = a0.fma(bv, lo4);
            hi4 = a1.fma(bv, hi4);
            bv = FloatVector.broadcast(F, pb[bp + 5]);
            lo5 = a0.fma(bv, lo5);
            hi5 = a1.fma(bv, hi5);
            ai += lda;
        }
        lo0.intoArray(tile, 0);
        hi0.intoArray(tile, 16);
        lo1.intoArray(tile, 32);
        hi1.intoArray(tile, 48);
        lo2.intoArray(tile, 64);
        hi2.intoArray(tile, 80);
        lo3.intoArray(tile, 96);
        hi3.intoArray(tile, 112);
        lo4.intoArray(tile, 128);
        hi4.intoArray(tile, 144);
        lo5.intoArray(tile, 160);
        hi5.intoArray(tile, 176);
    }

    /** One row of C, op(A)'s element p at {@code a[ai + p * aStepP]}: a short remainder. */
    static void tile1(int kc, int plain, VectorMask<Float> cols, float[] a, int ai, int aStepP,
                      float[] b, int bi, int ldb, float[] tile) {
        FloatVector c0 = FloatVector.zero(F);
        int p = 0;
        for (; p < plain; p++) {
            c0 = FloatVector.broadcast(F, a[ai]).fma(FloatVector.fromArray(F, b, bi + p * ldb), c0);
            ai += aStepP;
        }
        for (; p < kc; p++) {
            c0 = FloatVector.broadcast(F, a[ai]).fma(FloatVector.fromArray(F, b, bi + p * ldb, cols), c0);
            ai += aStepP;
        }
        c0.intoArray(tile, 0);
    }
}
