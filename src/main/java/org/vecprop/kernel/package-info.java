/**
 * The SIMD kernels of backpropagation on the JDK Vector API: {@link org.vecprop.kernel.Gemm} in
 * every transpose (with {@link org.vecprop.kernel.PackedMatrix} for weights packed once),
 * {@link org.vecprop.kernel.Relu}, {@link org.vecprop.kernel.Mse}, {@link org.vecprop.kernel.Bias},
 * {@link org.vecprop.kernel.Update}, {@link org.vecprop.kernel.Stats}; {@link org.vecprop.kernel.Simd}
 * says which path runs them.
 *
 * <p>Conventions of every method: row-major {@code float[]} with an offset and a row stride (the
 * BLAS convention); outputs written, never allocated; every argument checked before anything is
 * written, a rejected call changing nothing. A null argument throws
 * {@link java.lang.NullPointerException} with the message {@code "<name> must not be null"}
 * (the JDK's convention, {@link java.util.Objects#requireNonNull(Object, String)}); a negative
 * size, a row stride below the row length or a forbidden overlap throws
 * {@link java.lang.IllegalArgumentException}; an offset or extent past an array throws
 * {@link java.lang.IndexOutOfBoundsException}; each message names the argument and its value.
 * One more exception, by choice of whoever runs the JVM: with {@code -Dvecprop.requireSimd=true}
 * and SIMD off, the kernels throw {@link java.lang.IllegalStateException} saying why SIMD is off
 * instead of running on the scalar path ({@link org.vecprop.kernel.Simd#requireVectorized()}).
 */
package org.vecprop.kernel;
