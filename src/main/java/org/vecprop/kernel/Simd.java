package org.vecprop.kernel;

import java.lang.management.ManagementFactory;
import java.util.Optional;

/**
 * Decides once, when this class loads, whether the kernels run on the Vector API or on the
 * scalar reference, and at which vector width.
 *
 * <p>SIMD is used when all of these hold:
 * <ol>
 *   <li>the {@code vecprop.vectorBits} system property is not {@code 0};</li>
 *   <li>the module {@code jdk.incubator.vector} is in the boot layer and readable (run with
 *       {@code --add-modules jdk.incubator.vector});</li>
 *   <li>the C2 compiler is on (no {@code -Xint}, no {@code -XX:TieredStopAtLevel} below 4):
 *       interpreted or C1-compiled Vector API code is far slower than plain loops;</li>
 *   <li>the preferred float species is at least 128 bits.</li>
 * </ol>
 * Otherwise every kernel routes to {@code org.vecprop.reference}, and one log line (logger
 * {@code org.vecprop}, level WARNING) says why and how to enable SIMD.
 *
 * <p>{@code -Dvecprop.vectorBits=128|256|512} forces a narrower width than the preferred one
 * (for tests and for comparing CPUs); a width wider than the hardware's preferred species is
 * clamped to it. {@code -XX:MaxVectorSize=16/32/64} lowers the preferred species itself.
 */
public final class Simd {
    /** Whether the kernels use the Vector API. */
    static final boolean ENABLED;
    /** The float vector width in bits, or 0 on the scalar path. */
    static final int BITS;
    /** One line saying what was chosen and why. */
    private static final String DESCRIPTION;

    static {
        String why = null;
        int bits = 0;
        String requested = System.getProperty("vecprop.vectorBits", "").trim();
        int forced = -1;
        if (!requested.isEmpty()) {
            try {
                forced = Integer.parseInt(requested);
            } catch (NumberFormatException e) {
                forced = -2;
            }
            if (forced != 0 && forced != 128 && forced != 256 && forced != 512) {
                why = "-Dvecprop.vectorBits=" + requested + " is not one of 0, 128, 256, 512";
            } else if (forced == 0) {
                why = "-Dvecprop.vectorBits=0 forces the scalar path";
            }
        }
        if (why == null) {
            Optional<Module> vector = ModuleLayer.boot().findModule("jdk.incubator.vector");
            if (vector.isEmpty() || !Simd.class.getModule().canRead(vector.get())) {
                why = "the module jdk.incubator.vector is not loaded;"
                        + " run java with --add-modules jdk.incubator.vector to enable SIMD";
            }
        }
        if (why == null) {
            why = c2Missing();
        }
        if (why == null) {
            int preferred = VectorProbe.preferredFloatBits();
            if (preferred < 128) {
                why = "the CPU's preferred float vector is " + preferred + " bits (< 128)";
            } else {
                bits = forced > 0 ? Math.min(forced, preferred) : preferred;
            }
        }
        ENABLED = why == null;
        BITS = ENABLED ? bits : 0;
        DESCRIPTION = ENABLED
                ? "vecprop: SIMD on, " + BITS + "-bit float vectors (" + BITS / 32 + " lanes)"
                        + (forced > 0 && forced != BITS ? ", " + forced + " requested but the CPU"
                        + " prefers " + BITS : "")
                : "vecprop: scalar path, because " + why;
        System.Logger log = System.getLogger("org.vecprop");
        if (ENABLED) {
            log.log(System.Logger.Level.DEBUG, DESCRIPTION);
        } else {
            log.log(System.Logger.Level.WARNING, DESCRIPTION);
        }
    }

    private Simd() {}

    /** @return whether the kernels run on the Vector API */
    public static boolean enabled() {
        return ENABLED;
    }

    /** @return the float vector width in bits the kernels use, or 0 on the scalar path */
    public static int vectorBits() {
        return BITS;
    }

    /** @return one line saying which path was chosen and why (the line that was logged) */
    public static String description() {
        return DESCRIPTION;
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
                        return "C2 is off (" + arg + "); the Vector API is only fast under C2";
                    }
                }
                if (arg.equals("-XX:-UseCompiler")) {
                    return "the JIT is off (" + arg + ")";
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // java.management is not in this runtime: we cannot tell, so assume C2 is on.
        }
        return null;
    }
}
