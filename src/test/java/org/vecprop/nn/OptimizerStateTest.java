package org.vecprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vecprop.testing.Rejections.rejects;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecprop.io.FileRejectedException;
import org.vecprop.io.SafeTensors;
import org.vecprop.io.Tensor;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Values;

/**
 * Optimizer state files: a run of 2N steps ends with the same bits as a run of N steps saved
 * (weights and optimizer state, through real files), loaded into a new network and optimizer, and
 * N more steps; the files' names and layout; and every malformed or mismatched state file
 * rejected with {@link FileRejectedException}, naming why, with nothing loaded.
 */
class OptimizerStateTest {
    static final int[] SIZES = {6, 9, 4};
    static final int BATCH = 5, N = 7;

    /** One training step on batch {@code i} of a fixed stream of data. */
    static void train(Network net, Optimizer opt, int i) {
        Random rnd = new Random(1000 + i);
        net.forward(Values.random(rnd, BATCH * SIZES[0], 0, 1f), 0, SIZES[0], BATCH);
        net.loss(Values.random(rnd, BATCH * SIZES[2], 0, 1f), 0, SIZES[2]);
        net.backward(Gradients.ACCUMULATE);
        opt.step();
    }

    static void resumesExactly(Function<Network, Optimizer> make, Path dir) throws Exception {
        Network straight = Network.mlp(BATCH, 11, SIZES);
        Optimizer a = make.apply(straight);
        for (int i = 0; i < 2 * N; i++) {
            train(straight, a, i);
        }

        Network first = Network.mlp(BATCH, 11, SIZES);
        Optimizer b = make.apply(first);
        for (int i = 0; i < N; i++) {
            train(first, b, i);
        }
        Path weights = dir.resolve("model.safetensors"), state = dir.resolve("optimizer.safetensors");
        first.save(weights);
        b.saveState(state);

        Network resumed = Network.load(weights, BATCH);
        Optimizer c = make.apply(resumed);
        c.loadState(state);
        assertEquals(N, c.steps());
        for (int i = N; i < 2 * N; i++) {
            train(resumed, c, i);
        }
        for (int l = 0; l < straight.depth(); l++) {
            Compare.sameArray(straight.layer(l).weightArray(), resumed.layer(l).weightArray(), "weights of layer " + l);
            Compare.sameArray(straight.layer(l).biasArray(), resumed.layer(l).biasArray(), "bias of layer " + l);
        }
        SafeTensors sa = a.state(), sc = c.state();
        assertEquals(sa.metadata(), sc.metadata());
        for (String name : sa.tensors().keySet()) {
            Compare.sameArray(sa.tensors().get(name).toArray(), sc.tensors().get(name).toArray(), name);
        }
    }

    @Test
    void adamWResumesBitForBit(@TempDir Path dir) throws Exception {
        resumesExactly(net -> new Adam(net, AdamOptions.adamW(3e-3f).withWeightDecay(0.02f)), dir);
    }

    @Test
    void adamWithAScheduleResumesBitForBit(@TempDir Path dir) throws Exception {
        resumesExactly(net -> new Adam(net, AdamOptions.adam(3e-3f).withWeightDecay(1e-3f)
                .withSchedule(LearningRateSchedule.cosine(1e-2f, 1e-4f, 2 * N))), dir);
    }

    @Test
    void sgdWithMomentumResumesBitForBit(@TempDir Path dir) throws Exception {
        resumesExactly(net -> new Sgd(net, SgdOptions.learningRate(0.05f).withMomentum(0.9f).withWeightDecay(1e-3f)), dir);
    }

    @Test
    void plainSgdHasNoTensorsButItsStepCount(@TempDir Path dir) throws Exception {
        resumesExactly(net -> new Sgd(net, SgdOptions.learningRate(0.05f)), dir);
        Sgd sgd = new Sgd(Network.mlp(BATCH, 1, SIZES), SgdOptions.learningRate(0.05f));
        assertTrue(sgd.state().tensors().isEmpty());
        assertEquals("sgd", sgd.state().metadata().get("vecprop.optimizer"));
    }

