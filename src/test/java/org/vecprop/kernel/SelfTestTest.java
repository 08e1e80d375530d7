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
        return SelfTest.run(7, 30, oracle, 1, 1, ForkJoinPool.commonPool());
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
