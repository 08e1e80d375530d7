package org.vecprop.jmh;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.vecprop.internal.PackBuffers;
import org.vecprop.internal.gemm.GemmStages;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.PackedMatrix;

/**
 * Where a large product's time goes: the packed GEMM taken apart stage by stage (through the
 * library's internal {@code GemmStages}, which runs the library's own loop nest, packing,
 * micro-kernel and epilogue with each stage switchable), at {@code size}³, NN, alpha 1, beta 0.
 * Score: ns per product, so GF/s = 2·size³ / score; run {@link PeakBenchmark} in the same command
 * for the FMA peak to divide by (ns per lane-FMA: peak GF/s = 2 / score).
 *
 * <h2>Stages ({@code stage})</h2>
 * <ol>
 *   <li>{@code microKernel}: the MR x NR register tile alone, as many tile updates as the
 *       product has, all on one A and one B panel resident in L1: the ceiling of the rest.</li>
 *   <li>{@code prepacked}: the whole loop nest over A and B packed once in setup (every panel at
 *       its real address, so the caches see the real traffic), each tile spilled but not stored
 *       into C.</li>
 *   <li>{@code packB}: as prepacked, B packed per call (KC x NC blocks).</li>
 *   <li>{@code packAB}: A packed per call too (MC x KC blocks).</li>
 *   <li>{@code full}: with the epilogue storing every tile into C (and reading it back for the
 *       depth blocks after the first): the complete product, the library's work.</li>
 *   <li>{@code library}: {@code Gemm.multiply} itself (argument checks, path choice): should
 *       equal {@code full}.</li>
 *   <li>{@code packedWeights}: {@code Gemm.multiply} against a {@code PackedMatrix} (B packed
 *       once, A per call, epilogue).</li>
 *   <li>{@code openblas}: {@code cblas_sgemm} on off-heap buffers, one thread, in the same run.</li>
 * </ol>
 * {@code mc}, {@code nc} (0: the library's MC and NC) and {@code order} ({@code jr-ir}: the
 * library's, a B micro-panel against every row panel of the block; {@code ir-jr}: swapped) vary
 * the blocking of the staged rows (1-5); {@code library}, {@code packedWeights} and
 * {@code openblas} ignore them.
 *
 * <p>Run (one command; results/gemm-ablation.md has the table of a run):
 * <pre>
 * scripts/bench 'GemmAblation|PeakBenchmark' -f 3 -wi 5 -i 5
 * scripts/bench 'GemmAblation|PeakBenchmark' -p stage=full -p mc=256,512,1024 -p nc=1024,4096 -f 3
 * scripts/bench 'GemmAblation|PeakBenchmark' -p stage=full,packAB -p order=jr-ir,ir-jr -f 3
 * </pre>
 */
public class GemmAblation extends BenchmarkDefaults {
    @Param({"512", "1024"})
    public int size;

    @Param({"microKernel", "prepacked", "packB", "packAB", "full", "library", "packedWeights", "openblas"})
    public String stage;

    @Param({"0"})
    public int mc;

    @Param({"0"})
    public int nc;

    @Param({"jr-ir"})
    public String order;

    private float[] a, b, c, preA, preB, pa, pb, tile;
    private PackedMatrix packed;
    private PackBuffers ws;
    private FloatPointer aPtr, bPtr, cPtr;
    private int mcUsed, ncUsed;
    private boolean rowsInner;

    @Setup(Level.Trial)
    public void setup() {
        GemmShape s = GemmShape.parse(size + "x" + size + "x" + size);
        a = s.randomA(42);
        b = s.randomB(4242);
        c = new float[size * size];
        int[] tileShape = GemmStages.tile(), blocks = GemmStages.blocks();
        mcUsed = mc == 0 ? blocks[0] : mc;
        ncUsed = nc == 0 ? blocks[1] : nc;
        if (mcUsed % tileShape[0] != 0 || ncUsed % tileShape[1] != 0) {
            throw new IllegalArgumentException("mc must be a multiple of MR = " + tileShape[0]
                    + " and nc of NR = " + tileShape[1] + ", got " + mcUsed + ", " + ncUsed);
        }
        if (!order.equals("jr-ir") && !order.equals("ir-jr")) {
            throw new IllegalArgumentException("order must be jr-ir or ir-jr, got " + order);
        }
        rowsInner = order.equals("jr-ir");
        preA = GemmStages.prepackA(size, size, a, size);
        preB = GemmStages.prepackB(size, size, b, size);
        pa = GemmStages.panel(true);
        pb = GemmStages.panel(false);
        tile = GemmStages.panel(false);
        packed = PackedMatrix.pack(false, size, size, b, 0, size);
        ws = new PackBuffers();
        OpenBlas.useOneThread();
        aPtr = new FloatPointer(a);
        bPtr = new FloatPointer(b);
        cPtr = new FloatPointer((long) size * size);
        // The complete products must agree with OpenBLAS: a mis-wired stage is an error.
        float[] expected = new float[size * size];
        openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans,
                size, size, size, 1f, a, size, b, size, 0f, expected, size);
        GemmStages.multiply(true, true, true, mcUsed, ncUsed, rowsInner, size, size, size, a, size,
                b, size, preA, preB, c, size, ws);
        s.check("staged full", c.clone(), "openblas", expected);
        Gemm.multiply(false, false, size, size, size, 1f, a, 0, size, b, 0, size, 0f, c, 0, size);
        s.check("library", c.clone(), "openblas", expected);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        aPtr.close();
        bPtr.close();
        cPtr.close();
    }

    @Benchmark
    public Object product() {
        switch (stage) {
            case "microKernel" -> GemmStages.microKernelOnly(size, size, size, pa, pb, tile);
            case "prepacked" -> staged(false, false, false);
            case "packB" -> staged(false, true, false);
            case "packAB" -> staged(true, true, false);
            case "full" -> staged(true, true, true);
            case "library" -> Gemm.multiply(false, false, size, size, size, 1f, a, 0, size, b, 0,
                    size, 0f, c, 0, size);
            case "packedWeights" -> Gemm.multiply(false, size, 1f, a, 0, size, packed, 0f, c, 0, size);
            case "openblas" -> {
                openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans,
                        openblas.CblasNoTrans, size, size, size, 1f, aPtr, size, bPtr, size, 0f,
                        cPtr, size);
                return cPtr;
            }
            default -> throw new IllegalArgumentException("unknown stage " + stage);
        }
        return stage.equals("microKernel") ? tile : c;
    }

    private void staged(boolean packA, boolean packB, boolean epilogue) {
        GemmStages.multiply(packA, packB, epilogue, mcUsed, ncUsed, rowsInner, size, size, size,
                a, size, b, size, preA, preB, c, size, ws);
    }
}
