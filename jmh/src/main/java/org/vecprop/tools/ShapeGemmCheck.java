package org.vecprop.tools;

import java.util.SplittableRandom;
import org.vecprop.jmh.GemmShape;
import org.vecprop.jmh.shape.ShapeGemms;
import org.vecprop.jmh.shape.ShapeKernel;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.Simd;

/**
 * Bit equality of the shape-specialised kernels ({@link ShapeGemms}) with the library's
 * {@code Gemm.multiply} for the same call, at the output layer's shapes (or those given as
 * arguments, {@code MxKxN[:XY]}): for each shape, the specialised kernel and its control (sizes
 * not constants), 3000 rounds of random operands (enough for C2 to compile the kernels mid-run) (uniform in [-1, 1), then scaled by a random power
 * of two per operand and with some exact zeros, so sums cancel and exponents spread), C filled
 * with NaN beforehand (beta 0: C must be written everywhere and never read), each result compared
 * bit for bit. Exits 1 on the first difference. Run it at every width:
 * {@code java --add-modules jdk.incubator.vector [-XX:MaxVectorSize=32|16] -cp
 * jmh/target/benchmarks.jar org.vecprop.tools.ShapeGemmCheck}, and without the module (scalar).
 */
public final class ShapeGemmCheck {
    private ShapeGemmCheck() {}

    static final String[] SHAPES = {"64x128x10", "1x128x10", "32x128x10", "128x64x10:TN",
            "64x10x128:NT"};

    public static void main(String[] args) {
        String[] shapes = args.length > 0 ? args : SHAPES;
        System.out.println("# " + Simd.description());
        boolean ok = true;
        for (String name : shapes) {
            GemmShape s = GemmShape.parse(name);
            for (int variant = 0; variant < 3; variant++) {
                boolean constants = variant != 1;
                ShapeKernel kernel = ShapeGemms.of(s.transA(), s.transB(), s.m(), s.n(), s.k(),
                        constants, variant == 2);
                if (variant == 2 && !kernel.describe().contains("transposes")) {
                    continue; // the transpose packing applies to this shape and width only
                }
                String finals = sizeModifiers(kernel);
                int rounds = 3000, compared = 0;
                SplittableRandom rnd = new SplittableRandom(name.hashCode() * 31L + variant);
                String bad = null;
                for (int r = 0; r < rounds && bad == null; r++) {
                    float[] a = operand(rnd, s.aRows() * s.aCols());
                    float[] b = operand(rnd, s.bRows() * s.bCols());
                    float[] want = new float[s.m() * s.n()], got = new float[s.m() * s.n()];
                    java.util.Arrays.fill(want, Float.NaN);
                    java.util.Arrays.fill(got, Float.NaN);
                    Gemm.multiply(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a, 0, s.lda(),
                            b, 0, s.ldb(), 0f, want, 0, s.ldc());
                    kernel.multiply(a, b, got);
                    for (int e = 0; e < want.length; e++) {
                        compared++;
                        if (Float.floatToRawIntBits(want[e]) != Float.floatToRawIntBits(got[e])) {
                            bad = String.format("round %d C[%d][%d]: %s (0x%08x) vs library %s (0x%08x)",
                                    r, e / s.n(), e % s.n(), got[e], Float.floatToRawIntBits(got[e]),
                                    want[e], Float.floatToRawIntBits(want[e]));
                            break;
                        }
                    }
                }
                System.out.printf("%-14s %-9s %-34s %-13s %s%n", name,
                        constants ? "constant" : "control", kernel.describe(), finals,
                        bad == null ? "same bits: " + compared + " elements in " + rounds + " rounds"
                                : "DIFFERS at " + bad);
                ok &= bad == null;
            }
        }
        if (!ok) {
            System.exit(1);
        }
    }

    /** "K final" or "K not final": what the kernel's class holds its depth as. */
    static String sizeModifiers(ShapeKernel kernel) {
        try {
            int mod = kernel.getClass().getDeclaredField("K").getModifiers();
            return java.lang.reflect.Modifier.isFinal(mod) ? "K final" : "K not final";
        } catch (NoSuchFieldException e) {
            return "(library)";
        }
    }

    /** Uniform in [-1, 1) times 2^e, e in [-20, 20] per operand, about 5% exact zeros. */
    static float[] operand(SplittableRandom rnd, int size) {
        float scale = Math.scalb(1f, rnd.nextInt(-20, 21));
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = rnd.nextInt(20) == 0 ? 0f : (float) (rnd.nextDouble() * 2 - 1) * scale;
        }
        return x;
    }
}
