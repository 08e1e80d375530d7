package org.vecprop.selftest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vecprop.kernel.Activation;
import org.vecprop.kernel.Bias;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.Mse;
import org.vecprop.kernel.Relu;
import org.vecprop.kernel.Simd;
import org.vecprop.kernel.Stats;
import org.vecprop.kernel.Update;

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
        assertEquals(23, failuresByKernel(report).size(), "every kernel entry point is checked (19, the 3 packed-B forms among them, + sigmoid and tanh, forward and backward)");
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
        assertTrue(report.failures().stream().allMatch(f -> !f.startsWith("Gemm.multiply: ")
                || f.matches("Gemm\\.multiply: .*: C\\[0\\]\\[0\\]: expected \\S+ \\+- \\S+, got \\S+")),
                report.text());
        assertTrue(report.text().contains("first failures:"), report.text());
    }

    @Test
    void aFailureNamesTheTransposesOfItsProblem() {
        SelfTest.Report report = quick(new SelfTestOracle() {
            @Override
            void gemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff,
                      int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
                super.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                if (ta && !tb && m > 0 && n > 0) {
                    c[cOff] = Float.NaN;
                }
            }
        });
        java.util.List<String> gemm = report.failures().stream().filter(f -> f.startsWith("Gemm.multiply: ")).toList();
        assertFalse(gemm.isEmpty(), report.text());
        assertTrue(gemm.stream().allMatch(f -> f.matches("Gemm\\.multiply: TN \\d+x\\d+x\\d+ alpha .*: C\\[0\\]\\[0\\]: "
                + "expected NaN, got .*")), String.join("\n", gemm));
        SelfTest.Report fused = SelfTest.run(7, 60, new SelfTestOracle() {
            boolean lastGemmWasNT;   // the fused check adds the bias right after its own GEMM

            @Override
            void gemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff,
                      int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
                super.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                lastGemmWasNT = !ta && tb && k > 0;
            }

            @Override
            void biasAdd(int rows, int cols, float[] x, int xOff, int ldx, float[] bias, int biasOff,
                         float[] y, int yOff, int ldy) {
                super.biasAdd(rows, cols, x, xOff, ldx, bias, biasOff, y, yOff, ldy);
                if (lastGemmWasNT && rows > 0 && cols > 0) {
                    y[yOff] = Float.NaN;
                }
                lastGemmWasNT = false;
            }
        }, 1, 1, ForkJoinPool.commonPool(), null);
        java.util.List<String> epilogue = fused.failures().stream()
                .filter(f -> f.startsWith("Gemm.multiplyBiasActivation: ")).toList();
        assertFalse(epilogue.isEmpty(), fused.text());
        assertTrue(epilogue.stream().allMatch(f -> f.startsWith("Gemm.multiplyBiasActivation: NT ")),
                String.join("\n", epilogue));
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
        assertTrue(report.failures().stream().anyMatch(f -> f.startsWith("Gemm.multiply:") && f.contains("beta 0.0")
                && !f.contains("with special values")), "found without special values in C: C is NaN-filled\n"
                + report.text());
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
    void wrongSigmoidAndTanhOraclesFailTheirKernelsByName() {
        // 2^-20 relative is 8 to 16 ulps: far outside the bounds, which are below 2 ulps.
        SelfTest.Report report = quick(new SelfTestOracle() {
            @Override
            double sigmoid(double x) {
                return super.sigmoid(x) * (1 + 0x1p-20);
            }

            @Override
            double tanhBackward(double a, double dy) {
                return super.tanhBackward(a, dy) * (1 + 0x1p-20);
            }
        });
        assertFalse(report.passed());
        Map<String, Long> failed = failuresByKernel(report);
        assertTrue(failed.get("Activation.SIGMOID.forward") > 0, report.text());
        assertTrue(failed.get("Activation.TANH.backward") > 0, report.text());
        assertTrue(report.failures().stream().anyMatch(f -> f.startsWith("Activation.SIGMOID.forward: ") && f.contains("ulps (bound ")),
                report.text());
        for (String ok : new String[] {"Activation.SIGMOID.backward", "Activation.TANH.forward", "Relu.forward", "Gemm.multiply"}) {
            assertEquals(0L, failed.get(ok), ok + "\n" + report.text());
        }
        SelfTest.Report right = quick(SelfTestOracle.REFERENCE);
        for (String kernel : new String[] {"Activation.SIGMOID.forward", "Activation.SIGMOID.backward", "Activation.TANH.forward", "Activation.TANH.backward"}) {
            assertEquals(0L, failuresByKernel(right).get(kernel), kernel + "\n" + right.text());
        }
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
        assertTrue(report.failures().stream().anyMatch(f -> f.startsWith("Relu.forward: ") && f.contains("with special values")
                && f.endsWith(", got NaN (bit-identical required)")), report.text());
        assertTrue(failed.get("Mse.loss") > 0, report.text());
        assertTrue(failed.get("Stats.deadColumns") > 0, report.text());
        for (String ok : new String[] {"Relu.mask", "Relu.backward", "Mse.lossAndGradient", "Bias.add",
                                       "Update.sgd", "Stats.summarize", "Gemm.multiply"}) {
            assertEquals(0L, failed.get(ok), ok + "\n" + report.text());
        }
        assertEquals(report.failed(), failed.values().stream().mapToLong(Long::longValue).sum());
        SelfTest.Report dead = quick(new SelfTestOracle() {
            @Override
            int deadColumns(int rows, int cols, float[] a, int aOff, int lda) {
                return super.deadColumns(rows, cols, a, aOff, lda) + (cols > 100 ? 1 : 0);
            }
        });
        assertTrue(dead.failures().get(0).matches("Stats\\.deadColumns: 1x1000 ld 100\\d: expected \\d+ dead columns,"
                + " got \\d+"), "the first grid over 100 columns, without special values: " + dead.text());
        assertTrue(report.failed() > 20, report.failed() + " failures");
        assertEquals(20, report.failures().size(), "the first 20 are described, the rest counted");
    }

    /** A fake JIT clock: the total compilation ms read before the warm-up and after each round. */
    static java.util.function.LongSupplier clock(long... readings) {
        int[] at = {0};
        return () -> readings[Math.min(at[0]++, readings.length - 1)];
    }

    static String warmUpLine(int minRounds, int maxRounds, java.util.function.LongSupplier jit) {
        SelfTest.Report r = SelfTest.run(7, 4, SelfTestOracle.REFERENCE, minRounds, maxRounds,
                ForkJoinPool.commonPool(), jit);
        assertTrue(r.passed(), r.text());
        return r.text().lines().filter(l -> l.startsWith("  warm-up: ")).findFirst().orElseThrow();
    }

    @Test
    void theWarmUpStopsWhenARoundAddsUnderOnePercentOfItsCompilationTime() {
        String line = warmUpLine(2, 6, clock(5000, 6000, 6500, 6510, 6511));   // +10 of 1510: under 1%
        // 3 rounds of (15 x 4 fixed GEMMs, 4 random GEMMs, 4 fused, 9 x 4 grids, 4 random grids)
        assertTrue(line.startsWith("  warm-up: 3 rounds of the checks' kernel calls without the oracle"
                + " (324 problems); JIT compilation time per round [1000, 500, 10] ms, quiet in the last round"), line);
        // Judged against the warm-up's own compilation, not the JVM's lifetime total (100000 here).
        line = warmUpLine(2, 6, clock(100_000, 101_000, 101_500, 101_510));
        assertTrue(line.contains(" 3 rounds ") && line.contains("[1000, 500, 10]"), line);
        // Exactly 1% is quiet.
        line = warmUpLine(2, 6, clock(0, 990, 1000));
        assertTrue(line.contains(" 2 rounds ") && line.contains("[990, 10] ms, quiet"), line);
        // Never quiet: the limit.
        line = warmUpLine(2, 4, clock(0, 100, 200, 300, 400, 500));
        assertTrue(line.contains(" 4 rounds ") && line.contains("[100, 100, 100, 100] ms, still compiling at the limit"),
                line);
        // Quiet at once: still the minimum.
        line = warmUpLine(3, 6, clock(0, 1000, 1000, 1000));
        assertTrue(line.contains(" 3 rounds ") && line.contains("[1000, 0, 0] ms, quiet"), line);
        // No clock: the limit, and it says so.
        line = warmUpLine(1, 2, null);
        assertTrue(line.contains(" 2 rounds ") && line.contains("this JVM does not report compilation time"), line);
    }

    @Test
    void theCommandLine() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(2, SelfTest.cli(new String[] {"--bogus"}, out, SelfTestOracle.REFERENCE));
        assertEquals(2, SelfTest.cli(new String[] {"--seed"}, out, SelfTestOracle.REFERENCE));
        assertEquals(2, SelfTest.cli(new String[] {"--cases"}, out, SelfTestOracle.REFERENCE));
        assertEquals(2, SelfTest.cli(new String[] {"--cases", "many"}, out, SelfTestOracle.REFERENCE));
        assertTrue(bytes.toString(java.nio.charset.StandardCharsets.UTF_8)
                .startsWith("usage: SelfTest [--seed N] [--cases N] (unknown argument --bogus)"), bytes.toString());
        bytes.reset();
        assertEquals(0, SelfTest.cli(new String[] {"--seed", "3", "--cases", "6"}, out, SelfTestOracle.REFERENCE));
        String text = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.startsWith("vecprop self-test: PASS, ") && text.contains("(seed 3, "), text);
        // 15 fixed shapes in 4 transposes and 6 random problems; 9 grids with 4 mixes of special
        // values and 6 random shapes
        for (String op : new String[] {"Gemm.multiply", "Gemm.multiply(workspace)", "Gemm.multiplyParallel",
                                       "Gemm.multiply(MemorySegment)", "Gemm.multiplyPacked",
                                       "Gemm.multiplyPackedParallel(workspace)",
                                       "Gemm.multiplyPacked(MemorySegment)"}) {
            assertTrue(text.matches("(?s).*\\n  " + java.util.regex.Pattern.quote(op) + " +66 checks, 0 failed\\n.*"),
                    op + "\n" + text);
        }
        assertTrue(text.matches("(?s).*\\n  Gemm\\.multiplyBiasActivation +6 checks, 0 failed\\n.*"), text);
        assertTrue(text.matches("(?s).*\\n  Relu\\.forward +42 checks, 0 failed\\n.*"), text);
        assertTrue(text.matches("(?s).*\\n  Stats\\.deadColumns +42 checks, 0 failed\\n.*"), text);
        java.util.regex.Matcher mse = java.util.regex.Pattern.compile("\\n  Mse\\.loss +(\\d+) checks").matcher(text);
        assertTrue(mse.find(), text);
        assertTrue(Integer.parseInt(mse.group(1)) <= 42 - 8, "the 2 empty grids in 4 mixes are not MSE checks: " + text);

        bytes.reset();
        assertEquals(1, SelfTest.cli(new String[] {"--cases", "3"}, out, new SelfTestOracle() {
            @Override
            int deadColumns(int rows, int cols, float[] a, int aOff, int lda) {
                return -1;
            }
        }), "a failed self-test exits 1");
        assertTrue(bytes.toString(java.nio.charset.StandardCharsets.UTF_8).startsWith("vecprop self-test: FAIL, "));
    }

    @Test
    void theReportedTimesAreSecondsOfThisRun() {
        long[] clock = {100, 200, 200};
        int[] at = {0};
        long t0 = System.nanoTime();
        SelfTest.Report r = SelfTest.run(7, 5, SelfTestOracle.REFERENCE, 1, 3, ForkJoinPool.commonPool(),
                () -> clock[Math.min(at[0]++, clock.length - 1)]);
        double wall = (System.nanoTime() - t0) / 1e9;
        java.util.regex.Matcher total = java.util.regex.Pattern.compile("\\(seed 7, ([0-9.]+) s\\)").matcher(r.text());
        java.util.regex.Matcher parts = java.util.regex.Pattern
                .compile("\\(([0-9.]+) s\\); checks ([0-9.]+) s, JIT time meanwhile 0 ms").matcher(r.text());
        assertTrue(total.find() && parts.find(), r.text());
        double seconds = Double.parseDouble(total.group(1)), warm = Double.parseDouble(parts.group(1)),
                checks = Double.parseDouble(parts.group(2));
        assertTrue(seconds <= wall + 0.1 && warm + checks <= seconds + 0.15 && warm <= wall && checks <= wall,
                "total " + seconds + ", warm-up " + warm + ", checks " + checks + ", measured " + wall);
        assertTrue(r.text().contains("warm-up: 2 rounds of the checks' kernel calls"), r.text());
        java.util.function.LongSupplier jit = SelfTest.jitClock();
        assertTrue(jit != null, "HotSpot reports compilation time");
        long before = jit.getAsLong();
        assertTrue(before > 0 && jit.getAsLong() >= before, "a clock of total compilation time");
    }

    /** {@code |alpha| sum_p |a_ip b_pj| + |beta c_ij|}: computed here apart from the code under test. */
    static double gemmMagnitude(boolean ta, boolean tb, int k, float alpha, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb, int i, int j, float beta, float cij) {
        double sum = 0;
        for (int p = 0; p < k && alpha != 0f; p++) {
            double prod = Math.abs((double) (ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p])
                    * (tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j]));
            sum += Double.isFinite(prod) ? prod : 0;
        }
        double c = beta == 0f ? 0 : Math.abs((double) beta * cij);
        return Math.abs(alpha) * sum + (Double.isFinite(c) ? c : 0);
    }

    /** An oracle whose GEMM is off by {@code fraction} of the documented bound, upwards. */
    static SelfTestOracle gemmOffBy(double fraction) {
        return new SelfTestOracle() {
            @Override
            void gemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff,
                      int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
                float[] old = c.clone();
                super.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        int at = cOff + i * ldc + j;
                        double bound = (2.0 * k + 5) * (0x1p-24 * gemmMagnitude(ta, tb, k, alpha, a, aOff, lda,
                                b, bOff, ldb, i, j, beta, old[at]) + 0x1p-150 * (1 + Math.abs(alpha)));
                        c[at] = (float) (c[at] + fraction * bound);
                    }
                }
            }
        };
    }

    @Test
    void theGemmBoundIsTheDocumentedOneNotLooserNorTighter() {
        SelfTest.Report inside = quick(gemmOffBy(0.25));
        assertEquals(0L, failuresByKernel(inside).get("Gemm.multiply"), "a quarter of the bound off: " + inside.text());
        assertEquals(0L, failuresByKernel(inside).get("Gemm.multiplyBiasActivation"), inside.text());
        SelfTest.Report outside = quick(gemmOffBy(1.5));
        assertTrue(failuresByKernel(outside).get("Gemm.multiply") > 0, "1.5 times the bound off: " + outside.text());
        // Every problem fails, so the first 20 failures are the first five fixed shapes, each in
        // four transposes, in order: no problem slipped through a bound computed too loose.
        java.util.List<String> expectedOrder = new java.util.ArrayList<>();
        for (String shape : new String[] {"1x2x2", "4x4x4", "1x1x65", "2x64x64", "3x100x100"}) {
            for (String t : new String[] {"NN", "NT", "TN", "TT"}) {
                expectedOrder.add("Gemm.multiply: " + t + " " + shape + " ");
            }
        }
        for (int i = 0; i < 20; i++) {
            assertTrue(outside.failures().get(i).startsWith(expectedOrder.get(i)),
                    "failure " + i + ": " + outside.failures().get(i));
        }
        assertTrue(failuresByKernel(outside).get("Gemm.multiplyBiasActivation") > 0, outside.text());
    }

    @Test
    void theFusedEpilogueBoundIsTheDocumentedOne() {
        // The oracle's bias add (as the fused check composes it) off by a fraction of the fused bound.
        for (double fraction : new double[] {0.25, 1.5}) {
            SelfTest.Report r = quick(new SelfTestOracle() {
                double[] gemmBound;   // of the last GEMM, per element of C

                @Override
                void gemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff,
                          int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
                    gemmBound = new double[c.length];
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            gemmBound[cOff + i * ldc + j] = (2.0 * k + 5) * (0x1p-24 * gemmMagnitude(ta, tb, k, alpha,
                                    a, aOff, lda, b, bOff, ldb, i, j, beta, c[cOff + i * ldc + j])
                                    + 0x1p-150 * (1 + Math.abs(alpha)));
                        }
                    }
                    super.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                }

                @Override
                void biasAdd(int rows, int cols, float[] x, int xOff, int ldx, float[] bias, int biasOff,
                             float[] y, int yOff, int ldy) {
                    float[] z = x.clone();
                    super.biasAdd(rows, cols, x, xOff, ldx, bias, biasOff, y, yOff, ldy);
                    if (gemmBound == null) {
                        return;   // the element-wise Bias.add check: the oracle as it is
                    }
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < cols; j++) {
                            int at = yOff + i * ldy + j;
                            float zij = z[xOff + i * ldx + j];
                            double tol = gemmBound[at] * (1 + 0x1p-24) + 2 * 0x1p-24 * ((Float.isFinite(zij)
                                    ? Math.abs(zij) : 0) + (Float.isFinite(bias[biasOff + j]) ? Math.abs(bias[biasOff + j]) : 0))
                                    + 2 * 0x1p-150;
                            y[at] = (float) (y[at] + fraction * tol);
                        }
                    }
                    gemmBound = null;
                }
            });
            long failed = failuresByKernel(r).get("Gemm.multiplyBiasActivation");
            if (fraction < 1) {
                assertEquals(0L, failed, "a quarter of the fused bound off: " + r.text());
            } else {
                assertTrue(failed > 0, "1.5 times the fused bound off: " + r.text());
            }
        }
    }

    @Test
    void theMseAndSummaryBoundsAreTheDocumentedOnes() {
        for (double fraction : new double[] {0.25, 1.5}) {
            SelfTest.Report r = quick(new SelfTestOracle() {
                @Override
                float mseLoss(int rows, int cols, float[] p, int pOff, int ldp, float[] t, int tOff, int ldt) {
                    float loss = super.mseLoss(rows, cols, p, pOff, ldp, t, tOff, ldt);
                    return (float) (loss * (1 + fraction * 40 * 0x1p-24));
                }

                @Override
                float mseLossAndGradient(int rows, int cols, float[] p, int pOff, int ldp, float[] t, int tOff,
                                         int ldt, float[] g, int gOff, int ldg) {
                    float loss = super.mseLossAndGradient(rows, cols, p, pOff, ldp, t, tOff, ldt, g, gOff, ldg);
                    return (float) (loss * (1 + fraction * 40 * 0x1p-24));
                }

                @Override
                void summarize(int rows, int cols, float[] x, int xOff, int ldx, double[] out) {
                    super.summarize(rows, cols, x, xOff, ldx, out);
                    int lanes = Math.max(1, Simd.vectorBits() / 32);
                    out[Stats.SUM_SQUARES] *= 1 + fraction * ((double) cols / lanes + lanes) * 0x1p-24;
                }
            });
            Map<String, Long> failed = failuresByKernel(r);
            if (fraction < 1) {
                assertEquals(0L, failed.get("Mse.loss"), r.text());
                assertEquals(0L, failed.get("Mse.lossAndGradient"), r.text());
                assertEquals(0L, failed.get("Stats.summarize"), r.text());
            } else {
                assertTrue(failed.get("Mse.loss") > 0, r.text());
                assertTrue(failed.get("Mse.lossAndGradient") > 0, r.text());
                assertTrue(failed.get("Stats.summarize") > 0, r.text());
            }
        }
        SelfTest.Report counts = quick(new SelfTestOracle() {
            @Override
            void summarize(int rows, int cols, float[] x, int xOff, int ldx, double[] out) {
                super.summarize(rows, cols, x, xOff, ldx, out);
                out[Stats.NAN_COUNT]++;
            }
        });
        assertTrue(failuresByKernel(counts).get("Stats.summarize") > 0, counts.text());
    }

    @Test
    void theMachineFactsAreThisMachines() throws Exception {
        java.util.List<String> lines = MachineFacts.lines();
        assertTrue(lines.get(0).startsWith("CPU: ") && lines.get(1).startsWith("CPU vector flags: ")
                && lines.get(2).startsWith("JDK: ") && lines.get(3).startsWith("JVM arguments: ")
                && lines.get(4).startsWith("vectors: " + Simd.description()), String.join("\n", lines));
        assertTrue(lines.get(2).contains(System.getProperty("java.runtime.version")), lines.get(2));
        java.util.List<String> args = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
        assertEquals("JVM arguments: " + (args.isEmpty() ? "(none)" : String.join(" ", args)), lines.get(3));
        assertEquals(Simd.enabled(), lines.get(4).contains("the JVM's preferred float species"), lines.get(4));
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

    // ------------------------------------------------------------------ the bounds, to the float

    /** Checks that compare, with {@code oracle}, on the generator's stream of {@code seed}. */
    static SelfTestChecks checks(SelfTestOracle oracle, long seed) {
        return new SelfTestChecks(oracle, seed, ForkJoinPool.commonPool(), true);
    }

    /**
     * The float nearest {@code v} from above that is still within the bound of {@code v}, or
     * (if {@code outside}) the next float up, just past it: the largest e with
     * {@code e - v <= tolAt(e)} (the bound may depend on the expected value itself, as the MSE
     * and fused bounds do). NaN if that is not a finite float.
     */
    static float edge(float v, java.util.function.DoubleUnaryOperator tolAt, boolean outside) {
        float e = (float) (v + tolAt.applyAsDouble(v));
        if (!Float.isFinite(e) || !Float.isFinite(Math.nextUp(e))) {
            return Float.NaN;
        }
        while (e > v && (double) e - v > tolAt.applyAsDouble(e)) {
            e = Math.nextDown(e);
        }
        while ((double) Math.nextUp(e) - v <= tolAt.applyAsDouble(Math.nextUp(e))) {
            e = Math.nextUp(e);
        }
        return outside ? Math.nextUp(e) : e;
    }

    /** The fixed problem mix of the bound tests: shapes, alpha and beta pairs, special values. */
    static final int[][] EDGE_SHAPES = {{1, 1, 1}, {3, 5, 2}, {9, 17, 33}, {20, 40, 70}};
    static final float[][] EDGE_ALPHA_BETA = {{1.75f, 0f}, {-1f, 1f}, {0.5f, 2f}, {0f, -1f}, {1f, 0.5f}};
    /** None; a few; every element special (NaN, infinities, zeros, subnormals, MIN_NORMAL), where the subnormal term of the bound is all there is. */
    static final int[] EDGE_SPECIALS = {0, 30, 1000};

    /**
     * A GEMM oracle that answers the kernel's own result moved up to the edge of the documented
     * bound {@code (2k + 5) (2^-24 (|alpha| sum|a b| + |beta c|) + 2^-150 (1 + |alpha|))}: the
     * last float within it, or the first past it. Elements the reference has non-finite stay
     * the reference's. Counts the problems with a moved element.
     */
    static final class GemmAtTheEdge extends SelfTestOracle {
        final boolean outside;
        int moved;
        /** Problems with a moved element whose bound is mostly the subnormal term. */
        int movedWhereSubnormalsDominate;

        GemmAtTheEdge(boolean outside) {
            this.outside = outside;
        }

        @Override
        void gemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                  float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
            float[] old = c.clone(), kernel = c.clone();
            super.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            Gemm.multiply(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, kernel, cOff, ldc);
            boolean any = false, subnormal = false;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int at = cOff + i * ldc + j;
                    double magnitude = gemmMagnitude(ta, tb, k, alpha, a, aOff, lda, b, bOff, ldb, i, j, beta, old[at]);
                    double bound = (2.0 * k + 5) * (0x1p-24 * magnitude + 0x1p-150 * (1 + Math.abs(alpha)));
                    float e = edge(kernel[at], x -> bound, outside);
                    if (Float.isFinite(c[at]) && Float.isFinite(kernel[at]) && !Float.isNaN(e)) {
                        c[at] = e;
                        any = true;
                        subnormal |= 0x1p-24 * magnitude < 0x1p-150 * (1 + Math.abs(alpha));
                    }
                }
            }
            moved += any ? 1 : 0;
            movedWhereSubnormalsDominate += subnormal ? 1 : 0;
        }
    }

    @Test
    void theGemmBoundHoldsToTheFloatFromBothSides() {
        // Pins (2k + 5) (2^-24 (|alpha| sum|a b| + |beta c|) + 2^-150 (1 + |alpha|)), subnormal
        // term included (every element special: products of subnormals, C up to MIN_NORMAL):
        // an oracle at the last float within it passes, one at the next float fails, in every
        // problem where it moved an element.
        for (boolean outside : new boolean[] {false, true}) {
            GemmAtTheEdge oracle = new GemmAtTheEdge(outside);
            SelfTestChecks c = checks(oracle, 11);
            int problems = 0;
            for (int[] s : EDGE_SHAPES) {
                for (float[] ab : EDGE_ALPHA_BETA) {
                    for (int specials : EDGE_SPECIALS) {
                        for (int t = 0; t < 4; t++) {
                            c.gemm((t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], ab[0], ab[1], specials);
                            problems++;
                        }
                    }
                }
            }
            long failed = c.tally.get("Gemm.multiply")[1];
            assertEquals(problems, c.tally.get("Gemm.multiply")[0]);
            // (every-element-special problems are often NaN throughout: nothing to move)
            assertTrue(oracle.moved > problems / 2, oracle.moved + " of " + problems + " problems moved");
            assertTrue(oracle.movedWhereSubnormalsDominate > 20, oracle.movedWhereSubnormalsDominate
                    + " problems moved where the subnormal term dominates");
            assertEquals(outside ? oracle.moved : 0, failed, (outside ? "just past" : "just within") + " the bound: "
                    + String.join("\n", c.failures));
        }
    }

    /**
     * The fused oracle (GEMM, then bias add, then ReLU, as the check composes it) whose last
     * step answers the fused kernel's own result moved to the edge of the documented fused
     * bound: {@code gemmBound (1 + 2^-24) + 2 * 2^-24 (|z| + |bias|) + 2 * 2^-150}, z the
     * oracle's GEMM result (for a plain product, the answer itself).
     */
    static final class FusedAtTheEdge extends SelfTestOracle {
        final boolean outside, withBias, relu;
        int moved;
        private boolean ta, tb;
        private int m, n, k, lda, ldb, ldc;
        private float alpha, beta;
        private float[] a, b, old, gemmOnly, bias;

        FusedAtTheEdge(boolean outside, boolean withBias, boolean relu) {
            this.outside = outside;
            this.withBias = withBias;
            this.relu = relu;
        }

        @Override
        void gemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                  float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
            assertEquals(0, aOff + bOff + cOff, "the fused check's layout");
            this.ta = ta;
            this.tb = tb;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.beta = beta;
            this.a = a;
            this.b = b;
            this.lda = lda;
            this.ldb = ldb;
            this.ldc = ldc;
            this.old = c.clone();
            this.bias = null;
            super.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            gemmOnly = c.clone();
            if (!withBias && !relu) {
                toTheEdge(c);
            }
        }

        @Override
        void biasAdd(int rows, int cols, float[] x, int xOff, int ldx, float[] bias, int biasOff,
                     float[] y, int yOff, int ldy) {
            super.biasAdd(rows, cols, x, xOff, ldx, bias, biasOff, y, yOff, ldy);
            this.bias = bias;
            if (!relu) {
                toTheEdge(y);
            }
        }

        @Override
        void reluForward(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy) {
            super.reluForward(rows, cols, x, xOff, ldx, y, yOff, ldy);
            toTheEdge(y);
        }

        private void toTheEdge(float[] y) {
            float[] kernel = old.clone();
            Gemm.multiplyBiasActivation(ta, tb, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, kernel, 0, ldc,
                    bias, 0, relu ? Activation.RELU : Activation.IDENTITY);
            boolean any = false;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int at = i * ldc + j;
                    double gemmBound = (2.0 * k + 5) * (0x1p-24 * gemmMagnitude(ta, tb, k, alpha, a, 0, lda, b, 0, ldb,
                            i, j, beta, old[at]) + 0x1p-150 * (1 + Math.abs(alpha)));
                    double bj = bias != null && Float.isFinite(bias[j]) ? Math.abs(bias[j]) : 0;
                    float z = gemmOnly[at];
                    boolean plain = !withBias && !relu;   // then z is the answer itself
                    java.util.function.DoubleUnaryOperator tol = e -> gemmBound * (1 + 0x1p-24)
                            + 2 * 0x1p-24 * ((plain ? Math.abs(e) : Float.isFinite(z) ? Math.abs(z) : 0) + bj)
                            + 2 * 0x1p-150;
                    float e = edge(kernel[at], tol, outside);
                    if (Float.isFinite(y[at]) && Float.isFinite(kernel[at]) && !Float.isNaN(e)
                            && (plain || Float.isFinite(z))) {
                        y[at] = e;
                        any = true;
                    }
                }
            }
            moved += any ? 1 : 0;
        }
    }

    @Test
    void theFusedBoundHoldsToTheFloatFromBothSides() {
        // Pins the fused bound gemmBound (1 + 2^-24) + 2 * 2^-24 (|z| + |bias|) + 2 * 2^-150,
        // with and without bias and ReLU: the last float within passes, the next one fails.
        for (boolean withBias : new boolean[] {false, true}) {
            for (boolean relu : new boolean[] {false, true}) {
                for (boolean outside : new boolean[] {false, true}) {
                    FusedAtTheEdge oracle = new FusedAtTheEdge(outside, withBias, relu);
                    SelfTestChecks c = checks(oracle, 12);
                    int problems = 0;
                    for (int[] s : EDGE_SHAPES) {
                        for (float[] ab : EDGE_ALPHA_BETA) {
                            for (int specials : EDGE_SPECIALS) {
                                for (int t = 0; t < 4; t++) {
                                    c.gemmFused((t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], ab[0], ab[1],
                                            withBias, relu, specials);
                                    problems++;
                                }
                            }
                        }
                    }
                    String what = (outside ? "just past" : "just within") + " the bound, bias " + withBias
                            + ", relu " + relu;
                    assertTrue(oracle.moved > problems / 2, what + ": " + oracle.moved + " of " + problems + " moved");
                    assertEquals(outside ? oracle.moved : 0, c.tally.get("Gemm.multiplyBiasActivation")[1],
                            what + ": " + String.join("\n", c.failures));
                }
            }
        }
    }

    /** Element-wise shapes for the bound tests: tails, several rows, a long row. */
    static final int[][] EDGE_GRIDS = {{1, 1}, {1, 17}, {3, 35}, {64, 64}, {7, 130}, {1, 1000}};

    @Test
    void theMseLossBoundHoldsToTheFloatFromBothSides() {
        // Pins "Mse.loss: within 40 * 2^-24 relative" (of the expected loss): an oracle answering
        // the kernel's loss moved to the last float within it passes, to the next one fails.
        for (boolean outside : new boolean[] {false, true}) {
            java.util.function.DoubleUnaryOperator tol = e -> 40 * 0x1p-24 * Math.abs(e);
            SelfTestChecks c = checks(new SelfTestOracle() {
                @Override
                float mseLoss(int rows, int cols, float[] p, int pOff, int ldp, float[] t, int tOff, int ldt) {
                    return edge(Mse.loss(rows, cols, p, pOff, ldp, t, tOff, ldt), tol, outside);
                }

                @Override
                float mseLossAndGradient(int rows, int cols, float[] p, int pOff, int ldp, float[] t, int tOff,
                                         int ldt, float[] g, int gOff, int ldg) {
                    super.mseLossAndGradient(rows, cols, p, pOff, ldp, t, tOff, ldt, g, gOff, ldg);
                    float loss = Mse.lossAndGradient(rows, cols, p, pOff, ldp, t, tOff, ldt, g.clone(), gOff, ldg);
                    return edge(loss, tol, outside);
                }
            }, 13);
            for (int[] g : EDGE_GRIDS) {
                c.elementwise(g[0], g[1], 0);
            }
            long[] loss = c.tally.get("Mse.loss"), both = c.tally.get("Mse.lossAndGradient");
            assertEquals(EDGE_GRIDS.length, loss[0]);
            assertEquals(outside ? loss[0] : 0, loss[1], String.join("\n", c.failures));
            assertEquals(outside ? both[0] : 0, both[1], String.join("\n", c.failures));
        }
    }

    /** The float ulp of {@code v}'s binade, as the smooth-activation bounds count them. */
    static double ulpOfBinade(double v) {
        return Math.scalb(1.0, Math.max(Float.MIN_EXPONENT, Math.getExponent(v)) - 23);
    }

    /**
     * An exact value {@code ulps} float ulps from {@code got}, in the same binade (towards the
     * binade's middle); {@code got} itself if it is 0, subnormal or not finite.
     */
    static double offBy(float got, double ulps) {
        if (!Float.isFinite(got) || Math.abs(got) < Float.MIN_NORMAL) {
            return got;
        }
        double u = ulpOfBinade(got), mid = 1.5 * Math.scalb(1.0, Math.getExponent(got));
        return got + Math.signum(got) * (Math.abs(got) >= mid ? -1 : 1) * ulps * u;
    }

    /**
     * A sigmoid and tanh oracle whose "exact" value is the kernel's own result for that input
     * moved by {@code factor} times the bound documented for it (sigmoid 0.86 ulp for
     * {@code x >= 0}, 1.92 below; tanh 1.1 for {@code |x| < 0.625}, 1.0 beyond), where
     * {@code where} holds, and the kernel's result elsewhere.
     */
    static SelfTestOracle smoothAtFactor(double factor, java.util.function.DoublePredicate where) {
        return new SelfTestOracle() {
            @Override
            double sigmoid(double x) {
                float[] y = new float[1];
                Activation.SIGMOID.forward(1, 1, new float[] {(float) x}, 0, 1, y, 0, 1);
                return where.test(x) ? offBy(y[0], factor * (x >= 0 ? 0.86 : 1.92)) : y[0];
            }

            @Override
            double tanh(double x) {
                float[] y = new float[1];
                Activation.TANH.forward(1, 1, new float[] {(float) x}, 0, 1, y, 0, 1);
                return where.test(x) ? offBy(y[0], factor * (Math.abs(x) < 0.625 ? 1.1 : 1.0)) : y[0];
            }
        };
    }

    /** Sigmoid and tanh forward failures of the grids at 3% special values (zeros among them). */
    static long[] smoothFailures(SelfTestOracle oracle) {
        SelfTestChecks c = checks(oracle, 14);
        for (int[] g : EDGE_GRIDS) {
            c.elementwise(g[0], g[1], 30);
        }
        assertEquals(0L, c.tally.get("Activation.SIGMOID.backward")[1] + c.tally.get("Activation.TANH.backward")[1], "backward untouched");
        return new long[] {c.tally.get("Activation.SIGMOID.forward")[1], c.tally.get("Activation.TANH.forward")[1]};
    }

    @Test
    void theSigmoidAndTanhUlpBoundsAreTheDocumentedOnesRegionByRegion() {
        // 97% of each input's documented bound everywhere: passes.
        assertArrayEquals(new long[] {0, 0}, smoothFailures(smoothAtFactor(0.97, x -> true)));
        // 103% of it only at x = +-0, which belongs to sigmoid's x >= 0 region (0.86 ulp, not
        // 1.92): sigmoid fails (tanh at 0 is 0, nothing to move).
        long[] atZero = smoothFailures(smoothAtFactor(1.03, x -> x == 0));
        assertTrue(atZero[0] > 0 && atZero[1] == 0, java.util.Arrays.toString(atZero));
        // 103% only where |x| < 0.625 (tanh's 1.1-ulp region), then only beyond (1.0): each fails.
        assertTrue(smoothFailures(smoothAtFactor(1.03, x -> Math.abs(x) < 0.625))[1] > 0);
        assertTrue(smoothFailures(smoothAtFactor(1.03, x -> Math.abs(x) >= 0.625))[1] > 0);
        // 103% only for negative x: sigmoid's 1.92 region fails.
        assertTrue(smoothFailures(smoothAtFactor(1.03, x -> x < 0))[0] > 0);
    }

    /**
     * Tanh.forward failures when every element-wise input is {@code x} before the check's
     * random scaling (so a quarter of the smooth-activation inputs are exactly {@code x}) and
     * the oracle's tanh is the kernel's own result moved 1.05 ulps where the input is {@code x}.
     * The inputs are set through the only hook the check offers: the oracle's ReLU is handed the
     * very input array that the sigmoid and tanh checks then scale and use.
     */
    static long tanhFailuresAt(float x) {
        SelfTestChecks c = checks(new SelfTestOracle() {
            @Override
            void reluForward(int rows, int cols, float[] in, int xOff, int ldx, float[] y, int yOff, int ldy) {
                java.util.Arrays.fill(in, x);
                super.reluForward(rows, cols, in, xOff, ldx, y, yOff, ldy);
            }

            @Override
            double tanh(double xi) {
                float[] y = new float[1];
                Activation.TANH.forward(1, 1, new float[] {(float) xi}, 0, 1, y, 0, 1);
                return xi == x ? offBy(y[0], 1.05) : y[0];
            }
        }, 17);
        c.elementwise(7, 130, 0);
        return c.tally.get("Activation.TANH.forward")[1];
    }

    @Test
    void tanhsLooserBoundEndsJustBelowFiveEighths() {
        // Documented: tanh within 1.1 ulps for |x| < 0.625, 1.0 beyond. An error of 1.05 ulps
        // passes just below 0.625 and fails at 0.625 itself.
        assertEquals(0L, tanhFailuresAt(Math.nextDown(0.625f)));
        assertEquals(1L, tanhFailuresAt(0.625f));
        assertEquals(1L, tanhFailuresAt(-0.625f));
    }

    @Test
    void anErrorOfExactlyTheBoundIsWithinIt() {
        // "within {@code bound} float ulps": err <= bound. 1 + 2^-23 is exactly 1 ulp from 1.
        assertEquals(null, SelfTestChecks.ulpsProblem("x", Math.nextUp(1f), 1.0, 1.0));
        assertTrue(SelfTestChecks.ulpsProblem("x", Math.nextUp(1f), 1.0, 0.999)
                .equals("x: got 1.0000001, exact 1.0, 1.0 ulps (bound 0.999)"));
        // Below the normal range the ulp is 2^-149: 3 of them from 2^-140.
        assertEquals(null, SelfTestChecks.ulpsProblem("x", 3 * Float.MIN_VALUE, 0, 3.0));
        assertTrue(SelfTestChecks.ulpsProblem("x", 3 * Float.MIN_VALUE, 0, 2.99) != null);
    }

    @Test
    void theSmoothActivationsAreCheckedFromTheLinearPartToTheEndsOfExpsRange() {
        // SMOOTH_SCALES spreads the inputs over |x| < 1, the bend, saturation and e^x's range
        // ends (|x| up to 120, where e^-x underflows): the oracle must be asked about all.
        double[] maxAbs = {0}, minAbs = {Double.MAX_VALUE};
        SelfTestChecks c = checks(new SelfTestOracle() {
            @Override
            double sigmoid(double x) {
                if (Double.isFinite(x) && x != 0) {
                    maxAbs[0] = Math.max(maxAbs[0], Math.abs(x));
                    minAbs[0] = Math.min(minAbs[0], Math.abs(x));
                }
                return super.sigmoid(x);
            }
        }, 15);
        c.elementwise(64, 64, 0);
        assertTrue(maxAbs[0] > 100 && minAbs[0] < 0.01, "inputs from " + minAbs[0] + " to " + maxAbs[0]);
        assertEquals(0L, c.failed);
    }

    @Test
    void aWriteJustOutsideTheWindowIsReported() {
        // Sigmoid and tanh (forward and backward) must leave everything outside rows x cols of
        // the ld-strided output alone: a change in the column just past the window, or in the
        // row just below it, is reported with its element; a change inside is not this check's.
        int rows = 2, cols = 3, ld = 5;
        float[] before = new float[rows * ld + ld];
        for (int i = 0; i < before.length; i++) {
            before[i] = i;
        }
        assertEquals(null, SelfTestChecks.outsideUntouched(rows, cols, ld, before, before.clone()));
        float[] inside = before.clone();
        inside[1 * ld + 2] = -1;
        assertEquals(null, SelfTestChecks.outsideUntouched(rows, cols, ld, before, inside), "row 1, column 2 is inside");
        float[] pastColumn = before.clone();
        pastColumn[1 * ld + 3] = -1;
        assertEquals("element 8 outside the window changed from 8.0 to -1.0",
                SelfTestChecks.outsideUntouched(rows, cols, ld, before, pastColumn));
        float[] pastRow = before.clone();
        pastRow[2 * ld] = -1;
        assertEquals("element 10 outside the window changed from 10.0 to -1.0",
                SelfTestChecks.outsideUntouched(rows, cols, ld, before, pastRow));
        float[] first = before.clone();
        first[3] = Float.NaN;
        assertEquals("element 3 outside the window changed from 3.0 to NaN",
                SelfTestChecks.outsideUntouched(rows, cols, ld, before, first));
    }

    @Test
    void aFailureSaysWhetherItsProblemHadSpecialValues() {
        SelfTestOracle wrongAt00 = new SelfTestOracle() {
            @Override
            void gemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff,
                      int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
                super.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                c[cOff] = Float.isNaN(c[cOff]) ? 0f : Float.NaN;
            }
        };
        SelfTestChecks plain = checks(wrongAt00, 16), special = checks(wrongAt00, 16);
        plain.gemm(false, false, 3, 4, 5, 1f, 1f, 0);
        special.gemm(false, false, 3, 4, 5, 1f, 1f, 30);
        assertEquals(1, plain.failures.size());
        assertTrue(plain.failures.get(0).startsWith("Gemm.multiply: NN 3x4x5 alpha 1.0 beta 1.0: C[0][0]: "),
                plain.failures.get(0));
        assertTrue(special.failures.get(0).startsWith("Gemm.multiply: NN 3x4x5 alpha 1.0 beta 1.0 with special values: "),
                special.failures.get(0));
    }

    @Test
    void theChecksDrawEveryDocumentedAlphaBetaAndRate() {
        // docs/self-test.md: alpha and beta including 0, special values in the random GEMMs; the
        // SGD check draws its learning rate, momentum and decay from the documented sets.
        java.util.Set<Float> alphas = new java.util.TreeSet<>(), betas = new java.util.TreeSet<>(),
                rates = new java.util.TreeSet<>(), momenta = new java.util.TreeSet<>(), decays = new java.util.TreeSet<>();
        boolean[] specialsInGemm = {false};
        quick(new SelfTestOracle() {
            @Override
            void gemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff,
                      int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
                alphas.add(alpha);
                betas.add(beta);
                for (float v : a) {
                    specialsInGemm[0] |= !Float.isFinite(v);
                }
                super.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            }

            @Override
            void sgd(int n, float[] w, int wOff, float[] g, int gOff, float[] v, int vOff, float lr,
                     float momentum, float weightDecay, boolean zeroGrad) {
                rates.add(lr);
                momenta.add(momentum);
                decays.add(weightDecay);
                super.sgd(n, w, wOff, g, gOff, v, vOff, lr, momentum, weightDecay, zeroGrad);
            }
        });
        assertEquals(java.util.Set.of(1f, -1f, 0.5f, 1.75f, 0f), alphas);
        assertEquals(java.util.Set.of(0f, 1f, -1f, 0.5f, 2f), betas);
        assertTrue(specialsInGemm[0], "some random GEMM has NaN or infinities");
        assertEquals(java.util.Set.of(0.01f, 0.05f, 0.1f), rates);
        assertEquals(java.util.Set.of(0f, 0.9f), momenta);
        assertEquals(java.util.Set.of(0f, 1e-4f), decays);
    }
}