    @Test
    void anSgdStateOfOtherMomentumOrWeightDecayIsRejected() {
        // SGD's hyper-parameters are saved and checked as Adam's are: resuming with another
        // momentum or decay would not continue the saved run.
        Network net = Network.mlp(BATCH, 11, SIZES);
        Sgd saved = new Sgd(net, SgdOptions.learningRate(0.05f).withMomentum(0.9f).withWeightDecay(1e-3f));
        train(net, saved, 0);
        SafeTensors s = saved.state();
        assertEquals("0.9", s.metadata().get("vecprop.momentum"));
        assertEquals("0.001", s.metadata().get("vecprop.weightDecay"));
        Sgd otherMomentum = new Sgd(Network.mlp(BATCH, 11, SIZES),
                SgdOptions.learningRate(0.05f).withMomentum(0.5f).withWeightDecay(1e-3f));
        rejects(FileRejectedException.class, "the file's momentum is 0.9, this optimizer's is 0.5 (resuming"
                + " with other hyper-parameters would not continue the saved run)", () -> otherMomentum.loadState(s));
        Sgd otherDecay = new Sgd(Network.mlp(BATCH, 11, SIZES),
                SgdOptions.learningRate(0.05f).withMomentum(0.9f).withWeightDecay(0f));
        rejects(FileRejectedException.class, "the file's weightDecay is 0.001, this optimizer's is 0.0 (resuming"
                + " with other hyper-parameters would not continue the saved run)", () -> otherDecay.loadState(s));
    }

    @Test
    void theStateFileHasPyTorchsNamesAndLayout() {
        Network net = Network.mlp(BATCH, 11, SIZES);
        Adam adam = new Adam(net, AdamOptions.adamW(1e-3f));
        train(net, adam, 0);
        SafeTensors s = adam.state();
        assertEquals(java.util.List.of("0.weight.exp_avg", "0.bias.exp_avg", "2.weight.exp_avg", "2.bias.exp_avg",
                "0.weight.exp_avg_sq", "0.bias.exp_avg_sq", "2.weight.exp_avg_sq", "2.bias.exp_avg_sq"),
                java.util.List.copyOf(s.tensors().keySet()));
        Tensor m = s.tensors().get("0.weight.exp_avg");
        assertEquals(java.util.List.of(9, 6), java.util.List.of(m.dim(0), m.dim(1)), "out x in, as PyTorch's weight");
        // element (o, i) of the file is vecprop's (i, o)
        assertEquals(adam.firstMoment(0)[2 * 9 + 5], m.get(5 * 6 + 2));
        Map<String, String> meta = s.metadata();
        assertEquals("adamw", meta.get("vecprop.optimizer"));
        assertEquals("1", meta.get("vecprop.steps"));
        assertEquals(net.modules(), meta.get("vecprop.modules"));
        assertEquals("0.9", meta.get("vecprop.beta1"));
        assertEquals("0.999", meta.get("vecprop.beta2"));
        assertEquals("1.0E-8", meta.get("vecprop.eps"));
        assertEquals("0.01", meta.get("vecprop.weightDecay"));
    }

    /** A state file changed one way; rejected with a message containing {@code fragment}. */
    record Bad(String what, UnaryOperator<SafeTensors> change, String fragment) {}

    static SafeTensors withMeta(SafeTensors s, String key, String value) {
        Map<String, String> meta = new LinkedHashMap<>(s.metadata());
        if (value == null) {
            meta.remove(key);
        } else {
            meta.put(key, value);
        }
        return new SafeTensors(s.tensors(), meta);
    }

    static SafeTensors withTensor(SafeTensors s, String name, Tensor t) {
        Map<String, Tensor> tensors = new LinkedHashMap<>(s.tensors());
        if (t == null) {
            tensors.remove(name);
        } else {
            tensors.put(name, t);
        }
        return new SafeTensors(tensors, s.metadata());
    }

