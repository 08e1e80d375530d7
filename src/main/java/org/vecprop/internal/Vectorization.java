package org.vecprop.internal;

import java.lang.management.ManagementFactory;
import java.util.Optional;

/**
 * Decides once, when this class loads, whether the kernels run on the Vector API and at which
 * width; the one place that decision is made (the public face of it is
 * {@code org.vecprop.kernel.Simd}).
 *
 * <p>SIMD is used when all of these hold:
 * <ol>
 *   <li>the {@code vecprop.vectorBits} system property is not {@code 0};</li>
 *   <li>the module {@code jdk.incubator.vector} is in the boot layer (run with
 *       {@code --add-modules jdk.incubator.vector}); when vecprop is itself a named module, which
 *       does not declare that it reads the incubator module (so that strict consumers compiled
 *       with {@code -Werror} see no incubator warning), the read edge is added here, at run
 *       time;</li>
 *   <li>the C2 compiler is on (no {@code -Xint}, no {@code -XX:TieredStopAtLevel} below 4):
 *       interpreted or C1-compiled Vector API code is far slower than plain loops;</li>
 *   <li>the preferred float species is at least 128 bits.</li>
 * </ol>
 * Otherwise every kernel runs its scalar implementation, and one log record (logger
 * {@code org.vecprop}, level WARNING) gives, in one line, why and how to enable SIMD.
 *
 * <p>{@code -Dvecprop.vectorBits=128|256|512} forces a narrower width than the preferred one
 * (for tests and for comparing CPUs); a width wider than the hardware's preferred species is
 * clamped to it. {@code -XX:MaxVectorSize=16/32/64} lowers the preferred species itself.
 */
public final class Vectorization {
    /** The system property that forces a width, or 0 for the scalar path. */
    public static final String BITS_PROPERTY = "vecprop.vectorBits";
    /** The system property that, set to {@code true}, makes every kernel refuse the scalar path. */
    public static final String REQUIRE_PROPERTY = "vecprop.requireSimd";

    /**
     * Whether {@code -Dvecprop.requireSimd=true} asks that kernels refuse to run when SIMD is off
     * (for services that would rather fail at start-up than run ~40x slower).
     */
    public static final boolean REQUIRED = Boolean.parseBoolean(System.getProperty(REQUIRE_PROPERTY, "false"));

    /** Whether the kernels use the Vector API. */
    public static final boolean ENABLED;
    /** The float vector width in bits, or 0 on the scalar path. */
    public static final int BITS;
    /** Why SIMD is off, with how to turn it on; null when it is on. */
    public static final String WHY_OFF;
    /** One line saying what was chosen and why (the line that was logged). */
    public static final String DESCRIPTION;

    static {
        String why = null;
        int bits = 0;
        String requested = System.getProperty(BITS_PROPERTY, "").trim();
        int forced = -1;
        if (!requested.isEmpty()) {
            try {
                forced = Integer.parseInt(requested);
            } catch (NumberFormatException e) {
                forced = -2;
            }
            if (forced != 0 && forced != 128 && forced != 256 && forced != 512) {
                why = "-D" + BITS_PROPERTY + "=" + requested + " is not one of 0, 128, 256, 512";
            } else if (forced == 0) {
                why = "-D" + BITS_PROPERTY + "=0 forces the scalar path; drop it to use SIMD";
            }
        }
        if (why == null) {
            why = moduleMissing();
        }
        if (why == null) {
            why = c2Missing();
        }
        if (why == null) {
            int preferred = VectorProbe.preferredFloatBits();
            if (preferred < 128) {
                why = "the CPU's preferred float vector is " + preferred + " bits (< 128), too"
                        + " narrow to pay; nothing to fix on this machine";
            } else {
                bits = forced > 0 ? Math.min(forced, preferred) : preferred;
            }
        }
        ENABLED = why == null;
        BITS = ENABLED ? bits : 0;
        WHY_OFF = why;
        DESCRIPTION = ENABLED
                ? "vecprop: SIMD on, " + BITS + "-bit float vectors (" + BITS / 32 + " lanes)"
                        + (forced > 0 && forced != BITS ? ", " + forced + " requested but the CPU"
                        + " prefers " + BITS : "")
                : "vecprop: scalar path (much slower), because " + why
                        + (REQUIRED ? "; -D" + REQUIRE_PROPERTY + "=true: every kernel call will throw" : "");
        System.Logger log = System.getLogger("org.vecprop");
        if (ENABLED) {
            log.log(System.Logger.Level.DEBUG, DESCRIPTION);
        } else {
            log.log(System.Logger.Level.WARNING, DESCRIPTION);
        }
    }

    private Vectorization() {}

    /**
     * Returns why the incubator module cannot be used, or null after making sure this module
     * reads it.
     */
    private static String moduleMissing() {
        Optional<Module> vector = ModuleLayer.boot().findModule("jdk.incubator.vector");
        if (vector.isEmpty()) {
            return "the module jdk.incubator.vector is not loaded;"
                    + " run java with --add-modules jdk.incubator.vector to enable SIMD";
        }
        Module self = Vectorization.class.getModule();
        if (!self.canRead(vector.get())) {
            self.addReads(vector.get()); // a named vecprop module reads it only from here on
        }
        return null;
    }

    /** Returns why C2 is off, or null if it is on or cannot be told. */
    private static String c2Missing() {
        String info = System.getProperty("java.vm.info", "");
        if (info.contains("interpreted mode")) {
            return "the JVM runs interpreted only (-Xint); the Vector API needs the C2 compiler";
        }
        try {
            for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (arg.startsWith("-XX:TieredStopAtLevel=")) {
                    int level = Integer.parseInt(arg.substring("-XX:TieredStopAtLevel=".length()));
                    if (level < 4) {
                        return "C2 is off (" + arg + "); drop it, the Vector API is only fast under C2";
                    }
                }
                if (arg.equals("-XX:-UseCompiler")) {
                    return "the JIT is off (" + arg + "); drop it to use SIMD";
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // java.management is not in this runtime: we cannot tell, so assume C2 is on.
        }
        return null;
    }
}
