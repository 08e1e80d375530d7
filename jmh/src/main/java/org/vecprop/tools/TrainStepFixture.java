package org.vecprop.tools;

import java.io.IOException;
import java.nio.file.Path;
import org.vecprop.jmh.ClassifierStepCheck;
import org.vecprop.jmh.TrainNet;

/**
 * Writes vecprop's first classifier training step as a safetensors file, for
 * {@code scripts/numpy_trainstep.py --fixture}: the benchmark {@code TrainStep}'s batch 0, its
 * initial weights, and vecprop's loss, gradients and updated weights, with the exact loss and its
 * bound ({@link ClassifierStepCheck#fixture}), so that the NumPy step is held to vecprop's as
 * PyTorch's is inside the benchmark. {@code scripts/bench} runs it before the NumPy step.
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector -cp jmh/target/benchmarks.jar
 * org.vecprop.tools.TrainStepFixture NET FILE}, NET a {@code ce-adamw} net of {@code TrainStep}
 * (e.g. {@code 784-256-128-10@64:ce-adamw}). Exit status 0 when written, 1 when vecprop's own
 * step fails its checks or the file cannot be written, 2 for bad arguments.
 */
public final class TrainStepFixture {
    private TrainStepFixture() {}

    /**
     * Writes the fixture.
     *
     * @param args the net and the file
     */
    public static void main(String[] args) {
        if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
            System.out.println("usage: TrainStepFixture NET FILE (NET e.g. 784-256-128-10@64:ce-adamw)");
            return;
        }
        if (args.length != 2) {
            System.err.println("TrainStepFixture: takes NET FILE (e.g. 784-256-128-10@64:ce-adamw "
                    + "fixture.safetensors), got " + args.length + " arguments");
            System.exit(2);
        }
        TrainNet net;
        try {
            net = TrainNet.parse(args[0]);
            if (!net.classifier()) {
                throw new IllegalArgumentException("net must be a ce-adamw net, got " + args[0]);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("TrainStepFixture: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            ClassifierStepCheck step = ClassifierStepCheck.firstStep(net);
            step.fixture().write(Path.of(args[1]));
        } catch (IOException | RuntimeException e) {
            System.err.println("TrainStepFixture: " + e);
            System.exit(1);
        }
    }
}
