package org.vecprop.nn;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vecprop.contract.Checks;
import org.vecprop.kernel.Reduction;

/**
 * Which loss a {@link Network} trains with: a value, described as PyTorch would write the module
 * (its {@code toString()}: {@code MSELoss()}, {@code CrossEntropyLoss(label_smoothing=0.1)},
 * {@code BCEWithLogitsLoss(pos_weight=[3.0])}), saved in a network's file and read back by
 * {@link Network#load}.
 *
 * <ul>
 *   <li>{@link #mse()}: the mean of {@code (P - T)^2} over the batch's elements; targets are floats
 *       ({@link Network#loss(float[], int, int)}); the outputs are the predictions.</li>
 *   <li>{@link #crossEntropy()}: softmax cross-entropy over the outputs (logits) with one class
 *       label per row ({@link Network#loss(int[], int)}), fused with its gradient
 *       ({@link org.vecprop.kernel.CrossEntropy}); {@link Network#probabilities} gives the
 *       softmax.</li>
 *   <li>{@link #binaryCrossEntropyWithLogits()}: an independent sigmoid probability per output (a
 *       click, a fraud score, the labels of a multi-label problem), targets floats in [0, 1]
 *       ({@link org.vecprop.kernel.BinaryCrossEntropy}); {@link Network#probabilities} gives the
 *       sigmoids.</li>
 * </ul>
 */
public sealed interface Loss {
    /**
     * {@return the mean squared error, PyTorch's {@code MSELoss()}}
     */
    static Loss mse() {
        return new Mse();
    }

    /**
     * {@return softmax cross-entropy with class labels, mean over the batch, no smoothing: PyTorch's {@code CrossEntropyLoss()}}
     */
    static Loss crossEntropy() {
        return new CrossEntropy(Reduction.MEAN, 0f);
    }

    /**
     * Softmax cross-entropy with class labels, PyTorch's
     * {@code CrossEntropyLoss(reduction, label_smoothing)}.
     *
     * @param reduction the mean over the batch's rows or the sum
     * @param labelSmoothing in [0, 1]: the target is {@code (1 - eps)} on the label plus
     *     {@code eps / classes} on every class
     * @return the loss
     * @throws NullPointerException if {@code reduction} is null
     * @throws IllegalArgumentException for a smoothing outside [0, 1]
     */
    static Loss crossEntropy(Reduction reduction, float labelSmoothing) {
        return new CrossEntropy(reduction, labelSmoothing);
    }

    /**
     * {@return binary cross-entropy with logits, mean over the elements, no weights: PyTorch's {@code BCEWithLogitsLoss()}}
     */
    static Loss binaryCrossEntropyWithLogits() {
        return new BinaryCrossEntropyWithLogits(Reduction.MEAN, null);
    }

    /**
     * Binary cross-entropy with logits, PyTorch's {@code BCEWithLogitsLoss(reduction, pos_weight)}.
     *
     * @param reduction the mean over the batch's elements or the sum
     * @param posWeight null, or one weight per output for its positive class (copied), each
     *     finite and {@code >= 0}
     * @return the loss
     * @throws NullPointerException if {@code reduction} is null
     * @throws IllegalArgumentException for a weight that is negative or not finite
     */
    static Loss binaryCrossEntropyWithLogits(Reduction reduction, float[] posWeight) {
        return new BinaryCrossEntropyWithLogits(reduction, posWeight);
    }

    /** {@return whether the targets are class labels ({@code int}s) rather than floats} */
    boolean takesLabels();

    /**
     * Mean squared error.
     */
    record Mse() implements Loss {
        @Override
        public boolean takesLabels() {
            return false;
        }

        @Override
        public String toString() {
            return "MSELoss()";
        }
    }

    /**
     * Softmax cross-entropy with class labels.
     *
     * @param reduction the mean over rows or the sum
     * @param labelSmoothing in [0, 1]
     */
    record CrossEntropy(Reduction reduction, float labelSmoothing) implements Loss {
        /**
         * Checks the values.
         *
         * @throws NullPointerException if {@code reduction} is null
         * @throws IllegalArgumentException for a smoothing outside [0, 1]
         */
        public CrossEntropy {
            Objects.requireNonNull(reduction, "reduction must not be null");
            if (!(labelSmoothing >= 0f && labelSmoothing <= 1f)) {
                throw new IllegalArgumentException("labelSmoothing must be in [0, 1], got " + labelSmoothing);
            }
        }

