package org.vecprop.tools;

import java.util.Locale;

/**
 * Names a CPU's microarchitecture from its CPUID family and model (x86) or its implementer and
 * part number (Arm), for machines where OSHI does not know it (OSHI 6.12 answers "unknown" for
 * AMD family 26, Zen 5). The table covers the server and desktop cores a benchmark contributor is
 * likely to have; anything else is "unknown", never a guess.
 *
 * <p>Sources for the numbers: AMD's and Intel's published family/model lists (the Linux kernel's
 * {@code arch/x86/include/asm/intel-family.h} and AMD's Processor Programming Reference per
 * family) and Arm's MIDR part numbers. Cache sizes per core, where given, are the
 * microarchitecture's fixed L1 data and L2 sizes (L3 varies by part and is never inferred).
 */
final class Microarchitecture {
    private Microarchitecture() {}

    /**
     * A named microarchitecture.
     *
     * @param name       e.g. {@code Zen 5}; "unknown" when the table has no entry
     * @param l1dKiB     L1 data cache per core in KiB, or 0 if not fixed by the microarchitecture
     * @param l2KiB      L2 cache per core in KiB, or 0 if not fixed
     * @param fp32FlopsPerCycle single-precision flops per cycle per core at the widest vector
     *                   (FMA = 2), or 0 if not in the table: lets a reader check a peak probe
     */
    record Name(String name, int l1dKiB, int l2KiB, int fp32FlopsPerCycle) {
        static final Name UNKNOWN = new Name("unknown", 0, 0, 0);

        boolean known() {
            return !name.equals("unknown");
        }
    }

    /**
     * The microarchitecture of an x86 CPU.
     *
     * @param vendor {@code AuthenticAMD} or {@code GenuineIntel} (case-insensitive; "AMD" and
     *               "Intel" also match)
     * @param family the CPUID display family (e.g. 25 for AMD 19h)
     * @param model  the CPUID display model (e.g. 17 for 0x11)
     */
    static Name x86(String vendor, int family, int model) {
        String v = vendor == null ? "" : vendor.toLowerCase(Locale.ROOT);
        if (v.contains("amd")) {
            return amd(family, model);
        }
        if (v.contains("intel")) {
            return family == 6 ? intel(model) : Name.UNKNOWN;
        }
        return Name.UNKNOWN;
    }

    private static Name amd(int family, int model) {
        return switch (family) {
            // 17h: Zen and Zen+ below model 0x30, Zen 2 from 0x30 (Rome 0x31, Matisse 0x71, Renoir 0x60)
            // (Zen and Zen+ split 256-bit FMAs into two 128-bit halves: 16 flops per cycle)
            case 0x17 -> model < 0x30 ? new Name("Zen/Zen+", 32, 512, 16) : new Name("Zen 2", 32, 512, 32);
            case 0x19 -> {
                // 19h: Zen 3 (Milan 0x01, Vermeer 0x21, Cezanne 0x50), Zen 3+ (Rembrandt 0x44),
                // Zen 4 (Genoa 0x11, Storm Peak 0x18, Raphael 0x61, Phoenix 0x74-0x78),
                // Zen 4c (Bergamo/Siena 0xA0-0xAF). Zen 4 runs 512-bit FMAs as two 256-bit halves.
                if (model >= 0x10 && model <= 0x1F || model >= 0x60 && model <= 0x7F) {
                    yield new Name("Zen 4", 32, 1024, 32);
                }
                if (model >= 0xA0 && model <= 0xAF) {
                    yield new Name("Zen 4c", 32, 1024, 32);
                }
                if (model >= 0x40 && model <= 0x4F) {
                    yield new Name("Zen 3+", 32, 512, 32);
                }
                yield new Name("Zen 3", 32, 512, 32);
            }
            // 1Ah: Zen 5 (Turin 0x02, Strix 0x24, Granite Ridge 0x44), Zen 5c (Turin dense 0x10-0x1F).
            // Server and desktop Zen 5 have two full 512-bit FMA pipes; the mobile parts (0x20-0x2F,
            // 0x60-0x7F) execute 512-bit FMAs as two halves, so their FMA rate is not in the table.
            case 0x1A -> {
                if (model >= 0x10 && model <= 0x1F) {
                    yield new Name("Zen 5c", 48, 1024, 64);
                }
                boolean mobile = model >= 0x20 && model <= 0x2F || model >= 0x60 && model <= 0x7F;
                yield new Name("Zen 5", 48, 1024, mobile ? 0 : 64);
            }
            default -> Name.UNKNOWN;
        };
    }

