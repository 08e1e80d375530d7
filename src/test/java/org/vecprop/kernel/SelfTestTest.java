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
        assertEquals(20, failuresByKernel(report).size(), "every kernel entry point is checked (16 + sigmoid and tanh, forward and backward)");
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
        assertTrue(failed.get("Sigmoid.forward") > 0, report.text());
        assertTrue(failed.get("Tanh.backward") > 0, report.text());
        assertTrue(report.failures().stream().anyMatch(f -> f.startsWith("Sigmoid.forward: ") && f.contains("ulps (bound ")),
                report.text());
        for (String ok : new String[] {"Sigmoid.backward", "Tanh.forward", "Relu.forward", "Gemm.multiply"}) {
            assertEquals(0L, failed.get(ok), ok + "\n" + report.text());
        }
        SelfTest.Report right = quick(SelfTestOracle.REFERENCE);
        for (String kernel : new String[] {"Sigmoid.forward", "Sigmoid.backward", "Tanh.forward", "Tanh.backward"}) {
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
                                       "Gemm.multiply(MemorySegment)"}) {
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
}
