package org.vecprop.tools;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.vecprop.jmh.GemmShape;
import org.vecprop.jmh.OpenBlas;
import org.vecprop.jmh.shape.ShapeGemms;
import org.vecprop.jmh.shape.ShapeKernel;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.PackedMatrix;

/**
 * The shape-specialisation experiment measured interleaved (not a JMH benchmark; the JMH one is
 * {@code ShapeGemmBenchmark}): for one shape, the library, the library with B packed beforehand,
 * the specialised kernel, its control (sizes not constants) and OpenBLAS on off-heap buffers,
 * taken in turn, 20 calls per timing, for a number of rounds after a warm-up; prints the minimum
 * and the median per call of each. On a machine shared with other work the minimum of many
 * interleaved rounds is the least disturbed figure: a burst of other work lands on all five alike.
 * Run: {@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp
 * jmh/target/benchmarks.jar org.vecprop.tools.ShapeGemmProbe 64x10x128:NT [rounds]}.
 */
public final class ShapeGemmProbe {
    private ShapeGemmProbe() {}

    static volatile Object sink;

    public static void main(String[] args) {
        GemmShape s = GemmShape.parse(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4000;
        float[] a = s.randomA(42), b = s.randomB(4242), c = new float[s.m() * s.n()];
        ShapeKernel spec = ShapeGemms.of(s.transA(), s.transB(), s.m(), s.n(), s.k(), true);
        ShapeKernel ctrl = ShapeGemms.of(s.transA(), s.transB(), s.m(), s.n(), s.k(), false);
        ShapeKernel specTp = ShapeGemms.of(s.transA(), s.transB(), s.m(), s.n(), s.k(), true, true);
        PackedMatrix packed = PackedMatrix.pack(s.transB(), s.k(), s.n(), b, 0, s.ldb());
        OpenBlas.useOneThread();
        int ta = s.transA() ? openblas.CblasTrans : openblas.CblasNoTrans;
        int tb = s.transB() ? openblas.CblasTrans : openblas.CblasNoTrans;
        FloatPointer ap = new FloatPointer(a), bp = new FloatPointer(b);
        FloatPointer cp = new FloatPointer((long) s.m() * s.n());
        String[] names = {"vecprop", "vecpropPacked", "specialised", "control", "openblasPointer",
            "specialisedTP"};
        Runnable[] ops = {
            () -> Gemm.multiply(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a, 0, s.lda(), b, 0,
                    s.ldb(), 0f, c, 0, s.ldc()),
            () -> Gemm.multiplyPacked(s.transA(), s.m(), 1f, a, 0, s.lda(), packed, 0f, c, 0, s.ldc()),
            () -> spec.multiply(a, b, c),
            () -> ctrl.multiply(a, b, c),
            () -> openblas.cblas_sgemm(openblas.CblasRowMajor, ta, tb, s.m(), s.n(), s.k(), 1f, ap,
                    s.lda(), bp, s.ldb(), 0f, cp, s.ldc()),
            () -> specTp.multiply(a, b, c),
        };
        double[][] t = InterleavedRounds.measure(ops, rounds);
        sink = c;
        System.out.printf("%s (%s): per call, min / median of %d interleaved rounds of 20%n", s,
                spec.describe(), rounds);
        InterleavedRounds.print(names, t);
        ap.close();
        bp.close();
        cp.close();
    }
}
