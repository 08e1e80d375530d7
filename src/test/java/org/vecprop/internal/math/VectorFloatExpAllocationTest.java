package org.vecprop.internal.math;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.vecprop.kernel.Simd;

/**
 * No vector escapes to the heap: once C2 has compiled a loop calling the vector exp, sigmoid or
 * tanh, the loop allocates nothing (bytes allocated by this thread, from
 * {@code com.sun.management.ThreadMXBean}, as in {@code org.vecprop.AllocationTest}). The
 * functions must be small enough for C2 to inline them into the caller's loop; otherwise every
 * vector argument and result would be boxed. Skipped where C2 does not compile Vector API code
 * (no module, C1 only) or the kernels do not use it.
 */
class VectorFloatExpAllocationTest {
    static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void compiledLoopsAllocateNothing() {
        Assumptions.assumeTrue(Simd.enabled(), "the Vector API is not in use in this run: " + Simd.description());
        int n = 1000; // not a multiple of the lane count: the padded tail runs too (it allocates, so it is left out)
        float[] in = ExpInputs.random(11, n), out = new float[n];
        StringBuilder report = new StringBuilder();
        for (ExpFunction fn : ExpFunction.values()) {
            long bytes = -1;
            int whole = VectorForm.PREFERRED.loopBound(n);
            for (int round = 0; round < 60 && bytes != 0; round++) {
                for (int i = 0; i < 300; i++) { // warm-up, C2 compiles meanwhile
                    run(fn, in, out, whole);
                }
                long before = THREADS.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 200; i++) {
                    run(fn, in, out, whole);
                }
                bytes = THREADS.getCurrentThreadAllocatedBytes() - before;
            }
            report.append(fn.label()).append(": ").append(bytes).append(" B over 200 calls\n");
            assertEquals(0, bytes, fn.label() + " still allocates after warm-up:\n" + report);
        }
        System.out.print("[vecprop] vector exp/sigmoid/tanh allocation after warm-up:\n" + report);
    }

    static void run(ExpFunction fn, float[] in, float[] out, int n) {
        switch (fn) {
            case EXP -> VectorForm.exp(in, out, n);
            case SIGMOID -> VectorForm.sigmoid(in, out, n);
            case TANH -> VectorForm.tanh(in, out, n);
        }
    }
}
