package org.vecprop.jmh.shape;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.FieldModel;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Set;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.Simd;

/**
 * The shape-specialisation experiment: {@link #of} defines {@link ShapeGemmTemplate}'s bytes as a
 * new hidden class per shape, its {@code static final} sizes taken from the class data, so that
 * C2 compiles each with its shape as constants (what libxsmm does by generating code per shape).
 * With {@code constants = false} the same bytes are defined with the size fields made non-final
 * (java.lang.classfile): the same code reading the sizes from memory, the control that tells
 * what the constants themselves are worth apart from the choice of form.
 *
 * <p>Where no form applies (the scalar path, a depth over one block, a shape no form serves at
 * this width) the kernel is the library's {@link Gemm#multiply}.
 */
public final class ShapeGemms {
    private ShapeGemms() {}

    /** The fields that hold the shape: non-final in the control. */
    private static final Set<String> SIZE_FIELDS =
            Set.of("M", "N", "K", "LDA", "LDB", "LDC", "TA", "TB");

    private static byte[] templateBytes;

    /**
     * The kernel for {@code C = op(A)·op(B)} of this shape (alpha 1, beta 0, dense row-major
     * operands: lda, ldb, ldc their stored widths).
     *
     * @param constants true for the specialised kernel (sizes static finals), false for the
     *     control (same code, sizes in non-final static fields)
     */
    public static ShapeKernel of(boolean transA, boolean transB, int m, int n, int k,
                                 boolean constants) {
        return of(transA, transB, m, n, k, constants, false);
    }

    /**
     * As {@link #of(boolean, boolean, int, int, int, boolean)}; with {@code transposePack}, a
     * transposed B is packed by 16 x 16 register transposes instead of gathers (512 bits, k at
     * most 16; ignored elsewhere).
     */
    public static ShapeKernel of(boolean transA, boolean transB, int m, int n, int k,
                                 boolean constants, boolean transposePack) {
        int lda = transA ? m : k, ldb = transB ? k : n, ldc = n;
        int form = Simd.enabled() ? form(transA, transB, m, n, k) : 0;
        if (form == 0) {
            return library(transA, transB, m, n, k, lda, ldb, ldc);
        }
        boolean tp = transposePack && form == ShapeGemmTemplate.DIRECT_TB
                && Simd.vectorBits() == 512 && k <= 16;
        int[] data = {m, n, k, lda, ldb, ldc, transA ? 1 : 0, transB ? 1 : 0, form, tp ? 1 : 0};
        try {
            byte[] bytes = template();
            if (!constants) {
                bytes = withoutFinalSizes(bytes);
            }
            MethodHandles.Lookup hidden = MethodHandles.lookup()
                    .defineHiddenClassWithClassData(bytes, data, true);
            return (ShapeKernel) hidden.findConstructor(hidden.lookupClass(),
                    MethodType.methodType(void.class)).invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("could not define the kernel of " + m + "x" + k + "x"
                    + n, e);
        }
    }

    /** The form for a shape at this width, 0 for none (see {@link ShapeGemmTemplate}). */
    private static int form(boolean transA, boolean transB, int m, int n, int k) {
        int lanes = Simd.vectorBits() / 32;
        if (k > 128 || k < 1 || m < 1 || n < 1) {
            return 0; // one depth block only
        }
        if (transB) {
            return n % (2 * lanes) == 0 && m % 8 == 0 ? ShapeGemmTemplate.DIRECT_TB : 0;
        }
        if (transA && lanes == 16 && n == 10 && m % 32 == 0) {
            return ShapeGemmTemplate.COLUMNS;
        }
        return n <= lanes ? ShapeGemmTemplate.ROWS : 0;
    }

    private static synchronized byte[] template() throws IOException {
        if (templateBytes == null) {
            try (InputStream in = ShapeGemms.class.getResourceAsStream("ShapeGemmTemplate.class")) {
                if (in == null) {
                    throw new IOException("ShapeGemmTemplate.class not found beside ShapeGemms");
                }
                templateBytes = in.readAllBytes();
            }
        }
        return templateBytes;
    }

    /** The template with the size fields' ACC_FINAL cleared (the control). */
    private static byte[] withoutFinalSizes(byte[] bytes) {
        ClassFile cf = ClassFile.of();
        return cf.transformClass(cf.parse(bytes), ClassTransform.dropping(e ->
                e instanceof FieldModel f && SIZE_FIELDS.contains(f.fieldName().stringValue()))
                .andThen(ClassTransform.endHandler(cb -> {
                    for (FieldModel f : cf.parse(bytes).fields()) {
                        if (SIZE_FIELDS.contains(f.fieldName().stringValue())) {
                            int flags = f.flags().flagsMask() & ~ClassFile.ACC_FINAL;
                            cb.withField(f.fieldName(), f.fieldType(), flags);
                        }
                    }
                })));
    }

    private static ShapeKernel library(boolean transA, boolean transB, int m, int n, int k,
                                       int lda, int ldb, int ldc) {
        return new ShapeKernel() {
            @Override
            public void multiply(float[] a, float[] b, float[] c) {
                Gemm.multiply(transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, ldc);
            }

            @Override
            public String describe() {
                return "library";
            }
        };
    }
}
