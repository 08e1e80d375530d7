import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.vecprop.io.SafeTensors;
import org.vecprop.io.Tensor;

/**
 * Writes the file the README's "Load a PyTorch model" block reads: what
 * {@code safetensors.torch.save_file(model.state_dict(), "model.safetensors")} writes for
 * {@code nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))}, so that
 * scripts/check-consumer can run that block without Python and PyTorch. The layout is PyTorch's,
 * not vecprop's: tensors {@code 0.weight} {@code [256, 784]} and {@code 2.weight}
 * {@code [10, 256]} (out x in), {@code 0.bias} and {@code 2.bias}, no metadata (save_file writes
 * none unless asked). That files Python's safetensors writes load the same way is checked by
 * scripts/check-safetensors.
 *
 * <p>Usage (the library on the class path): {@code java -cp vecprop.jar TorchStateDict.java FILE}.
 */
public final class TorchStateDict {
    private TorchStateDict() {}

    /**
     * Writes the file.
     *
     * @param args the file to write
     * @throws IOException if it cannot be written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java -cp vecprop.jar TorchStateDict.java FILE");
            System.exit(2);
        }
        SplittableRandom random = new SplittableRandom(784_256_10L);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("0.weight", uniform(random, 1 / Math.sqrt(784), 256, 784));
        tensors.put("0.bias", uniform(random, 1 / Math.sqrt(784), 256));
        tensors.put("2.weight", uniform(random, 1 / Math.sqrt(256), 10, 256));
        tensors.put("2.bias", uniform(random, 1 / Math.sqrt(256), 10));
        new SafeTensors(tensors, Map.of()).write(Path.of(args[0]));
    }

    /** nn.Linear's default initialisation, U(-bound, bound) with bound = 1/sqrt(in). */
    private static Tensor uniform(SplittableRandom random, double bound, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = (float) random.nextDouble(-bound, bound);
        }
        return Tensor.of(data, shape);
    }
}