    @Test
    void malformedOrMismatchedStateFilesAreRejectedAndLoadNothing(@TempDir Path dir) throws Exception {
        Network net = Network.mlp(BATCH, 11, SIZES);
        Adam adam = new Adam(net, AdamOptions.adamW(1e-3f));
        train(net, adam, 0);
        SafeTensors good = adam.state();
        Bad[] bads = {
            new Bad("another kind", s -> withMeta(s, "vecprop.optimizer", "sgd"),
                    "the file holds the state of a sgd optimizer, this one is adamw"),
            new Bad("no kind", s -> withMeta(s, "vecprop.optimizer", null),
                    "the file has no vecprop.optimizer metadata: it is not an optimizer state"),
            new Bad("another network", s -> withMeta(s, "vecprop.modules", "Linear(6, 9), ReLU(), Linear(9, 5)"),
                    "the file holds the state for the network Linear(6, 9), ReLU(), Linear(9, 5), this optimizer trains"),
            new Bad("other betas", s -> withMeta(s, "vecprop.beta2", "0.99"),
                    "the file's beta2 is 0.99, this optimizer's is 0.999"),
            new Bad("no eps", s -> withMeta(s, "vecprop.eps", null), "the file's eps is null, this optimizer's is 1.0E-8"),
            new Bad("negative steps", s -> withMeta(s, "vecprop.steps", "-3"), "the file's vecprop.steps is -3, not a step count >= 0"),
            new Bad("steps not a number", s -> withMeta(s, "vecprop.steps", "seven"), "the file's vecprop.steps is seven"),
            new Bad("a moment missing", s -> withTensor(s, "2.bias.exp_avg_sq", null), "the file has no tensor \"2.bias.exp_avg_sq\""),
            new Bad("a tensor too many", s -> withTensor(s, "4.weight.exp_avg", Tensor.of(new float[4], 4)),
                    "the file holds tensors this optimizer has no state for: [4.weight.exp_avg]"),
            // Text from the file is cut in messages: a hostile file cannot make one of megabytes.
            new Bad("a module list of 100,000 characters", s -> withMeta(s, "vecprop.modules", "x".repeat(100_000)),
                    "the file holds the state for the network " + "x".repeat(200) + "... (99800 more characters),"
                            + " this optimizer trains"),
            new Bad("a step count of 100,000 characters", s -> withMeta(s, "vecprop.steps", "9".repeat(100_000)),
                    "the file's vecprop.steps is " + "9".repeat(200) + "... (99800 more characters), not a step"),
            new Bad("a kind of 100,000 characters", s -> withMeta(s, "vecprop.optimizer", "k".repeat(100_000)),
                    "the file holds the state of a " + "k".repeat(200) + "... (99800 more characters) optimizer"),
            new Bad("a moment of vecprop's layout", s -> withTensor(s, "0.weight.exp_avg", Tensor.of(new float[54], 6, 9)),
                    "tensor \"0.weight.exp_avg\" has shape [6, 9], this optimizer's is [9, 6]"),
        };
        Adam target = new Adam(Network.mlp(BATCH, 11, SIZES), AdamOptions.adamW(1e-3f));
        train(target.network(), target, 3);
        SafeTensors before = target.state();
        for (Bad bad : bads) {
            SafeTensors changed = bad.change().apply(good);
            FileRejectedException e = assertThrows(FileRejectedException.class, () -> target.loadState(changed), bad.what());
            assertTrue(e.getMessage().contains(bad.fragment()), bad.what() + ": " + e.getMessage());
            // through a real file too
            Path f = dir.resolve("bad.safetensors");
            changed.write(f);
            assertThrows(FileRejectedException.class, () -> target.loadState(f), bad.what() + " (file)");
            assertEquals(before.metadata(), target.state().metadata(), bad.what() + ": nothing loaded");
            for (String name : before.tensors().keySet()) {
                Compare.sameArray(before.tensors().get(name).toArray(), target.state().tensors().get(name).toArray(),
                        bad.what() + ": " + name + " unchanged");
            }
        }
        // A truncated file is malformed: the reader's own rejection, also a FileRejectedException.
        Path f = dir.resolve("truncated.safetensors");
        byte[] bytes = good.toBytes();
        Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length - 5));
        assertThrows(FileRejectedException.class, () -> target.loadState(f));
        assertEquals(1, target.steps(), "nothing loaded");
    }
}
