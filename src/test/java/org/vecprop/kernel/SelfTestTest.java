package org.vecprop.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The self-test passes on this JVM at this width, and fails, naming the kernel, when its oracle
 * is wrong by more than the documented bounds (and only then): a self-test that cannot fail
 * would prove nothing on a user's machine.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SelfTestTest {

    /** A short self-test with the given oracle: one warm-up round, few cases. */
    static SelfTest.Report quick(SelfTestOracle oracle) {
        return SelfTest.run(7, 30, oracle, 1, 1, ForkJoinPool.commonPool(), SelfTest.jitClock());
    }

    /** The tally lines of a report, kernel to failures, parsed back from its text. */
    static Map<String, Long> failuresByKernel(SelfTest.Report report) {
        Map<String, Long> m = new java.util.TreeMap<>();
        for (String line : report.text().split("\n")) {
            java.util.regex.Matcher x = java.util.regex.Pattern
                    .compile("^  (\\S+)\\s+(\\d+) checks, (\\d+) failed$").matcher(line);
            if (x.matches()) {
                m.put(x.group(1), Long.parseLong(x.group(3)));
            }
        }
        return m;
    }

    @Test
    void theSelfTestPassesOnThisJvm() {
        SelfTest.Report report = SelfTest.run();
        System.out.println(report);
        assertTrue(report.passed(), report.text());
        assertEquals(0, report.failed());
        assertTrue(report.checks() > 2000, report.checks() + " checks");
        assertTrue(report.text().startsWith("vecprop self-test: PASS, "), report.text());
        assertTrue(report.text().contains(Simd.description()), "the report names the path taken");
        assertTrue(report.text().contains("JDK: "), "and the machine's facts");
        assertEquals(16, failuresByKernel(report).size(), "every kernel entry point is checked");
    }

    @Test
    void aGemmOracleWrongByMoreThanTheBoundFailsGemmOnly() {
        SelfTest.Report report = quick(new SelfTestOracle() {
            @Override
            void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff,
                      int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
                super.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                if (m > 0 && n > 0 && k > 8) {   // one element off by a relative 2^-8
                    c[cOff] += Math.abs(c[cOff]) * 0x1p-8f + Float.MIN_NORMAL;
                }
            }
        });
        assertFalse(report.passed());
        Map<String, Long> failed = failuresByKernel(report);
        assertTrue(failed.get("Gemm.multiply") > 0, report.text());
        assertTrue(failed.get("Gemm.multiplyBiasActivation") > 0, report.text());
        assertEquals(0L, failed.get("Gemm.multiplyParallel"), "entry points are compared with each other");
        assertEquals(0L, failed.get("Relu.forward"));
        assertTrue(report.failures().get(0).startsWith("Gemm.multiply"), report.failures().get(0));
        assertTrue(report.text().contains("first failures:"), report.text());
    }

    @Test
    void aGemmOracleThatReadsCWhenBetaIsZeroFails() {
        // BLAS: beta == 0 means C is not read. The self-test fills C with NaN then, so an oracle
        // (or a kernel) that computes beta * c anyway shows.
        SelfTest.Report report = quick(new SelfTestOracle() {
            @Override
            void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff,
                      int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
                float[] old = c.clone();
                super.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        c[cOff + i * ldc + j] += beta * old[cOff + i * ldc + j];
                    }
                }
                if (beta != 0f) {   // only the beta == 0 case is wrong: undo the double count
                    super.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, old, cOff, ldc);
                    System.arraycopy(old, 0, c, 0, c.length);
                }
            }
        });
        assertFalse(report.passed());
        assertTrue(failuresByKernel(report).get("Gemm.multiply") > 0, report.text());
        assertTrue(report.failures().stream().anyMatch(f -> f.contains("beta 0.0") && f.contains("expected NaN")),
                report.text());
        assertTrue(report.failures().stream().noneMatch(f -> f.startsWith("Gemm.multiply:") && !f.contains("beta 0.0")),
                report.text());
    }

    @Test
    void aGemmOracleOffByOneUlpIsWithinTheBound() {
        // The bound is not so loose that anything passes (above), nor so tight that rounding fails.
        SelfTest.Report report = quick(new SelfTestOracle() {
            @Override
            void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff,
                      int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
                super.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        float v = c[cOff + i * ldc + j];
                        c[cOff + i * ldc + j] = Float.isFinite(v) ? Math.nextUp(v) : v;
                    }
                }
            }
        });
        assertEquals(0L, failuresByKernel(report).get("Gemm.multiply"), report.text());
    }

    @Test
    void wrongElementwiseOraclesFailTheirKernelsByName() {
        SelfTest.Report report = quick(new SelfTestOracle() {
            @Override
            void reluForward(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy) {
                for (int i = 0; i < rows; i++) {   // NaN mapped to 0: only special values show it
                    for (int j = 0; j < cols; j++) {
                        float v = x[xOff + i * ldx + j];
                        y[yOff + i * ldy + j] = v > 0 ? v : 0f;
                    }
                }
            }

            @Override
            float mseLoss(int rows, int cols, float[] p, int pOff, int ldp, float[] t, int tOff, int ldt) {
                return super.mseLoss(rows, cols, p, pOff, ldp, t, tOff, ldt) * (1 + 1e-5f);
            }

            @Override
            int deadColumns(int rows, int cols, float[] a, int aOff, int lda) {
                return super.deadColumns(rows, cols, a, aOff, lda) + (cols > 100 ? 1 : 0);
            }
        });
        assertFalse(report.passed());
        Map<String, Long> failed = failuresByKernel(report);
        assertTrue(failed.get("Relu.forward") > 0, report.text());
        assertTrue(failed.get("Mse.loss") > 0, report.text());
        assertTrue(failed.get("Stats.deadColumns") > 0, report.text());
        for (String ok : new String[] {"Relu.mask", "Relu.backward", "Mse.lossAndGradient", "Bias.add",
                                       "Update.sgd", "Stats.summarize", "Gemm.multiply"}) {
            assertEquals(0L, failed.get(ok), ok + "\n" + report.text());
        }
        assertEquals(report.failed(), failed.values().stream().mapToLong(Long::longValue).sum());
        assertTrue(report.failed() > 20, report.failed() + " failures");
        assertEquals(20, report.failures().size(), "the first 20 are described, the rest counted");
    }

    @Test
    void theWarmUpStopsWhenARoundAddsUnderOnePercentOfItsCompilationTime() {
        // A fake JIT clock: total compilation ms read before the warm-up and after each round.
        long[] clock = {5000, 6000, 6500, 6510, 6511, 6512};
        int[] reads = {0};
        java.util.function.LongSupplier fake = () -> clock[Math.min(reads[0]++, clock.length - 1)];
        SelfTest.Report r = SelfTest.run(7, 10, SelfTestOracle.REFERENCE, 2, 6, ForkJoinPool.commonPool(), fake);
        assertTrue(r.text().contains("warm-up: 3 rounds ("), r.text());   // +10 of 1510: under 1%
        assertTrue(r.text().contains("per round [1000, 500, 10] ms, quiet in the last round"), r.text());

        long[] busy = {0, 100, 200, 300, 400, 500, 600, 700};
        int[] at = {0};
        r = SelfTest.run(7, 10, SelfTestOracle.REFERENCE, 2, 4, ForkJoinPool.commonPool(),
                () -> busy[Math.min(at[0]++, busy.length - 1)]);
        assertTrue(r.text().contains("warm-up: 4 rounds ("), r.text());
        assertTrue(r.text().contains("[100, 100, 100, 100] ms, still compiling at the limit"), r.text());

        long[] quiet = {0, 1000, 1000, 1000};
        int[] q = {0};
        r = SelfTest.run(7, 10, SelfTestOracle.REFERENCE, 3, 6, ForkJoinPool.commonPool(),
                () -> quiet[Math.min(q[0]++, quiet.length - 1)]);
        assertTrue(r.text().contains("warm-up: 3 rounds ("), r.text() + "\n(at least minRounds)");

        r = SelfTest.run(7, 10, SelfTestOracle.REFERENCE, 1, 2, ForkJoinPool.commonPool(), null);
        assertTrue(r.text().contains("warm-up: 2 rounds (") && r.text().contains("does not report compilation time"),
                r.text());
        assertTrue(r.passed(), r.text());
    }

    @Test
    void theCommandLine() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(2, SelfTest.cli(new String[] {"--bogus"}, out));
        assertEquals(2, SelfTest.cli(new String[] {"--seed"}, out));
        assertEquals(2, SelfTest.cli(new String[] {"--cases", "many"}, out));
        assertTrue(bytes.toString(java.nio.charset.StandardCharsets.UTF_8)
                .startsWith("usage: SelfTest [--seed N] [--cases N] (unknown argument --bogus)"), bytes.toString());
        bytes.reset();
        assertEquals(0, SelfTest.cli(new String[] {"--seed", "3", "--cases", "6"}, out));
        String text = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.startsWith("vecprop self-test: PASS, ") && text.contains("(seed 3, "), text);
        // 15 fixed shapes in 4 transposes, and the 6 random problems asked for
        assertTrue(text.matches("(?s).*\\n  Gemm\\.multiply +66 checks, 0 failed\\n.*"), text);
    }

    @Test
    void theMachineFactsAreThisMachines() throws Exception {
        java.util.List<String> lines = MachineFacts.lines();
        assertTrue(lines.get(0).startsWith("CPU: ") && lines.get(1).startsWith("CPU vector flags: ")
                && lines.get(2).startsWith("JDK: ") && lines.get(3).startsWith("JVM arguments: ")
                && lines.get(4).startsWith("vectors: " + Simd.description()), String.join("\n", lines));
        assertTrue(lines.get(2).contains(System.getProperty("java.runtime.version")), lines.get(2));
        java.nio.file.Path cpuinfo = java.nio.file.Path.of("/proc/cpuinfo");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isReadable(cpuinfo), "not Linux");
        String model = null, flags = null;
        for (String line : java.nio.file.Files.readAllLines(cpuinfo)) {
            if (model == null && line.startsWith("model name")) {
                model = line.substring(line.indexOf(':') + 1).trim();
            }
            if (flags == null && (line.startsWith("flags") || line.startsWith("Features"))) {
                flags = " " + line.substring(line.indexOf(':') + 1).trim() + " ";
            }
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(model != null && flags != null, "an unusual /proc/cpuinfo");
        assertTrue(lines.get(0).startsWith("CPU: " + model + " ("), lines.get(0));
        String listed = lines.get(1).substring("CPU vector flags: ".length());
        for (String f : new String[] {"avx", "avx2", "fma", "avx512f", "avx512bw", "sse4_2", "asimd"}) {
            assertEquals(flags.contains(" " + f + " "), (" " + listed + " ").contains(" " + f + " "), f + " in " + listed);
        }
        assertFalse(listed.contains("mmx") || listed.contains("sse2 "), "only the vector flags that matter: " + listed);
    }

    @Test
    void aKernelOrOracleThatThrowsIsAFailureNotTheEnd() {
        SelfTest.Report report = quick(new SelfTestOracle() {
            @Override
            void sgd(int n, float[] w, int wOff, float[] g, int gOff, float[] v, int vOff, float lr,
                     float momentum, float weightDecay, boolean zeroGrad) {
                throw new ArrayIndexOutOfBoundsException("as a miscompiled loop might");
            }
        });
        assertFalse(report.passed());
        assertTrue(report.failures().stream().anyMatch(f -> f.startsWith("element-wise: threw "
                + "java.lang.ArrayIndexOutOfBoundsException: as a miscompiled loop might")), report.text());
        assertTrue(failuresByKernel(report).get("Gemm.multiply") == 0, "the other checks still ran");
    }
}
