package org.vecprop.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Props;
import org.vecprop.testing.Values;

/**
 * Products with a pre-packed right operand equal the plain products on the same values bit for
 * bit (every transpose, offsets and strides, alpha and beta, bias and activation, depth over
 * several blocks), refreshing repacks in place, and bad arguments are refused before any write.
 */
class PackedMatrixTest {

    @Test
    void sameBitsAsThePlainProduct() {
        Props.theory().forAll(Props.dimension(150), Props.dimension(150), Props.dimension(300),
                Generate.range(0, 1 << 20))
                .checkAssert((m, n, k, seed) -> {
                    int flags = seed & 3;
                    boolean ta = (flags & 1) != 0, tb = (flags & 2) != 0;
                    Random rnd = new Random(seed);
                    int lda = Math.max(1, ta ? m : k) + seed % 3, ldb = Math.max(1, tb ? k : n) + seed % 2;
                    int ldc = Math.max(1, n) + seed % 4, aOff = seed % 5, bOff = seed % 7, cOff = seed % 3;
                    float[] a = Values.random(rnd, aOff + (ta ? k : m) * lda, 2, 1f);
                    float[] b = Values.random(rnd, bOff + (tb ? n : k) * ldb, 2, 1f);
                    float[] c0 = Values.random(rnd, cOff + m * ldc, 0, 1f);
                    float[] bias = Values.random(rnd, n, 0, 1f);
                    float alpha = seed % 4 == 0 ? 1f : -0.5f, beta = seed % 3 == 0 ? 0f : 0.75f;
                    PackedMatrix packed = PackedMatrix.pack(tb, k, n, b, bOff, ldb);
                    assertEquals(k, packed.rows());
                    assertEquals(n, packed.cols());

                    float[] plain = c0.clone(), viaPacked = c0.clone();
                    Gemm.multiply(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, plain, cOff, ldc);
                    Gemm.multiply(ta, m, alpha, a, aOff, lda, packed, beta, viaPacked, cOff, ldc);
                    Compare.sameArray(plain, viaPacked, "packed vs plain " + m + "x" + n + "x" + k + " " + flags);

                    Activation act = seed % 2 == 0 ? Activation.RELU : Activation.IDENTITY;
                    plain = c0.clone();
                    viaPacked = c0.clone();
                    Gemm.multiplyBiasActivation(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                            beta, plain, cOff, ldc, bias, 0, act);
                    Gemm.multiplyBiasActivation(ta, m, alpha, a, aOff, lda, packed, beta, viaPacked,
                            cOff, ldc, bias, 0, act);
                    Compare.sameArray(plain, viaPacked, "fused, packed vs plain");
                });
    }

    @Test
    void refreshRepacksInPlace() {
        Random rnd = new Random(5);
        int m = 9, n = 70, k = 140;
        float[] a = Values.random(rnd, m * k, 0, 1f), b1 = Values.random(rnd, k * n, 0, 1f);
        float[] b2 = Values.random(rnd, k * n, 0, 1f);
        PackedMatrix packed = PackedMatrix.pack(false, k, n, b1, 0, n);
        packed.refresh(b2, 0, n);
        float[] plain = new float[m * n], viaPacked = new float[m * n];
        Gemm.multiply(false, false, m, n, k, 1f, a, 0, k, b2, 0, n, 0f, plain, 0, n);
        Gemm.multiply(false, m, 1f, a, 0, k, packed, 0f, viaPacked, 0, n);
        Compare.sameArray(plain, viaPacked, "after refresh");
    }

    @Test
    void badArgumentsAreRefusedBeforeAnyWrite() {
        float[] b = new float[12], a = new float[8], c = new float[6];
        PackedMatrix packed = PackedMatrix.pack(false, 4, 3, b, 0, 3);
        assertThrows(IllegalArgumentException.class, () -> PackedMatrix.pack(false, -1, 3, b, 0, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> PackedMatrix.pack(true, 4, 4, b, 0, 4));
        assertThrows(NullPointerException.class, () -> PackedMatrix.pack(false, 4, 3, null, 0, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> packed.refresh(new float[11], 0, 3));
        float[] before = c.clone();
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> Gemm.multiply(false, 2, 1f, a, 0, 4, null, 0f, c, 0, 3));
        assertEquals("b must not be null", e.getMessage());
        assertThrows(IndexOutOfBoundsException.class,
                () -> Gemm.multiply(false, 3, 1f, a, 0, 4, packed, 0f, c, 0, 3)); // A is 2 x 4
        assertThrows(IndexOutOfBoundsException.class,
                () -> Gemm.multiply(false, 2, 1f, a, 0, 4, packed, 0f, new float[5], 0, 3));
        assertThrows(NullPointerException.class,
                () -> Gemm.multiplyBiasActivation(false, 2, 1f, a, 0, 4, packed, 0f, c, 0, 3,
                        new float[3], 0, null));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Gemm.multiplyBiasActivation(false, 2, 1f, a, 0, 4, packed, 0f, c, 0, 3,
                        new float[2], 0, Activation.RELU));
        float[] shared = new float[14];
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.multiply(false, 2, 1f, shared, 0, 4, packed, 0f, shared, 6, 3)); // c overlaps a
        Compare.sameArray(before, c, "c untouched");
    }
}
