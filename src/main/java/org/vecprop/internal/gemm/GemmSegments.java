package org.vecprop.internal.gemm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.vecprop.internal.Buffers;
import org.vecprop.internal.Kernels;
import org.vecprop.internal.PackBuffers;
import org.vecprop.internal.PackedOperand;

/**
 * GEMM on MemorySegment operands: each operand is staged into the call's buffers (the caller's
 * workspace, or this thread's own) as a dense array, the array GEMM runs, and C is copied back;
 * so the result is bit-identical to the array call on the same values, whichever implementation
 * runs it. A thread's own buffers keep staging buffers only up to a bound ({@link
 * Buffers#trimStaging}); a workspace keeps what it grew to.
 */
public final class GemmSegments {
    private GemmSegments() {}

    /**
     * See {@code org.vecprop.kernel.Gemm}'s MemorySegment overload; arguments are validated.
     *
     * @param buffers the caller's buffers, or null for this thread's own
     */
    public static void multiply(Kernels kernels, boolean transA, boolean transB, int m, int n, int k,
                                float alpha, MemorySegment a, long aOff, int lda,
                                MemorySegment b, long bOff, int ldb,
                                float beta, MemorySegment c, long cOff, int ldc, Buffers buffers) {
        if (m == 0 || n == 0) {
            return;
        }
        Buffers owner = Buffers.orThisThread(buffers);
        PackBuffers ws = owner.pack;
        try {
            int aCols = transA ? m : k;
            int bRows = transB ? n : k, bCols = transB ? k : n;
            ws.copyB = PackBuffers.atLeast(ws.copyB, (long) bRows * bCols);
            stage(b, bOff, ldb, bRows, bCols, ws.copyB);
            stageAandC(ws, transA, m, n, k, a, aOff, lda, beta, c, cOff, ldc);
            kernels.gemm(transA, transB, m, n, k, alpha, ws.copyA, 0, Math.max(1, aCols), ws.copyB, 0,
                    Math.max(1, bCols), beta, ws.copyC, 0, n, null, 0, Kernels.IDENTITY, owner);
            unstage(ws.copyC, m, n, c, cOff, ldc);
        } finally {
            owner.trimStaging();
        }
    }

    /**
     * See {@code org.vecprop.kernel.Gemm#multiplyPacked}'s MemorySegment overload; arguments are
     * validated. Only A and C are staged: B is already in the kernels' layout.
     *
     * @param buffers the caller's buffers, or null for this thread's own
     */
    public static void multiplyPacked(Kernels kernels, boolean transA, int m, float alpha,
                                      MemorySegment a, long aOff, int lda, PackedOperand b,
                                      float beta, MemorySegment c, long cOff, int ldc, Buffers buffers) {
        int n = b.cols, k = b.depth;
        if (m == 0 || n == 0) {
            return;
        }
        Buffers owner = Buffers.orThisThread(buffers);
        PackBuffers ws = owner.pack;
        try {
            int aCols = transA ? m : k;
            stageAandC(ws, transA, m, n, k, a, aOff, lda, beta, c, cOff, ldc);
            kernels.gemmPacked(transA, m, alpha, ws.copyA, 0, Math.max(1, aCols), b, beta, ws.copyC, 0,
                    n, null, 0, Kernels.IDENTITY, owner);
            unstage(ws.copyC, m, n, c, cOff, ldc);
        } finally {
            owner.trimStaging();
        }
    }

    /** Stages op(A)'s stored matrix into copyA and, unless beta is 0 (C not read), C into copyC. */
    private static void stageAandC(PackBuffers ws, boolean transA, int m, int n, int k,
                                   MemorySegment a, long aOff, int lda, float beta,
                                   MemorySegment c, long cOff, int ldc) {
        int aRows = transA ? k : m, aCols = transA ? m : k;
        ws.copyA = PackBuffers.atLeast(ws.copyA, (long) aRows * aCols);
        ws.copyC = PackBuffers.atLeast(ws.copyC, (long) m * n);
        stage(a, aOff, lda, aRows, aCols, ws.copyA);
        if (beta != 0f) {
            stage(c, cOff, ldc, m, n, ws.copyC);
        }
    }

    /** Copies a rows x cols matrix out of a segment into a dense array. */
    private static void stage(MemorySegment s, long off, int ld, int rows, int cols, float[] dst) {
        for (int i = 0; i < rows && cols > 0; i++) {
            MemorySegment.copy(s, ValueLayout.JAVA_FLOAT_UNALIGNED, (off + (long) i * ld) * Float.BYTES,
                    dst, i * cols, cols);
        }
    }

    /** Copies a dense m x n result into C, row by row: the only write into C. */
    private static void unstage(float[] src, int m, int n, MemorySegment c, long cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            MemorySegment.copy(src, i * n, c, ValueLayout.JAVA_FLOAT_UNALIGNED,
                    (cOff + (long) i * ldc) * Float.BYTES, n);
        }
    }
}
