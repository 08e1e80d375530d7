package org.vecprop.internal.math;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.vecprop.kernel.Simd;

/**
 * No vector escapes to the heap: once C2 has compiled a loop calling the vector exp, sigmoid,
 * tanh, log or log1p, the loop allocates nothing (bytes allocated by this thread, from
 * {@code com.sun.management.ThreadMXBean}, as in {@code org.vecprop.AllocationTest}). The
 * functions must be small enough for C2 to inline them into the caller's loop; otherwise every
 * vector argument and result would be boxed. The loops use the kernels' species, as the kernels
 * will (see {@link VectorForm#SPECIES}). Skipped where C2 does not compile Vector API code
 * (no module, C1 only) or the kernels do not use it.
 */
class VectorFloatExpAllocationTest {
    static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void compiledLoopsAllocateNothing() {
        Assumptions.assumeTrue(Simd.enabled(), "the Vector API is not in use in this run: " + Simd.description());
        int n = 1000;
        float[] in = ExpInputs.random(11, n), out = new float[n];
        int whole = VectorForm.SPECIES.loopBound(n); // whole vectors only: the padded tail allocates
        // One Runnable per function, as in org.vecprop.AllocationTest: each loop is compiled in
        // its own lambda, where C2 inlines one function, as a kernel's loop would.
        Map<String, Runnable> ops = new LinkedHashMap<>();
        ops.put("exp", () -> VectorForm.exp(in, out, whole));
        ops.put("sigmoid", () -> VectorForm.sigmoid(in, out, whole));
        ops.put("tanh", () -> VectorForm.tanh(in, out, whole));
        ops.put("log", () -> VectorForm.log(in, out, whole));
        ops.put("log1p", () -> VectorForm.log1p(in, out, whole));
        StringBuilder report = new StringBuilder();
        for (Map.Entry<String, Runnable> op : ops.entrySet()) {
            // Rounds until one allocates nothing, for up to 30 s: the loop is cheap, so a fixed
            // number of rounds could end before C2 has compiled it when the compiler threads are
            // busy (late in the whole suite, on a loaded machine); the compiled code is the
            // subject here. (It takes about 10 rounds.)
            long bytes = -1;
            int rounds = 0;
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (bytes != 0 && System.nanoTime() < deadline) {
                for (int i = 0; i < 300; i++) { // warm-up, C2 compiles meanwhile
                    op.getValue().run();
                }
                long before = THREADS.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 200; i++) {
                    op.getValue().run();
                }
                bytes = THREADS.getCurrentThreadAllocatedBytes() - before;
                rounds++;
            }
            report.append(op.getKey()).append(": ").append(bytes).append(" B over 200 calls (round ")
                    .append(rounds).append(")\n");
            assertEquals(0, bytes, op.getKey() + " still allocates after warm-up:\n" + report);
        }
        System.out.print("[vecprop] vector exp/sigmoid/tanh/log/log1p allocation after warm-up:\n" + report);
    }
}
