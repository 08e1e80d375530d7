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
 * {@code org.vecprop}, level WARNING) gives, in one line, why and how to enable SIMD. The width is
 * the preferred one, at most {@value #MAX_BITS} bits (the long sums' lane layout; SVE CPUs may
 * prefer up to 2048), and never wider than {@code -Dvecprop.vectorBits} asks.
 *
 * <p>It also reads whether the JVM uses the CPU's FMA instruction ({@link #HARDWARE_FMA}):
 * without it every kernel, vector or scalar, is orders of magnitude slower (the order of
 * arithmetic is built on FMA, which the JDK then computes in software), so the description says
 * so, the log record is a WARNING, and {@code Simd.requireVectorized} refuses; the results are
 * still the same bits.
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
     * The widest vector the kernels use. The long sums step through their 64 virtual lanes
     * ({@code contract.ArithmeticOrder}) four vectors at a time, which needs at most 16 lanes per
     * vector; a CPU that prefers wider vectors (SVE allows up to 2048 bits) runs at 512.
     */
    public static final int MAX_BITS = 512;

    /**
     * Whether {@code -Dvecprop.requireSimd=true} asks that kernels refuse to run when SIMD is off
     * or the JVM has no hardware FMA (for services that would rather fail at start-up than run
     * ~40x slower, or orders of magnitude slower without FMA).
     */
    public static final boolean REQUIRED = Boolean.parseBoolean(System.getProperty(REQUIRE_PROPERTY, "false"));

    /** Whether the kernels use the Vector API. */
    public static final boolean ENABLED;
    /** The float vector width in bits, or 0 on the scalar path. */
    public static final int BITS;
    /**
     * Whether the JVM computes {@code fma} with the CPU's instruction ({@code -XX:+UseFMA}, the
     * default on a CPU that has one); true when the JVM cannot tell. Every kernel's order of
     * arithmetic is built on FMA: without the instruction, {@code Math.fma} and
     * {@code FloatVector.fma} are computed in software, exactly but orders of magnitude slower.
     */
    public static final boolean HARDWARE_FMA;
    /** Why SIMD is off, with how to turn it on; null when it is on. */
    public static final String WHY_OFF;
    /**
     * Why the kernels cannot run at full speed (SIMD off, or no hardware FMA), for
     * {@code requireVectorized}; null when they can.
     */
    public static final String WHY_SLOW;
    /** One line saying what was chosen and why (the line that was logged). */
    public static final String DESCRIPTION;

    /** The decision, from what was observed: a pure function, so it can be tested alone. */
    record Choice(boolean enabled, int bits, String whyOff, String whySlow, String description) {}

    static {
        String requested = System.getProperty(BITS_PROPERTY, "").trim();
        // Nothing touches a Vector API class before the module is known to be there (and read).
        String module = moduleMissing();
        String c2 = module == null ? c2Missing() : null;
        int preferred = module == null && c2 == null && !"0".equals(requested)
                ? VectorProbe.preferredFloatBits() : 0;
        boolean fma = usesFma();
        Choice choice = choose(requested, module, c2, preferred, fma);
        ENABLED = choice.enabled();
        BITS = choice.bits();
        WHY_OFF = choice.whyOff();
        WHY_SLOW = choice.whySlow();
        HARDWARE_FMA = fma;
        DESCRIPTION = choice.description();
        System.Logger log = System.getLogger("org.vecprop");
        log.log(WHY_SLOW == null ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING, DESCRIPTION);
    }

    /**
     * The decision. SIMD is on unless the requested width is 0 or not a width, the module is
     * missing, C2 is off, or the CPU's preferred vector is under 128 bits; its width is the
     * largest of 512, 256 and 128 bits not above both the preferred width and the requested one.
     * The absence of hardware FMA does not turn SIMD off (the scalar path needs FMA as much) but
     * makes the description say so and {@code requireVectorized} refuse.
     *
     * @param requested the {@code vecprop.vectorBits} property, trimmed; empty for none
     * @param moduleMissing why the incubator module cannot be used, or null
     * @param c2Missing why C2 is off, or null
     * @param preferred the CPU's preferred float vector in bits (any value when one of the above
     *     already turns SIMD off)
     * @param hardwareFma whether the JVM uses the CPU's FMA instruction
     */
    static Choice choose(String requested, String moduleMissing, String c2Missing, int preferred,
                         boolean hardwareFma) {
        String why = null;
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
            why = moduleMissing;
        }
        if (why == null) {
            why = c2Missing;
        }
        int bits = 0;
        if (why == null) {
            if (preferred < 128) {
                why = "the CPU's preferred float vector is " + preferred + " bits (< 128), too"
                        + " narrow to pay; nothing to fix on this machine";
            } else {
                int limit = Math.min(Math.min(preferred, MAX_BITS), forced > 0 ? forced : MAX_BITS);
                bits = limit >= 512 ? 512 : limit >= 256 ? 256 : 128;
            }
        }
        boolean enabled = why == null;
        String noFma = hardwareFma ? null
                : "the JVM does not use an FMA instruction (UseFMA is off: a CPU without FMA, or"
                        + " -XX:-UseFMA), so every fused multiply-add is computed in software, orders"
                        + " of magnitude slower; run on a CPU with FMA (x86 since Haswell/Piledriver,"
                        + " every AArch64) and drop -XX:-UseFMA";
        String whySlow = !enabled ? why : noFma;
        String description;
        if (enabled) {
            String note = "";
            if (forced > 0 && forced != bits) {
                note = ", " + forced + " requested but the CPU prefers " + preferred;
            } else if (preferred > MAX_BITS) {
                note = ", the CPU prefers " + preferred + " but vecprop's long sums are laid out"
                        + " for at most " + MAX_BITS;
            }
            description = "vecprop: SIMD on, " + bits + "-bit float vectors (" + bits / 32 + " lanes)"
                    + note + (hardwareFma ? ", hardware FMA" : "; but " + noFma);
        } else {
            description = "vecprop: scalar path (much slower), because " + why
                    + (hardwareFma ? "" : "; and " + noFma);
        }
        if (whySlow != null && REQUIRED) {
            description += "; -D" + REQUIRE_PROPERTY + "=true: every kernel call will throw";
        }
        return new Choice(enabled, bits, enabled ? null : why, whySlow, description);
    }

    /**
     * Whether the JVM uses the CPU's FMA instruction: HotSpot's {@code UseFMA} flag, read through
     * the platform MBean server (so that this module needs no {@code jdk.management}); true when
     * it cannot be told (another JVM, no management), as Lucene's provider assumes.
     */
    private static boolean usesFma() {
        try {
            javax.management.MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            Object option = server.invoke(
                    new javax.management.ObjectName("com.sun.management:type=HotSpotDiagnostic"),
                    "getVMOption", new Object[] {"UseFMA"}, new String[] {String.class.getName()});
            if (option instanceof javax.management.openmbean.CompositeData data) {
                return !"false".equals(String.valueOf(data.get("value")));
            }
        } catch (Exception | LinkageError e) {
            // no such flag on this JVM, or no management: cannot tell
        }
        return true;
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
