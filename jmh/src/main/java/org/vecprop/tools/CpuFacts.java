package org.vecprop.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.CentralProcessor.ProcessorCache;
import oshi.hardware.CentralProcessor.ProcessorIdentifier;
import oshi.hardware.ComputerSystem;
import oshi.hardware.GlobalMemory;
import oshi.software.os.OperatingSystem;

/**
 * What identifies this machine's CPU and memory, from OSHI (which reads CPUID-derived data on
 * Linux, macOS and Windows alike), completed from Linux's {@code /proc/cpuinfo} and
 * {@code /sys} where OSHI has nothing (cache sizes on some kernels, the Arm part number, the
 * hypervisor flag). Every value says where it came from when that is not OSHI.
 *
 * <p>Keys written (see {@link MachineFacts} for the whole file): {@code cpu_model},
 * {@code cpu_vendor}, {@code arch}, {@code cpu_family}, {@code cpu_model_number},
 * {@code cpu_stepping}, {@code cpu_microarchitecture}, {@code cpu_microarchitecture_source},
 * {@code isa_flags}, {@code sockets}, {@code physical_cores}, {@code logical_cpus}, {@code smt},
 * {@code cores}, {@code caches}, {@code cache_l1d_kib}, {@code cache_l2_kib}, {@code cache_l3_kib},
 * {@code caches_source}, {@code clock_nominal_mhz}, {@code clock_nominal_source},
 * {@code hypervisor}, {@code memory}, {@code memory_bytes}, {@code os}, {@code kernel}.
 */
final class CpuFacts {
    private CpuFacts() {}

    /**
     * The ISA extensions that matter to vecprop and its peers, in this order, as Linux spells
     * them ({@code /proc/cpuinfo} flags on x86, Features on Arm); OSHI's flag lists use the same
     * names on Linux and close ones elsewhere (compared without case, dots or underscores).
     */
    static final List<String> ISA = List.of("avx", "avx2", "fma", "f16c", "avx512f", "avx512cd", "avx512bw",
            "avx512dq", "avx512vl", "avx512ifma", "avx512vbmi", "avx512_vbmi2", "avx512_vnni", "avx512_bf16",
            "avx512_fp16", "avx512_bitalg", "avx512_vpopcntdq", "avx_vnni", "amx_tile", "amx_bf16", "neon", "asimd",
            "asimdhp", "sve", "sve2", "sme");

    /** Collects the CPU, memory and OS facts into {@code out}. */
    static void collect(Map<String, Object> out) {
        SystemInfo si = new SystemInfo();
        CentralProcessor cpu = si.getHardware().getProcessor();
        ProcessorIdentifier id = cpu.getProcessorIdentifier();
        Map<String, String> cpuinfo = procCpuinfo();
        String arch = System.getProperty("os.arch");
        arch = arch.equals("amd64") ? "x86_64" : arch;

        out.put("cpu_model", text(id.getName()));
        out.put("cpu_vendor", text(id.getVendor()));
        out.put("arch", arch);
        Integer family = integer(id.getFamily());
        Integer model = integer(id.getModel());
        Integer stepping = integer(id.getStepping());
        boolean arm = arch.equals("aarch64") || arch.equals("arm64");
        Integer implementer = arm ? integer(cpuinfo.get("CPU implementer")) : null;
        Integer part = arm ? integer(cpuinfo.get("CPU part")) : null;
        if (arm) {
            out.put("cpu_implementer", implementer == null ? "unknown" : "0x" + Integer.toHexString(implementer));
            out.put("cpu_part", part == null ? "unknown" : "0x" + Integer.toHexString(part));
        } else {
            out.put("cpu_family", family == null ? "unknown" : family);
            out.put("cpu_model_number", model == null ? "unknown" : model);
            out.put("cpu_stepping", stepping == null ? "unknown" : stepping);
        }
        String oshiName = text(id.getMicroarchitecture());
        Microarchitecture.Name table = arm
                ? (implementer == null || part == null ? Microarchitecture.Name.UNKNOWN
                        : Microarchitecture.arm(implementer, part))
                : (family == null || model == null ? Microarchitecture.Name.UNKNOWN
                        : Microarchitecture.x86(id.getVendor(), family, model));
        if (!oshiName.equals("unknown")) {
            out.put("cpu_microarchitecture", oshiName);
            out.put("cpu_microarchitecture_source", "OSHI");
        } else if (table.known()) {
            out.put("cpu_microarchitecture", table.name());
            out.put("cpu_microarchitecture_source", "vecprop's table (org.vecprop.tools.Microarchitecture): "
                    + (arm ? "implementer/part" : "vendor, family " + family + ", model " + model)
                    + "; OSHI did not name it");
        } else {
            out.put("cpu_microarchitecture", "unknown");
            out.put("cpu_microarchitecture_source", "neither OSHI nor vecprop's table knows this CPU");
        }
        out.put("isa_flags", isaFlags(cpu.getFeatureFlags()));

        int physical = cpu.getPhysicalProcessorCount();
        int logical = cpu.getLogicalProcessorCount();
        out.put("sockets", cpu.getPhysicalPackageCount());
        out.put("physical_cores", physical);
        out.put("logical_cpus", logical);
        out.put("smt", physical > 0 && logical > physical ? "on: " + logical / physical + " threads per core"
                : "off: 1 thread per core");
        out.put("cores", Runtime.getRuntime().availableProcessors()); // schema 1's "cores": what the JVM may use

        caches(cpu, table, out);
        nominalClock(id, cpu, cpuinfo, out);
        out.put("hypervisor", hypervisor(si.getHardware().getComputerSystem(), cpuinfo));

        GlobalMemory mem = si.getHardware().getMemory();
        out.put("memory", String.format(Locale.ROOT, "%.1f GiB", mem.getTotal() / (double) (1L << 30)));
        out.put("memory_bytes", mem.getTotal());
        OperatingSystem os = si.getOperatingSystem();
        out.put("os", text(os.getFamily() + " " + os.getVersionInfo().getVersion()
                + (os.getVersionInfo().getCodeName() == null || os.getVersionInfo().getCodeName().isBlank() ? ""
                : " (" + os.getVersionInfo().getCodeName() + ")")));
        out.put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    }

