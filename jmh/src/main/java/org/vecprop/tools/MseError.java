package org.vecprop.tools;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.vecprop.jmh.RandomData;
import org.vecprop.kernel.Mse;

/**
 * The MSE half of the accuracy report: the data sets, the exact loss in double, vecprop's loss,
 * and the raw float32 files NumPy reads the same data from.
 */
final class MseError {
    private MseError() {}

    /** MSE data sets: p and t of up to 16M elements each, from fixed seeds. */
    enum Data {
        /** p and t independent, uniform in [-1, 1]: squared differences up to 4. */
        UNIFORM("uniform", "p, t independent uniform [-1,1]", 7, 77),
        /** t uniform in [0, 1], p = t + N(0, 1e-3²): a fit near convergence, small residuals. */
        NEAR("near", "t uniform [0,1], p = t + 1e-3·N(0,1)", 8, 88);

        final String name, label;
        final long seedP, seedT;

        Data(String name, String label, long seedP, long seedT) {
            this.name = name;
            this.label = label;
            this.seedP = seedP;
            this.seedT = seedT;
        }

        /** @return {p, t}, each of n elements */
        float[][] make(int n) {
            Random rp = new Random(seedP), rt = new Random(seedT);
            if (this == UNIFORM) {
                return new float[][] {RandomData.uniform(rp, n), RandomData.uniform(rt, n)};
            }
            float[] p = new float[n], t = new float[n];
            for (int i = 0; i < n; i++) {
                t[i] = rt.nextFloat();
                p[i] = t[i] + (float) (1e-3 * rp.nextGaussian());
            }
            return new float[][] {p, t};
        }
    }

    /**
     * One row of the report. The NumPy fields are null until {@link #withNumpy} fills them.
     *
     * @param repeatable whether vecprop's loss was bit-identical over repeated calls
     */
    record Row(Data data, int n, double exact, float vecprop, double vecpropRel, boolean repeatable,
               Double numpy32, Double numpy32Rel, Double numpy64, Double numpy64Rel) {

        /** This row with NumPy's float32 and float64 losses and their relative errors. */
        Row withNumpy(double f32, double f64) {
            return new Row(data, n, exact, vecprop, vecpropRel, repeatable,
                    f32, Math.abs(f32 - exact) / exact, f64, Math.abs(f64 - exact) / exact);
        }
    }

    /**
     * vecprop's {@link Mse#loss} (as a 1 x n matrix) on the first n elements, called 5 times
     * (the last result counts), against {@link #exact}.
     */
    static Row measure(Data data, float[] p, float[] t, int n) {
        double exact = exact(p, t, n);
        float got = 0;
        boolean same = true;
        for (int rep = 0; rep < 5; rep++) {
            float g = Mse.loss(1, n, p, 0, n, t, 0, n);
            same &= rep == 0 || Float.floatToRawIntBits(g) == Float.floatToRawIntBits(got);
            got = g;
        }
        return new Row(data, n, exact, got, Math.abs(got - exact) / exact, same, null, null, null, null);
    }

    /** mean((p - t)²) over the first n elements, in double with Neumaier summation. */
    static double exact(float[] p, float[] t, int n) {
        double sum = 0, comp = 0;
        for (int i = 0; i < n; i++) {
            double d = (double) p[i] - t[i];
            double x = d * d;
            double s = sum + x;
            comp += Math.abs(sum) >= x ? (sum - s) + x : (x - s) + sum;
            sum = s;
        }
        return (sum + comp) / n;
    }

    /** Writes {@code x} as raw little-endian float32. */
    static void writeF32(Path file, float[] x) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (float v : x) {
                if (!buf.hasRemaining()) {
                    out.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
                buf.putFloat(v);
            }
            out.write(buf.array(), 0, buf.position());
        }
    }
}
