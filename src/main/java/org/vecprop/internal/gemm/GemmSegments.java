package org.vecprop.internal.gemm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.vecprop.internal.Kernels;
import org.vecprop.internal.PackBuffers;

/**
 * GEMM on MemorySegment operands: each operand is staged into this thread's buffers as a dense
 * array, the array GEMM runs, and C is copied back; so the result is bit-identical to the array
 * call on the same values, whichever implementation runs it.
 */
public final class GemmSegments {
    private GemmSegments() {}

    /** See {@code org.vecprop.kernel.Gemm}'s MemorySegment overload; arguments are validated. */
    public static void multiply(Kernels kernels, boolean transA, boolean transB, int m, int n, int k,
                                float alpha, MemorySegment a, long aOff, int lda,
                                MemorySegment b, long bOff, int ldb,
                                float beta, MemorySegment c, long cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        PackBuffers ws = PackBuffers.ofThisThread();
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        ws.copyA = PackBuffers.atLeast(ws.copyA, (long) aRows * aCols);
        ws.copyB = PackBuffers.atLeast(ws.copyB, (long) bRows * bCols);
        ws.copyC = PackBuffers.atLeast(ws.copyC, (long) m * n);
        stage(a, aOff, lda, aRows, aCols, ws.copyA);
        stage(b, bOff, ldb, bRows, bCols, ws.copyB);
        if (beta != 0f) {
            stage(c, cOff, ldc, m, n, ws.copyC);
        }
        kernels.gemm(transA, transB, m, n, k, alpha, ws.copyA, 0, Math.max(1, aCols), ws.copyB, 0,
                Math.max(1, bCols), beta, ws.copyC, 0, n, null, 0, Kernels.IDENTITY, ws);
        for (int i = 0; i < m; i++) {
            MemorySegment.copy(ws.copyC, i * n, c, ValueLayout.JAVA_FLOAT_UNALIGNED,
                    (cOff + (long) i * ldc) * Float.BYTES, n);
        }
    }

    /** Copies a rows x cols matrix out of a segment into a dense array. */
    private static void stage(MemorySegment s, long off, int ld, int rows, int cols, float[] dst) {
        for (int i = 0; i < rows && cols > 0; i++) {
            MemorySegment.copy(s, ValueLayout.JAVA_FLOAT_UNALIGNED, (off + (long) i * ld) * Float.BYTES,
                    dst, i * cols, cols);
        }
    }
}