    private static Name intel(int model) {
        return switch (model) {
            case 0x3C, 0x3F, 0x45, 0x46 -> new Name("Haswell", 32, 256, 32);
            case 0x3D, 0x47, 0x4F, 0x56 -> new Name("Broadwell", 32, 256, 32);
            case 0x4E, 0x5E -> new Name("Skylake", 32, 256, 32);
            case 0x8E, 0x9E -> new Name("Kaby Lake/Coffee Lake", 32, 256, 32);
            case 0xA5, 0xA6 -> new Name("Comet Lake", 32, 256, 32);
            // Skylake-SP, Cascade Lake and Cooper Lake share model 0x55 (stepping tells them apart);
            // two 512-bit FMA units on most server parts, one on some: rate not in the table.
            case 0x55 -> new Name("Skylake-SP/Cascade Lake", 32, 1024, 0);
            // Xeons from here on: one or two 512-bit FMA units depending on the part: rate not in the table
            case 0x6A, 0x6C -> new Name("Ice Lake-SP", 48, 1280, 0);
            case 0x7D, 0x7E -> new Name("Ice Lake", 48, 512, 32);
            case 0x8C, 0x8D -> new Name("Tiger Lake", 48, 1280, 32);
            case 0x8F -> new Name("Sapphire Rapids", 48, 2048, 0);
            case 0xCF -> new Name("Emerald Rapids", 48, 2048, 0);
            case 0xAD, 0xAE -> new Name("Granite Rapids", 48, 2048, 0);
            case 0xAF -> new Name("Sierra Forest", 32, 0, 0);
            // hybrid parts: P- and E-cores differ, so no per-core figures
            case 0x97, 0x9A -> new Name("Alder Lake", 0, 0, 0);
            case 0xB7, 0xBA, 0xBF -> new Name("Raptor Lake", 0, 0, 0);
            case 0xAA, 0xAC -> new Name("Meteor Lake", 0, 0, 0);
            case 0xC5, 0xC6 -> new Name("Arrow Lake", 0, 0, 0);
            case 0xBD -> new Name("Lunar Lake", 0, 0, 0);
            default -> Name.UNKNOWN;
        };
    }

    /**
     * The microarchitecture of an Arm core from its MIDR implementer and part number
     * ({@code /proc/cpuinfo}'s "CPU implementer" and "CPU part").
     */
    static Name arm(int implementer, int part) {
        if (implementer == 0x41) { // Arm Ltd.
            return switch (part) {
                case 0xD0C -> new Name("Neoverse N1", 64, 1024, 16);
                case 0xD40 -> new Name("Neoverse V1", 64, 1024, 32);
                case 0xD49 -> new Name("Neoverse N2", 64, 1024, 16);
                case 0xD4F -> new Name("Neoverse V2", 64, 2048, 32);
                case 0xD8E -> new Name("Neoverse N3", 64, 0, 16);
                case 0xD84 -> new Name("Neoverse V3", 64, 0, 32);
                case 0xD0B -> new Name("Cortex-A76", 64, 0, 16);
                case 0xD41 -> new Name("Cortex-A78", 32, 0, 16);
                default -> Name.UNKNOWN;
            };
        }
        if (implementer == 0x61) { // Apple: M-series cores report their own part numbers
            return new Name("Apple", 0, 0, 0);
        }
        return Name.UNKNOWN;
    }
}
