package org.vecprop.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The run settings every benchmark class in this package shares, written once: one thread-scoped
 * state per benchmark, average time in ns per operation, 3 warmup and 5 measurement iterations of
 * one second, one fork. A benchmark class gets them by extending this class.
 *
 * <p>Why inheritance works: in JMH 1.37, {@code @State}, {@code @BenchmarkMode},
 * {@code @OutputTimeUnit}, {@code @Warmup}, {@code @Measurement} and {@code @Fork} are all
 * {@code @Inherited}, and the annotation processor looks each one up on the benchmark method,
 * then on its class, then on the superclasses, taking the first it finds. A class that declares
 * one of them replaces that annotation whole (no field is merged with this one): that is how
 * {@link StreamingBenchmark} gets a larger heap and {@link InferenceLatency} sample-time mode in
 * microseconds. {@code META-INF/BenchmarkList} in {@code target/benchmarks.jar} shows the
 * settings each benchmark ended up with.
 *
 * <p>The forked JVM's arguments, each needed by some benchmark and harmless to the rest:
 * <ul>
 *   <li>{@code --add-modules jdk.incubator.vector}: vecprop's SIMD path (without it vecprop runs
 *       its scalar fallback);</li>
 *   <li>{@code -Xmx2g};</li>
 *   <li>{@code --enable-native-access=ALL-UNNAMED}: the native peers (OpenBLAS through JavaCPP,
 *       libtorch through DJL, ONNX Runtime) load JNI libraries, which JDK 24+ warns about
 *       otherwise;</li>
 *   <li>{@code --sun-misc-unsafe-memory-access=allow}: JMH itself uses {@code sun.misc.Unsafe},
 *       which JDK 24+ warns about otherwise;</li>
 *   <li>{@code -Dai.djl.offline=true}: DJL loads libtorch from the pytorch-native-cpu jar on the
 *       class path instead of downloading it; {@code -Dai.djl.pytorch.num_threads=1} and
 *       {@code -Dai.djl.pytorch.num_interop_threads=1}: libtorch on one thread, like every other
 *       implementation here. Only the benchmarks that use PyTorch read these properties; they
 *       check them.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g",
        "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
        "-Dai.djl.pytorch.num_interop_threads=1"})
public abstract class BenchmarkDefaults {
}
