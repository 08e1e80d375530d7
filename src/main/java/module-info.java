/**
 * vecprop: SIMD kernels for the arithmetic of backpropagation.
 *
 * <p>The Vector API is an optional dependency ({@code requires static}): without
 * {@code --add-modules jdk.incubator.vector} the library loads and runs every kernel on its
 * scalar reference path.
 */
module org.vecprop {
    requires java.management;

    exports org.vecprop.kernel;
    exports org.vecprop.reference;
    exports org.vecprop.nn;
    exports org.vecprop.io;
}