    /** The ISA flags of {@link #ISA} that the CPU has, space-separated; "none" when it has none. */
    static String isaFlags(List<String> featureLines) {
        Set<String> have = new LinkedHashSet<>();
        for (String line : featureLines) {
            String l = line.contains(":") ? line.substring(line.indexOf(':') + 1) : line;
            for (String f : l.trim().split("[\\s,]+")) {
                have.add(normal(f));
            }
        }
        List<String> out = new ArrayList<>();
        for (String f : ISA) {
            if (have.contains(normal(f))) {
                out.add(f);
            }
        }
        return out.isEmpty() ? (have.isEmpty() ? "unknown" : "none") : String.join(" ", out);
    }

    private static String normal(String flag) {
        return flag.toLowerCase(Locale.ROOT).replace("_", "").replace(".", "").replace("-", "");
    }

    /**
     * Cache sizes per core (L1d, L2) and per instance (L3), from OSHI, else Linux's sysfs, else
     * the microarchitecture's fixed L1d and L2 sizes (said so; L3 is never inferred).
     */
    private static void caches(CentralProcessor cpu, Microarchitecture.Name table, Map<String, Object> out) {
        Map<String, Long> bytes = new TreeMap<>();
        String source = null;
        for (ProcessorCache c : cpu.getProcessorCaches()) {
            String key = "L" + c.getLevel() + switch (c.getType()) {
                case DATA -> "d";
                case INSTRUCTION -> "i";
                default -> "";
            };
            bytes.putIfAbsent(key, c.getCacheSize() & 0xFFFFFFFFL);
        }
        if (!bytes.isEmpty()) {
            source = "OSHI";
        } else {
            bytes.putAll(sysfsCaches());
            if (!bytes.isEmpty()) {
                source = "/sys/devices/system/cpu/cpu0/cache";
            }
        }
        if (bytes.isEmpty() && table.l1dKiB() > 0) {
            bytes.put("L1d", table.l1dKiB() * 1024L);
            if (table.l2KiB() > 0) {
                bytes.put("L2", table.l2KiB() * 1024L);
            }
            source = "not reported by this system; L1d and L2 are " + table.name()
                    + "'s fixed sizes per core (vecprop's table), L3 unknown";
        }
        List<String> parts = new ArrayList<>();
        bytes.forEach((k, v) -> parts.add(k + " " + v / 1024 + "K"));
        out.put("caches", parts.isEmpty() ? "unknown" : String.join(", ", parts));
        out.put("cache_l1d_kib", bytes.containsKey("L1d") ? bytes.get("L1d") / 1024 : "unknown");
        out.put("cache_l2_kib", bytes.containsKey("L2") ? bytes.get("L2") / 1024 : "unknown");
        out.put("cache_l3_kib", bytes.containsKey("L3") ? bytes.get("L3") / 1024 : "unknown");
        out.put("caches_source", source == null ? "not reported by this system" : source);
    }

