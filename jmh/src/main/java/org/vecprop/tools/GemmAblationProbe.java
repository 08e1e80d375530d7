package org.vecprop.tools;

import java.util.*;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.vecprop.internal.PackBuffers;
import org.vecprop.internal.gemm.GemmStages;
import org.vecprop.jmh.GemmShape;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.PackedMatrix;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The ablation of jmh's GemmAblation as an interleaved minimum-of-rounds probe, for a shared
 * machine where JMH's means swing with other tenants: every stage and blocking variant (and the
 * FMA peak, with the product's FMA count, and OpenBLAS) run once per round in rotating order;
 * the table reports each one's fastest round and median. Run: {@code java --add-modules
 * jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp jmh/target/benchmarks.jar
 * org.vecprop.tools.GemmAblationProbe 512 60} (size, rounds); {@code ONLY=prefix,...} keeps the
 * rows whose names start so.
 */
public class GemmAblationProbe {
    interface Op { Object run(); }
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static float peak(int steps) {
        FloatVector m = FloatVector.broadcast(F, 0.999f), d = FloatVector.broadcast(F, 1f);
        FloatVector a0 = d, a1 = d.add(1f), a2 = d.add(2f), a3 = d.add(3f), a4 = d.add(4f), a5 = d.add(5f), a6 = d.add(6f), a7 = d.add(7f), a8 = d.add(8f), a9 = d.add(9f), a10 = d.add(10f), a11 = d.add(11f);
        for (int i = 0; i < steps; i++) { a0 = a0.fma(m, d); a1 = a1.fma(m, d); a2 = a2.fma(m, d); a3 = a3.fma(m, d); a4 = a4.fma(m, d); a5 = a5.fma(m, d); a6 = a6.fma(m, d); a7 = a7.fma(m, d); a8 = a8.fma(m, d); a9 = a9.fma(m, d); a10 = a10.fma(m, d); a11 = a11.fma(m, d); }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11).lane(0);
    }
    static volatile Object sink;
    public static void main(String[] args) {
        int size = Integer.parseInt(args[0]), rounds = Integer.parseInt(args[1]);
        openblas.blas_set_num_threads(1);
        GemmShape s = GemmShape.parse(size + "x" + size + "x" + size);
        float[] a = s.randomA(42), b = s.randomB(4242), c = new float[size * size];
        int[] blocks = GemmStages.blocks();
        float[] preA = GemmStages.prepackA(size, size, a, size), preB = GemmStages.prepackB(size, size, b, size);
        float[] pa = GemmStages.panel(true), pb = GemmStages.panel(false), tile = GemmStages.panel(false);
        PackedMatrix packed = PackedMatrix.pack(false, size, size, b, 0, size);
        PackBuffers ws = new PackBuffers();
        FloatPointer ap = new FloatPointer(a), bp = new FloatPointer(b), cp = new FloatPointer((long) size * size);
        int mc = blocks[0], nc = blocks[1];
        int peakSteps = (int) ((long) size * size * size / 16 / 12);
        LinkedHashMap<String, Op> ops = new LinkedHashMap<>();
        ops.put("peak (same FMA count, 12 chains)", () -> peak(peakSteps));
        ops.put("1 micro-kernel alone (panels in L1)", () -> { GemmStages.microKernelOnly(size, size, size, pa, pb, tile); return tile; });
        boolean lib = GemmStages.LIBRARY_ROWS_INNER; // the library's loop order
        ops.put("2 + loop nest over pre-packed A and B", () -> { GemmStages.multiply(false, false, false, mc, nc, lib, size, size, size, a, size, b, size, preA, preB, c, size, ws); return c; });
        ops.put("3 + B packed per call", () -> { GemmStages.multiply(false, true, false, mc, nc, lib, size, size, size, a, size, b, size, preA, preB, c, size, ws); return c; });
        ops.put("4 + A packed per call", () -> { GemmStages.multiply(true, true, false, mc, nc, lib, size, size, size, a, size, b, size, preA, preB, c, size, ws); return c; });
        ops.put("5 + epilogue (complete product)", () -> { GemmStages.multiply(true, true, true, mc, nc, lib, size, size, size, a, size, b, size, preA, preB, c, size, ws); return c; });
        ops.put("library Gemm.multiply", () -> { Gemm.multiply(false, false, size, size, size, 1f, a, 0, size, b, 0, size, 0f, c, 0, size); return c; });
        ops.put("library, PackedMatrix B", () -> { Gemm.multiplyPacked(false, size, 1f, a, 0, size, packed, 0f, c, 0, size); return c; });
        ops.put("OpenBLAS cblas_sgemm", () -> { openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans, size, size, size, 1f, ap, size, bp, size, 0f, cp, size); return cp; });
        for (int mcv : new int[] {128, 256, 512, 1024}) if (mcv != mc) ops.put("5 with MC = " + mcv, () -> { GemmStages.multiply(true, true, true, mcv, nc, lib, size, size, size, a, size, b, size, preA, preB, c, size, ws); return c; });
        for (int ncv : new int[] {256, 512, 1024, 4096}) if (ncv != nc) ops.put("5 with NC = " + ncv, () -> { GemmStages.multiply(true, true, true, mc, ncv, lib, size, size, size, a, size, b, size, preA, preB, c, size, ws); return c; });
        String other = lib ? "ir outer, jr inner" : "jr outer, ir inner";
        ops.put("5 with " + other, () -> { GemmStages.multiply(true, true, true, mc, nc, !lib, size, size, size, a, size, b, size, preA, preB, c, size, ws); return c; });
        ops.put("2 with " + other, () -> { GemmStages.multiply(false, false, false, mc, nc, !lib, size, size, size, a, size, b, size, preA, preB, c, size, ws); return c; });
        String only = System.getenv("ONLY");
        if (only != null) ops.keySet().removeIf(k -> !k.startsWith("peak") && Arrays.stream(only.split(",")).noneMatch(k::startsWith));
        String[] names = ops.keySet().toArray(new String[0]);
        Op[] list = ops.values().toArray(new Op[0]);
        long end = System.nanoTime() + 8_000_000_000L;
        while (System.nanoTime() < end) for (Op op : list) sink = op.run();
        double[] min = new double[list.length]; Arrays.fill(min, 1e18);
        double[][] all = new double[list.length][rounds];
        for (int r = 0; r < rounds; r++) for (int q = 0; q < list.length; q++) { int o = (q + r) % list.length;
            long t0 = System.nanoTime(); sink = list[o].run(); double t = System.nanoTime() - t0; all[o][r] = t; min[o] = Math.min(min[o], t); }
        double flops = 2.0 * size * size * size, peakT = min[0];
        System.out.printf("size %d, MR x NR %s, MC %d NC %d KC %d; %s; minimum of %d interleaved rounds%n", size, Arrays.toString(GemmStages.tile()), mc, nc, blocks[2], org.vecprop.jmh.OpenBlas.description(), rounds);
        System.out.printf("| stage | min time | median | GF/s (min) | share of peak |%n|---|---:|---:|---:|---:|%n");
        for (int o = 0; o < list.length; o++) { double[] x = all[o].clone(); Arrays.sort(x);
            System.out.printf("| %s | %.3f ms | %.3f ms | %.0f | %.1f%% |%n", names[o], min[o] / 1e6, x[x.length / 2] / 1e6, flops / min[o], 100 * peakT / min[o]); }
    }
}
