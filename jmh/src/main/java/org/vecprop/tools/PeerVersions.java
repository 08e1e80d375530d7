package org.vecprop.tools;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;

/**
 * The versions of the peers vecprop is measured against, as this class path has them, and the
 * OpenBLAS kernel actually in use. Each comes from the library itself where it can say (OpenBLAS's
 * own {@code openblas_get_config()} and {@code openblas_get_corename()}, EJML's
 * {@code EjmlVersion}, DJL's and JMH's bundled properties), else "unknown" with the reason.
 *
 * <p>OpenBLAS through JavaCPP does not map {@code openblas_get_corename}, so it is called through
 * the FFM API on the library JavaCPP loaded: a DYNAMIC_ARCH build picks its kernel (Haswell,
 * SkylakeX, Zen, ...) for the CPU when it loads, unless {@code OPENBLAS_CORETYPE} overrides it;
 * run this with the environment the benchmark had (scripts/bench unsets that variable for both).
 *
 * <p>Keys written: {@code openblas_version}, {@code openblas_config}, {@code openblas_core},
 * {@code openblas_coretype_env}, {@code javacpp_version}, {@code ejml_version}, {@code djl_version},
 * {@code pytorch_version}, {@code onnxruntime_version}, {@code jmh_version}.
 */
final class PeerVersions {
    private PeerVersions() {}

    static void collect(Map<String, Object> out) {
        out.put("openblas_version", openblas.OPENBLAS_VERSION.trim() + " (headers JavaCPP was built with)");
        String[] native_ = openblasNative();
        out.put("openblas_config", native_[0]);
        out.put("openblas_core", native_[1]);
        String env = System.getenv("OPENBLAS_CORETYPE");
        out.put("openblas_coretype_env", env == null ? "unset (OpenBLAS chose its kernel for this CPU)" : env);
        out.put("javacpp_version", javacpp());
        out.put("ejml_version", ejml());
        out.put("djl_version", property("ai/djl/engine/api.properties", "djl_version"));
        String torch = property("native/lib/pytorch.properties", "version");
        out.put("pytorch_version", torch.equals("unknown") ? property("pytorch-engine.properties", "pytorch_version")
                : torch + " (libtorch bundled for DJL)");
        out.put("onnxruntime_version", onnxRuntime());
        out.put("jmh_version", property("jmh.properties", "jmh.version"));
    }

    /** {@code {config, corename}} from the loaded OpenBLAS, or reasons why not. */
    static String[] openblasNative() {
        try {
            Loader.load(openblas.class);
            MemorySegment config = find("openblas_get_config");
            MemorySegment core = find("openblas_get_corename");
            if (config == null || core == null) {
                return new String[] {"unknown (the OpenBLAS library is not found among the loaded libraries)",
                        "unknown (as openblas_config)"};
            }
            return new String[] {callString(config), callString(core)};
        } catch (Throwable e) { // a native call: report, never fail the facts
            return new String[] {"unknown (" + e + ")", "unknown (" + e + ")"};
        }
    }

    /** The symbol in the libraries this class loader loaded, else in the OpenBLAS this process mapped. */
    private static MemorySegment find(String symbol) throws IOException {
        Optional<MemorySegment> s = SymbolLookup.loaderLookup().find(symbol);
        if (s.isPresent()) {
            return s.get();
        }
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return null;
        }
        for (String line : Files.readAllLines(maps)) {
            int slash = line.indexOf('/');
            if (slash > 0 && line.contains("libopenblas")) {
                Path lib = Path.of(line.substring(slash).trim());
                // dlopen of an already loaded library returns the same handle: the same kernel choice
                Optional<MemorySegment> t = SymbolLookup.libraryLookup(lib, Arena.global()).find(symbol);
                if (t.isPresent()) {
                    return t.get();
                }
            }
        }
        return null;
    }

    private static String callString(MemorySegment function) throws Throwable {
        MethodHandle h = Linker.nativeLinker().downcallHandle(function, FunctionDescriptor.of(ValueLayout.ADDRESS));
        MemorySegment p = (MemorySegment) h.invokeExact();
        return p.equals(MemorySegment.NULL) ? "unknown (NULL)" : p.reinterpret(4096).getString(0).trim();
    }

    private static String javacpp() {
        try {
            String v = Loader.getVersion();
            if (v != null) {
                return v;
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        // The shaded jar drops META-INF/maven, where JavaCPP reads its version; the OpenBLAS
        // preset's own version string ends with the JavaCPP release it was built for.
        return "unknown (JavaCPP's pom.properties is not in the shaded jar)";
    }

    private static String ejml() {
        try {
            return org.ejml.EjmlVersion.VERSION;
        } catch (LinkageError e) {
            return "unknown (EJML is not on the class path)";
        }
    }

    /** ONNX Runtime's own version, if it is on the class path (through reflection: it may not be). */
    private static String onnxRuntime() {
        try {
            Class<?> env = Class.forName("ai.onnxruntime.OrtEnvironment");
            Object e = env.getMethod("getEnvironment").invoke(null);
            return String.valueOf(env.getMethod("getVersion").invoke(e));
        } catch (ClassNotFoundException e) {
            return "not on the class path";
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return "unknown (" + e + ")";
        }
    }

    /** A key of a properties resource on the class path, or "unknown". */
    static String property(String resource, String key) {
        try (InputStream in = PeerVersions.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return "unknown (no " + resource + " on the class path)";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty(key);
            return v == null || v.isBlank() ? "unknown (" + resource + " has no " + key + ")" : v.trim();
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
