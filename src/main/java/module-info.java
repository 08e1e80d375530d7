/**
 * vecprop: SIMD kernels for the arithmetic of backpropagation.
 *
 * <p>The Vector API ({@code jdk.incubator.vector}) is optional, and this descriptor does not
 * name it: no {@code requires}, not even {@code requires static}, because a descriptor that
 * names an incubator module makes javac warn "using incubating module(s)" when a modular
 * consumer is compiled against vecprop, which {@code -Werror} turns into a failure. The build
 * compiles the Vector API kernels with {@code --add-modules jdk.incubator.vector} and
 * {@code --add-reads org.vecprop=jdk.incubator.vector} instead. At run time the read edge is
 * added by the library itself, as Apache Lucene's vectorization provider does: when
 * {@code org.vecprop.internal.Vectorization} decides, once, whether SIMD is on, it looks for
 * {@code jdk.incubator.vector} in the boot layer and, if it is there and this module cannot
 * read it yet, calls {@link java.lang.Module#addReads}; only then does it touch a Vector API
 * class. So the Vector API kernels run only when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}. Without it the library loads, logs one line
 * saying why SIMD is off, and runs every kernel on its scalar path. On the class path vecprop is
 * in the unnamed module, which reads every module, and no edge needs adding.
 *
 * <p>{@code java.management} is read for the JVM's input arguments (to tell whether C2 is on,
 * and for the machine facts in the self-test's report) and for the JIT's compilation time (the
 * self-test's clock).
 */
module org.vecprop {
    requires java.management;

    exports org.vecprop.kernel;
    exports org.vecprop.selftest;
    exports org.vecprop.reference;
    exports org.vecprop.nn;
    exports org.vecprop.io;
}
