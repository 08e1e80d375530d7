package org.vecprop.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.vecprop.internal.gemm.GemmBlocking;
import org.vecprop.testing.Compare;
import org.vecprop.testing.GemmCheck;
import org.vecprop.testing.GemmCheck.Case;
import org.vecprop.testing.Props;
import org.vecprop.testing.Values;

/**
 * The forms that take a caller's {@link Workspace} give the bits of the forms that do not, for
 * every kernel that needs scratch (all the GEMM forms, the reductions, the fused backward
 * passes), with one workspace reused across calls of every shape, as a caller would; a null
 * workspace is named before anything is written; a workspace holds what its javadoc says and
 * gives it back on {@link Workspace#release}.
 */
class WorkspaceTest {
    static final ExecutorService POOL = Executors.newFixedThreadPool(3);

    @AfterAll
    static void stopPool() {
        POOL.shutdownNow();
    }

    /** The operands of one generated GEMM call, laid out as GemmCheck lays them out. */
    record Operands(Case c, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                    float[] c0, int cOff, int ldc, float[] bias, int biasOff) {
        static Operands of(Case c) {
            Random rnd = new Random(c.seed());
            int m = c.m(), n = c.n(), k = c.k();
            int aRows = c.transA() ? k : m, aCols = c.transA() ? m : k;
            int bRows = c.transB() ? n : k, bCols = c.transB() ? k : n;
            int[] s = c.slack();
            int lda = Math.max(1, aCols) + s[1], ldb = Math.max(1, bCols) + s[3];
            int ldc = Math.max(1, n) + s[5];
            float[] a = Values.random(rnd, s[0] + aRows * lda, c.specialPermille(), 1f);
            float[] b = Values.random(rnd, s[2] + bRows * ldb, c.specialPermille(), 1f);
            float[] c0 = Values.random(rnd, s[4] + m * ldc, c.specialPermille(), 1f);
            float[] bias = Values.random(rnd, s[1] + n, 0, 1f);
            return new Operands(c, a, s[0], lda, b, s[2], ldb, c0, s[4], ldc, bias, s[1]);
        }

        MemorySegment segment(Arena arena, float[] values) {
            // One spare byte in front: float offsets that are not 4-byte aligned addresses.
            MemorySegment seg = arena.allocate(values.length * 4L + 1).asSlice(1);
            MemorySegment.copy(values, 0, seg, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, values.length);
            return seg;
        }
    }

    /** One workspace for every example of a property: reused across shapes, as a caller would. */
    final Workspace shared = new Workspace();