        @Override
        public boolean takesLabels() {
            return true;
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder();
            if (reduction != Reduction.MEAN) {
                s.append("reduction='").append(reduction.name().toLowerCase(Locale.ROOT)).append('\'');
            }
            if (labelSmoothing != 0f) {
                s.append(s.isEmpty() ? "" : ", ").append("label_smoothing=").append(labelSmoothing);
            }
            return "CrossEntropyLoss(" + s + ")";
        }
    }

    /**
     * Binary cross-entropy with logits.
     *
     * @param reduction the mean over elements or the sum
     * @param posWeight null, or one weight per output (kept as a copy)
     */
    record BinaryCrossEntropyWithLogits(Reduction reduction, float[] posWeight) implements Loss {
        /**
         * Checks the values and copies the weights.
         *
         * @throws NullPointerException if {@code reduction} is null
         * @throws IllegalArgumentException for a weight that is negative or not finite
         */
        public BinaryCrossEntropyWithLogits {
            Objects.requireNonNull(reduction, "reduction must not be null");
            if (posWeight != null) {
                posWeight = posWeight.clone();
                for (int i = 0; i < posWeight.length; i++) {
                    Checks.nonNegative("posWeight[" + i + "]", posWeight[i]);
                }
            }
        }

        /** {@return a copy of the positive weights, or null} */
        @Override
        public float[] posWeight() {
            return posWeight == null ? null : posWeight.clone();
        }

        /** The weights themselves, for the network's kernel call (never written). */
        float[] weights() {
            return posWeight;
        }

        @Override
        public boolean takesLabels() {
            return false;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BinaryCrossEntropyWithLogits b && b.reduction == reduction
                    && Arrays.equals(b.posWeight, posWeight);
        }

        @Override
        public int hashCode() {
            return 31 * reduction.hashCode() + Arrays.hashCode(posWeight);
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder();
            if (reduction != Reduction.MEAN) {
                s.append("reduction='").append(reduction.name().toLowerCase(Locale.ROOT)).append('\'');
            }
            if (posWeight != null) {
                s.append(s.isEmpty() ? "" : ", ").append("pos_weight=").append(Arrays.toString(posWeight));
            }
            return "BCEWithLogitsLoss(" + s + ")";
        }
    }

    /**
     * Reads a loss back from its {@code toString()} form (a network file's metadata).
     *
     * @param text what a loss's {@code toString()} wrote
     * @return the loss
     * @throws NullPointerException if {@code text} is null
     * @throws IllegalArgumentException if the text is not one of the forms {@code toString()} writes
     */
    static Loss parse(String text) {
        Objects.requireNonNull(text, "text must not be null");
        if (text.equals("MSELoss()")) {
            return mse();
        }
        Matcher m = Pattern.compile("(CrossEntropyLoss|BCEWithLogitsLoss)\\((.*)\\)").matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("loss \"" + text + "\" is not one vecprop writes"
                    + " (MSELoss(), CrossEntropyLoss(...), BCEWithLogitsLoss(...))");
        }
        boolean ce = m.group(1).equals("CrossEntropyLoss");
        Reduction reduction = Reduction.MEAN;
        float smoothing = 0f;
        float[] weights = null;
        String rest = m.group(2);
        Matcher r = Pattern.compile("^reduction='(mean|sum)'(, )?").matcher(rest);
        if (r.find()) {
            reduction = Reduction.valueOf(r.group(1).toUpperCase(Locale.ROOT));
            rest = rest.substring(r.end());
        }
        try {
            if (ce && rest.startsWith("label_smoothing=")) {
                smoothing = Float.parseFloat(rest.substring("label_smoothing=".length()));
                rest = "";
            } else if (!ce && rest.startsWith("pos_weight=[") && rest.endsWith("]")) {
                String[] parts = rest.substring("pos_weight=[".length(), rest.length() - 1).split(", ");
                weights = new float[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    weights[i] = Float.parseFloat(parts[i]);
                }
                rest = "";
            }
        } catch (NumberFormatException e) {
            rest = "?";
        }
        if (!rest.isEmpty()) {
            throw new IllegalArgumentException("loss \"" + text + "\" is not one vecprop writes");
        }
        return ce ? crossEntropy(reduction, smoothing) : binaryCrossEntropyWithLogits(reduction, weights);
    }
}
