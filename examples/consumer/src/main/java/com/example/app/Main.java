package com.example.app;

import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.Simd;

/**
 * Says how it was started (module path or class path) and whether vecprop found SIMD, and
 * computes one small product to show the kernels link. With {@code --expect-simd} it exits with
 * status 3 when SIMD is off: scripts/check-consumer starts it in every way docs/running.md shows
 * and requires SIMD on in each.
 */
public final class Main {
    private Main() {}

    /**
     * Runs the check.
     *
     * @param args {@code --expect-simd} to fail (status 3) when SIMD is off
     */
    public static void main(String[] args) {
        boolean expectSimd = args.length > 0 && args[0].equals("--expect-simd");
        String path = Simd.class.getModule().isNamed() ? "module path" : "class path";
        // C (2x2) = A (2x3) . B (3x2), row-major.
        float[] a = {1, 2, 3, 4, 5, 6};
        float[] b = {7, 8, 9, 10, 11, 12};
        float[] c = new float[4];
        Gemm.multiply(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2);
        if (c[0] != 58f || c[1] != 64f || c[2] != 139f || c[3] != 154f) {
            System.out.println("app: wrong product " + java.util.Arrays.toString(c));
            System.exit(2);
        }
        System.out.println("app: vecprop on the " + path + ", SIMD enabled=" + Simd.enabled()
                + " (" + Simd.description() + ")");
        if (expectSimd && !Simd.enabled()) {
            System.exit(3);
        }
    }
}
