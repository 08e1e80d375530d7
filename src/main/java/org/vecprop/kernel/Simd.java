package org.vecprop.kernel;

import org.vecprop.internal.Vectorization;

/**
 * Whether the kernels run on the Vector API, and at which width: the decision made once, when
 * vecprop first loads (see {@link #description()} for the line it logged).
 *
 * <p>SIMD is used when all of these hold:
 * <ol>
 *   <li>the {@code vecprop.vectorBits} system property is not {@code 0};</li>
 *   <li>the module {@code jdk.incubator.vector} is in the boot layer (run with
 *       {@code --add-modules jdk.incubator.vector});</li>
 *   <li>the C2 compiler is on (no {@code -Xint}, no {@code -XX:TieredStopAtLevel} below 4):
 *       interpreted or C1-compiled Vector API code is far slower than plain loops;</li>
 *   <li>the preferred float species is at least 128 bits.</li>
 * </ol>
 * Otherwise every kernel runs its scalar implementation, and one log record (logger
 * {@code org.vecprop}, level WARNING) says why and how to enable SIMD.
 *
 * <p>{@code -Dvecprop.vectorBits=128|256|512} forces a narrower width than the preferred one
 * (for tests and for comparing CPUs); a width wider than the hardware's preferred species is
 * clamped to it. {@code -XX:MaxVectorSize=16/32/64} lowers the preferred species itself.
 */
public final class Simd {
    private Simd() {}

    /**
     * Whether the kernels run on the Vector API: the decision made once, when vecprop loaded; it
     * does not change while the JVM runs.
     *
     * @return true when the kernels use the Vector API, false on the scalar path
     */
    public static boolean enabled() {
        return Vectorization.ENABLED;
    }

    /**
     * The float vector width the kernels use: the JVM's preferred float species, or the
     * narrower width {@code -Dvecprop.vectorBits} asked for.
     *
     * @return the width in bits (at least 128), or 0 on the scalar path
     */
    public static int vectorBits() {
        return Vectorization.BITS;
    }

    /**
     * The decision in words, for logs and reports: the line vecprop logged when it loaded (logger
     * {@code org.vecprop}; level DEBUG when SIMD is on, WARNING when it is off).
     *
     * @return one line saying which path was chosen and why, and, when SIMD is off, how to turn
     *     it on
     */
    public static String description() {
        return Vectorization.DESCRIPTION;
    }

    /**
     * Whether the JVM computes fused multiply-adds with the CPU's FMA instruction (HotSpot's
     * {@code UseFMA}, on by default where the CPU has one). Every kernel's order of arithmetic is
     * built on FMA; without the instruction the JDK computes each one in software, exactly (the
     * results are the same bits) but orders of magnitude slower, on the vector and the scalar
     * path alike. True when the JVM cannot tell.
     *
     * @return true when fma is a hardware instruction on this JVM
     */
    public static boolean hardwareFma() {
        return Vectorization.HARDWARE_FMA;
    }

    /**
     * Throws unless the kernels run at full speed: on the Vector API, with hardware FMA. For a
     * service to call at start-up when it would rather not run at all than run on the scalar path
     * (about 40 times slower) or without FMA (orders of magnitude slower). The same refusal
     * applies to every kernel call when the JVM runs with {@code -Dvecprop.requireSimd=true}.
     *
     * @throws IllegalStateException naming why (SIMD off, or no hardware FMA) and how to fix it
     */
    public static void requireVectorized() {
        if (Vectorization.WHY_SLOW != null) {
            throw new IllegalStateException(refusal());
        }
    }

    /** The message of a refusal: why the kernels are slow and how to fix it, in one line. */
    static String refusal() {
        return "vecprop: SIMD with hardware FMA is required, but "
                + (Vectorization.ENABLED ? "SIMD is on and " : "SIMD is off, because ")
                + Vectorization.WHY_SLOW;
    }
}