    private static Map<String, Long> sysfsCaches() {
        Map<String, Long> out = new TreeMap<>();
        Path dir = Path.of("/sys/devices/system/cpu/cpu0/cache");
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (var entries = Files.list(dir)) {
            for (Path idx : entries.filter(p -> p.getFileName().toString().startsWith("index")).sorted().toList()) {
                String level = read(idx.resolve("level"));
                String type = read(idx.resolve("type"));
                String size = read(idx.resolve("size"));
                if (level == null || size == null) {
                    continue;
                }
                long b = sizeBytes(size);
                String key = "L" + level + ("Data".equals(type) ? "d" : "Instruction".equals(type) ? "i" : "");
                if (b > 0) {
                    out.putIfAbsent(key, b);
                }
            }
        } catch (IOException | RuntimeException e) {
            out.clear();
        }
        return out;
    }

    /** {@code 48K} → 49152, {@code 1M} → 1048576, plain numbers are bytes; -1 when not a size. */
    static long sizeBytes(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT);
        long mult = 1;
        if (t.endsWith("K")) {
            mult = 1024;
        } else if (t.endsWith("M")) {
            mult = 1024 * 1024;
        } else if (t.endsWith("G")) {
            mult = 1024L * 1024 * 1024;
        }
        try {
            return Long.parseLong(mult == 1 ? t : t.substring(0, t.length() - 1)) * mult;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The nominal clock: the frequency in the CPU's name ("@ 2.40GHz", Intel), else the maximum
     * OSHI reports (cpufreq's maximum, or {@code /proc/cpuinfo}'s "cpu MHz", which under a
     * hypervisor is the TSC rate it announces), said which.
     */
    private static void nominalClock(ProcessorIdentifier id, CentralProcessor cpu, Map<String, String> cpuinfo,
                                     Map<String, Object> out) {
        long vendor = id.getVendorFreq();
        if (vendor > 0) {
            out.put("clock_nominal_mhz", Math.round(vendor / 1e6));
            out.put("clock_nominal_source", "the CPU's name");
            return;
        }
        long max = cpu.getMaxFreq();
        if (max > 0) {
            out.put("clock_nominal_mhz", Math.round(max / 1e6));
            boolean cpufreq = Files.isDirectory(Path.of("/sys/devices/system/cpu/cpu0/cpufreq"));
            out.put("clock_nominal_source", cpufreq ? "OSHI: the highest frequency cpufreq allows"
                    : cpuinfo.containsKey("cpu MHz") ? "OSHI: /proc/cpuinfo's cpu MHz (under a hypervisor, the TSC"
                    + " rate it announces, not the clock the core runs at)" : "OSHI: the maximum frequency the OS reports");
            return;
        }
        out.put("clock_nominal_mhz", "unknown");
        out.put("clock_nominal_source", "neither the CPU's name nor the OS gives one");
    }

    private static String hypervisor(ComputerSystem cs, Map<String, String> cpuinfo) {
        String maker = text(cs.getManufacturer());
        String model = text(cs.getModel());
        boolean flag = cpuinfo.getOrDefault("flags", "").matches("(^|.*\\s)hypervisor(\\s.*|$)");
        List<String> known = new ArrayList<>();
        for (String s : List.of(maker, model)) {
            String l = s.toLowerCase(Locale.ROOT);
            if (l.matches(".*(kvm|qemu|vmware|virtualbox|xen|hyper-v|virtual machine|amazon ec2|google|firecracker).*")) {
                known.add(s);
            }
        }
        if (!known.isEmpty()) {
            return String.join(" ", new LinkedHashSet<>(known));
        }
        if (flag) {
            return "yes (the CPU's hypervisor flag; the system does not name it)";
        }
        return cpuinfo.isEmpty() ? "unknown" : "none detected";
    }

    /** {@code /proc/cpuinfo}'s first value of every key (the first CPU's), or empty elsewhere. */
    static Map<String, String> procCpuinfo() {
        Map<String, String> m = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    m.putIfAbsent(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
                }
            }
            if (!m.containsKey("flags") && m.containsKey("Features")) {
                m.put("flags", m.get("Features"));
            }
        } catch (IOException | RuntimeException e) {
            m.clear();
        }
        return m;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException e) {
            return null;
        }
    }

    /** A decimal or 0x-hex integer, or null. */
    static Integer integer(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        String t = s.trim();
        try {
            return t.startsWith("0x") || t.startsWith("0X") ? Integer.parseInt(t.substring(2), 16) : Integer.parseInt(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String text(String s) {
        return s == null || s.isBlank() ? "unknown" : s.trim();
    }
}