    @Test
    void everyGemmFormGivesTheSameBitsWithAWorkspace() {
        Props.theory(Props.EXAMPLES / 2).forAll(GemmCheck.cases(150), Generate.range(0, 3))
                .checkAssert((c, act) -> {
                    Operands o = Operands.of(c);
                    Activation f = Activation.values()[act];
                    int m = c.m(), n = c.n(), k = c.k();
                    float[] plain = o.c0.clone(), mine = o.c0.clone();
                    Gemm.multiply(c.transA(), c.transB(), m, n, k, c.alpha(), o.a, o.aOff, o.lda,
                            o.b, o.bOff, o.ldb, c.beta(), plain, o.cOff, o.ldc);
                    Gemm.multiply(c.transA(), c.transB(), m, n, k, c.alpha(), o.a, o.aOff, o.lda,
                            o.b, o.bOff, o.ldb, c.beta(), mine, o.cOff, o.ldc, shared);
                    Compare.sameArray(plain, mine, c + " multiply");

                    float[] fused = o.c0.clone(), fusedMine = o.c0.clone();
                    Gemm.multiplyBiasActivation(c.transA(), c.transB(), m, n, k, c.alpha(), o.a, o.aOff,
                            o.lda, o.b, o.bOff, o.ldb, c.beta(), fused, o.cOff, o.ldc, o.bias, o.biasOff, f);
                    Gemm.multiplyBiasActivation(c.transA(), c.transB(), m, n, k, c.alpha(), o.a, o.aOff,
                            o.lda, o.b, o.bOff, o.ldb, c.beta(), fusedMine, o.cOff, o.ldc, o.bias, o.biasOff,
                            f, shared);
                    Compare.sameArray(fused, fusedMine, c + " multiplyBiasActivation " + f);

                    PackedMatrix packed = PackedMatrix.pack(c.transB(), k, n, o.b, o.bOff, o.ldb);
                    float[] viaPacked = o.c0.clone(), viaPackedMine = o.c0.clone();
                    Gemm.multiplyPacked(c.transA(), m, c.alpha(), o.a, o.aOff, o.lda, packed, c.beta(),
                            viaPacked, o.cOff, o.ldc);
                    Gemm.multiplyPacked(c.transA(), m, c.alpha(), o.a, o.aOff, o.lda, packed, c.beta(),
                            viaPackedMine, o.cOff, o.ldc, shared);
                    Compare.sameArray(plain, viaPacked, c + " multiplyPacked");
                    Compare.sameArray(plain, viaPackedMine, c + " multiplyPacked, workspace");

                    float[] packedFused = o.c0.clone(), packedFusedMine = o.c0.clone();
                    Gemm.multiplyPackedBiasActivation(c.transA(), m, c.alpha(), o.a, o.aOff, o.lda, packed,
                            c.beta(), packedFused, o.cOff, o.ldc, o.bias, o.biasOff, f);
                    Gemm.multiplyPackedBiasActivation(c.transA(), m, c.alpha(), o.a, o.aOff, o.lda, packed,
                            c.beta(), packedFusedMine, o.cOff, o.ldc, o.bias, o.biasOff, f, shared);
                    Compare.sameArray(fused, packedFused, c + " multiplyPackedBiasActivation " + f);
                    Compare.sameArray(fused, packedFusedMine, c + " multiplyPackedBiasActivation " + f
                            + ", workspace");

                    int parts = 1 + (int) (c.seed() % 5);
                    float[] par = o.c0.clone(), parMine = o.c0.clone();
                    Gemm.multiplyParallel(c.transA(), c.transB(), m, n, k, c.alpha(), o.a, o.aOff, o.lda,
                            o.b, o.bOff, o.ldb, c.beta(), par, o.cOff, o.ldc, POOL, parts);
                    Gemm.multiplyParallel(c.transA(), c.transB(), m, n, k, c.alpha(), o.a, o.aOff, o.lda,
                            o.b, o.bOff, o.ldb, c.beta(), parMine, o.cOff, o.ldc, POOL, parts, shared);
                    Compare.sameArray(plain, par, c + " multiplyParallel, " + parts + " parts");
                    Compare.sameArray(plain, parMine, c + " multiplyParallel, " + parts + " parts, workspace");

                    float[] packedPar = o.c0.clone(), packedParMine = o.c0.clone();
                    Gemm.multiplyPackedParallel(c.transA(), m, c.alpha(), o.a, o.aOff, o.lda, packed,
                            c.beta(), packedPar, o.cOff, o.ldc, POOL, parts);
                    Gemm.multiplyPackedParallel(c.transA(), m, c.alpha(), o.a, o.aOff, o.lda, packed,
                            c.beta(), packedParMine, o.cOff, o.ldc, POOL, parts, shared);
                    Compare.sameArray(plain, packedPar, c + " multiplyPackedParallel, " + parts + " parts");
                    Compare.sameArray(plain, packedParMine, c + " multiplyPackedParallel, " + parts
                            + " parts, workspace");

                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment sa = o.segment(arena, o.a), sb = o.segment(arena, o.b);
                        MemorySegment sc = o.segment(arena, o.c0), scMine = o.segment(arena, o.c0);
                        Gemm.multiply(c.transA(), c.transB(), m, n, k, c.alpha(), sa, o.aOff, o.lda,
                                sb, o.bOff, o.ldb, c.beta(), sc, o.cOff, o.ldc);
                        Gemm.multiply(c.transA(), c.transB(), m, n, k, c.alpha(), sa, o.aOff, o.lda,
                                sb, o.bOff, o.ldb, c.beta(), scMine, o.cOff, o.ldc, shared);
                        Compare.sameArray(plain, floats(sc), c + " multiply on segments");
                        Compare.sameArray(plain, floats(scMine), c + " multiply on segments, workspace");

                        MemorySegment sp = o.segment(arena, o.c0), spMine = o.segment(arena, o.c0);
                        Gemm.multiplyPacked(c.transA(), m, c.alpha(), sa, o.aOff, o.lda, packed, c.beta(),
                                sp, o.cOff, o.ldc);
                        Gemm.multiplyPacked(c.transA(), m, c.alpha(), sa, o.aOff, o.lda, packed, c.beta(),
                                spMine, o.cOff, o.ldc, shared);
                        Compare.sameArray(plain, floats(sp), c + " multiplyPacked on segments");
                        Compare.sameArray(plain, floats(spMine), c + " multiplyPacked on segments, workspace");
                    }
                });
    }

    static float[] floats(MemorySegment s) {
        float[] x = new float[(int) (s.byteSize() / 4)];
        MemorySegment.copy(s, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, x, 0, x.length);
        return x;
    }

    /** A reduction's shape: rows, cols (past one 1024-element chunk), offset and padding, seed. */
    record Shape(int rows, int cols, int off, int pad, long seed, boolean accumulate) {
        int ld() {
            return Math.max(1, cols) + pad;
        }

        float[] matrix(Random rnd, int specialPermille) {
            return Values.random(rnd, off + rows * ld() + pad, specialPermille, 1f);
        }
    }

    static Gen<Shape> shapes() {
        return Props.dimension(90).zip(Props.dimension(90), Props.slack(), Props.slack(),
                Generate.longRange(0, 1L << 40),
                (r, c, off, pad, seed) -> new Shape(r, c, off, pad, seed, (seed & 1) == 0));
    }

    @Test
    void everyReductionAndFusedBackwardGivesTheSameBitsWithAWorkspace() {
        Props.theory().forAll(shapes()).checkAssert(s -> {
            Random rnd = new Random(s.seed());
            int r = s.rows(), c = s.cols(), off = s.off(), ld = s.ld();
            float[] p = s.matrix(rnd, 5), t = s.matrix(rnd, 5), x = s.matrix(rnd, 20);
            float[] act = s.matrix(rnd, 0);
            float[] g = s.matrix(rnd, 0), gMine = g.clone();
            Compare.same(Mse.loss(r, c, p, off, ld, t, off, ld), Mse.loss(r, c, p, off, ld, t, off, ld, shared),
                    s + " Mse.loss");
            Compare.same(Mse.lossAndGradient(r, c, p, off, ld, t, off, ld, g, off, ld),
                    Mse.lossAndGradient(r, c, p, off, ld, t, off, ld, gMine, off, ld, shared),
                    s + " Mse.lossAndGradient");
            Compare.sameArray(g, gMine, s + " Mse gradient");

            double[] sum = {-1, -1, -1, -1, 7}, sumMine = sum.clone();
            Stats.summarize(r, c, x, off, ld, sum);
            Stats.summarize(r, c, x, off, ld, sumMine, shared);
            assertEquals(java.util.Arrays.toString(sum), java.util.Arrays.toString(sumMine),
                    s + " Stats.summarize");

            float[] db = Values.random(rnd, off + c + 3, 0, 1f), dbMine = db.clone();
            Bias.gradient(r, c, x, off, ld, db, off, s.accumulate());
            Bias.gradient(r, c, x, off, ld, dbMine, off, s.accumulate(), shared);
            Compare.sameArray(db, dbMine, s + " Bias.gradient");

            float[] sm = s.matrix(rnd, 0), smMine = sm.clone();
            Softmax.forward(r, c, x, off, ld, sm, off, ld);
            Softmax.forward(r, c, x, off, ld, smMine, off, ld, shared);
            Compare.sameArray(sm, smMine, s + " Softmax.forward");
            Softmax.logForward(r, c, x, off, ld, sm, off, ld);
            Softmax.logForward(r, c, x, off, ld, smMine, off, ld, shared);
            Compare.sameArray(sm, smMine, s + " Softmax.logForward");
            if (c > 0) {
                int[] labels = new int[off + r];
                for (int i = 0; i < labels.length; i++) {
                    labels[i] = rnd.nextInt(c);
                }
                Reduction red = s.accumulate() ? Reduction.MEAN : Reduction.SUM;
                float smoothing = (s.seed() & 2) == 0 ? 0f : 0.1f;
                float[] dz = s.matrix(rnd, 0), dzMine = dz.clone();
                Compare.same(CrossEntropy.lossAndGradient(r, c, p, off, ld, labels, off, dz, off, ld, red, smoothing),
                        CrossEntropy.lossAndGradient(r, c, p, off, ld, labels, off, dzMine, off, ld, red, smoothing,
                                shared), s + " CrossEntropy.lossAndGradient");
                Compare.sameArray(dz, dzMine, s + " CrossEntropy dz");
                Compare.same(CrossEntropy.loss(r, c, p, off, ld, labels, off, red, smoothing),
                        CrossEntropy.loss(r, c, p, off, ld, labels, off, red, smoothing, shared), s + " CrossEntropy.loss");
            }
            float[] w = Values.random(rnd, off + c, 0, 2f), gb = s.matrix(rnd, 0), gbMine = gb.clone();
            Compare.same(BinaryCrossEntropy.lossAndGradient(r, c, x, off, ld, act, off, ld, w, off, gb, off, ld, Reduction.MEAN),
                    BinaryCrossEntropy.lossAndGradient(r, c, x, off, ld, act, off, ld, w, off, gbMine, off, ld,
                            Reduction.MEAN, shared), s + " BinaryCrossEntropy.lossAndGradient");
            Compare.sameArray(gb, gbMine, s + " BinaryCrossEntropy g");
            Compare.same(BinaryCrossEntropy.loss(r, c, x, off, ld, act, off, ld, null, 0, Reduction.SUM),
                    BinaryCrossEntropy.loss(r, c, x, off, ld, act, off, ld, null, 0, Reduction.SUM, shared),
                    s + " BinaryCrossEntropy.loss");

            // Every activation's fused backward pass, and Relu's z-named front (the same kernel).
            for (Activation f : Activation.values()) {
                float[] in = f == Activation.RELU ? x : act;
                float[] dz = s.matrix(rnd, 0), dzMine = dz.clone(), dzRelu = dz.clone();
                float[] b0 = Values.random(rnd, off + c + 3, 0, 1f), bMine = b0.clone(), bRelu = b0.clone();
                f.backwardWithBiasGradient(r, c, in, off, ld, p, off, ld, dz, off, ld, b0, off, s.accumulate());
                f.backwardWithBiasGradient(r, c, in, off, ld, p, off, ld, dzMine, off, ld, bMine, off,
                        s.accumulate(), shared);
                Compare.sameArray(dz, dzMine, s + " " + f + " dz");
                Compare.sameArray(b0, bMine, s + " " + f + " db");
                if (f == Activation.RELU) {
                    Relu.backwardWithBiasGradient(r, c, in, off, ld, p, off, ld, dzRelu, off, ld, bRelu, off,
                            s.accumulate(), shared);
                    Compare.sameArray(dz, dzRelu, s + " Relu dz");
                    Compare.sameArray(b0, bRelu, s + " Relu db");
                }
            }
        });
    }

    /** A call of each form with a null workspace, and the outputs it must leave alone. */
    record NullCall(String name, Executable call) {}

    @Test
    void aNullWorkspaceIsNamedBeforeAnythingIsWritten() {
        float[] a = Values.ramp(64), b = Values.ramp(64), c = new float[64], bias = Values.ramp(8);
        float[] g = new float[64], db = new float[8];
        double[] out = new double[4];
        PackedMatrix packed = PackedMatrix.pack(false, 8, 8, b, 0, 8);
        Workspace none = null;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocateFrom(ValueLayout.JAVA_FLOAT, a);
            MemorySegment sb = arena.allocateFrom(ValueLayout.JAVA_FLOAT, b);
            MemorySegment sc = arena.allocate(64 * 4L);
            List<NullCall> calls = new ArrayList<>();
            calls.add(new NullCall("Gemm.multiply", () -> Gemm.multiply(false, false, 8, 8, 8, 1f, a, 0, 8,
                    b, 0, 8, 0f, c, 0, 8, none)));
            calls.add(new NullCall("Gemm.multiplyBiasActivation", () -> Gemm.multiplyBiasActivation(false,
                    false, 8, 8, 8, 1f, a, 0, 8, b, 0, 8, 0f, c, 0, 8, bias, 0, Activation.RELU, none)));
            calls.add(new NullCall("Gemm.multiplyPacked", () -> Gemm.multiplyPacked(false, 8, 1f, a, 0, 8,
                    packed, 0f, c, 0, 8, none)));
            calls.add(new NullCall("Gemm.multiplyPackedBiasActivation", () -> Gemm.multiplyPackedBiasActivation(
                    false, 8, 1f, a, 0, 8, packed, 0f, c, 0, 8, bias, 0, Activation.TANH, none)));
            calls.add(new NullCall("Gemm.multiplyParallel", () -> Gemm.multiplyParallel(false, false, 8, 8, 8,
                    1f, a, 0, 8, b, 0, 8, 0f, c, 0, 8, POOL, 2, none)));
            calls.add(new NullCall("Gemm.multiplyPackedParallel", () -> Gemm.multiplyPackedParallel(false, 8,
                    1f, a, 0, 8, packed, 0f, c, 0, 8, POOL, 2, none)));
            calls.add(new NullCall("Gemm.multiply on segments", () -> Gemm.multiply(false, false, 8, 8, 8, 1f,
                    sa, 0, 8, sb, 0, 8, 0f, sc, 0, 8, none)));
            calls.add(new NullCall("Gemm.multiplyPacked on segments", () -> Gemm.multiplyPacked(false, 8, 1f,
                    sa, 0, 8, packed, 0f, sc, 0, 8, none)));
            calls.add(new NullCall("Mse.loss", () -> Mse.loss(8, 8, a, 0, 8, b, 0, 8, none)));
            calls.add(new NullCall("Mse.lossAndGradient", () -> Mse.lossAndGradient(8, 8, a, 0, 8, b, 0, 8,
                    g, 0, 8, none)));
            calls.add(new NullCall("Stats.summarize", () -> Stats.summarize(8, 8, a, 0, 8, out, none)));
            calls.add(new NullCall("Bias.gradient", () -> Bias.gradient(8, 8, a, 0, 8, db, 0, true, none)));
            calls.add(new NullCall("Relu.backwardWithBiasGradient", () -> Relu.backwardWithBiasGradient(8, 8,
                    a, 0, 8, b, 0, 8, c, 0, 8, db, 0, true, none)));
            calls.add(new NullCall("Activation.SIGMOID.backwardWithBiasGradient", () -> Activation.SIGMOID.backwardWithBiasGradient(
                    8, 8, a, 0, 8, b, 0, 8, c, 0, 8, db, 0, true, none)));
            calls.add(new NullCall("Activation.TANH.backwardWithBiasGradient", () -> Activation.TANH.backwardWithBiasGradient(8, 8,
                    a, 0, 8, b, 0, 8, c, 0, 8, db, 0, false, none)));
            calls.add(new NullCall("Softmax.forward", () -> Softmax.forward(8, 8, a, 0, 8, c, 0, 8, none)));
            calls.add(new NullCall("Softmax.logForward", () -> Softmax.logForward(8, 8, a, 0, 8, c, 0, 8, none)));
            int[] labels = new int[8];
            calls.add(new NullCall("CrossEntropy.lossAndGradient", () -> CrossEntropy.lossAndGradient(8, 8, a, 0, 8,
                    labels, 0, c, 0, 8, Reduction.MEAN, 0f, none)));
            calls.add(new NullCall("CrossEntropy.loss", () -> CrossEntropy.loss(8, 8, a, 0, 8, labels, 0,
                    Reduction.MEAN, 0f, none)));
            calls.add(new NullCall("BinaryCrossEntropy.lossAndGradient", () -> BinaryCrossEntropy.lossAndGradient(8, 8,
                    a, 0, 8, b, 0, 8, null, 0, c, 0, 8, Reduction.SUM, none)));
            calls.add(new NullCall("BinaryCrossEntropy.loss", () -> BinaryCrossEntropy.loss(8, 8, a, 0, 8, b, 0, 8,
                    null, 0, Reduction.SUM, none)));
            for (NullCall call : calls) {
                java.util.Arrays.fill(c, 5f);
                java.util.Arrays.fill(g, 5f);
                java.util.Arrays.fill(db, 5f);
                java.util.Arrays.fill(out, 5.0);
                sc.fill((byte) 0x40);
                NullPointerException e = assertThrows(NullPointerException.class, call.call(), call.name());
                assertEquals("workspace must not be null", e.getMessage(), call.name());
                for (int i = 0; i < 64; i++) {
                    assertEquals(5f, c[i], call.name() + ": c written");
                    assertEquals(5f, g[i], call.name() + ": g written");
                    assertEquals((byte) 0x40, sc.get(ValueLayout.JAVA_BYTE, i), call.name() + ": segment c written");
                }
                for (int i = 0; i < 8; i++) {
                    assertEquals(5f, db[i], call.name() + ": db written");
                }
                for (double d : out) {
                    assertEquals(5.0, d, call.name() + ": out written");
                }
            }
        }
    }

    /** The packing buffers' bound of Workspace's javadoc, in bytes: MC x KC + KC x NC + a tile. */
    static long packingBound() {
        return 4L * ((long) GemmBlocking.MC * GemmBlocking.KC + (long) GemmBlocking.KC * GemmBlocking.NC
                + (long) GemmBlocking.MR * GemmBlocking.NR);
    }

    @Test
    void aWorkspaceHoldsWhatItsJavadocSaysAndGivesItBackOnRelease() {
        Workspace ws = new Workspace();
        assertEquals(0, ws.bytes(), "a new workspace holds nothing");
        int m = GemmBlocking.MC + 7, n = Math.max(GemmBlocking.NC, 1) + 9, k = GemmBlocking.KC + 3;
        if (!Simd.enabled()) { // the scalar path packs nothing: keep its call small
            m = 5;
            n = 9000;
            k = 3;
        }
        Random rnd = new Random(11);
        float[] a = Values.random(rnd, m * k, 0, 1f), b = Values.random(rnd, k * n, 0, 1f);
        float[] c = new float[m * n], plain = new float[m * n];
        Gemm.multiply(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, plain, 0, n);
        Gemm.multiply(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n, ws);
        Compare.sameArray(plain, c, "before release");
        long held = ws.bytes();
        if (Simd.enabled()) {
            // A problem larger than every block: the packing buffers reach the bound, and no more.
            assertEquals(packingBound(), held, "packing buffers of a problem larger than every block");
            Gemm.multiplyParallel(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n, POOL, 3, ws);
            Compare.sameArray(plain, c, "parallel, 3 parts");
            assertTrue(ws.bytes() <= 4 * packingBound(),
                    "one set for the caller and one per piece: " + ws.bytes() + " B");
        } else {
            assertEquals(4L * n, held, "the scalar path's row of accumulators");
        }
        float[] x = Values.random(rnd, 3 * 5000, 0, 1f), y = x.clone(), dY = new float[x.length];
        Mse.lossAndGradient(3, 5000, x, 0, 5000, y, 0, 5000, dY, 0, 5000, ws);
        assertTrue(ws.bytes() > held, "the long sum's state is held too");

        ws.release();
        assertEquals(0, ws.bytes(), "released");
        java.util.Arrays.fill(c, Float.NaN);
        Gemm.multiply(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n, ws);
        Compare.sameArray(plain, c, "after release: the buffers are made again");
    }
}
