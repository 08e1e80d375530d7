package org.vecprop.contract;

/**
 * vecprop's order of arithmetic: the one definition of every kernel's result that every
 * implementation (the Vector API kernels at any width, the scalar fallback, in any JIT tier)
 * follows operation by operation, so that a call returns the same bits whatever runs it.
 *
 * <p>Java's float arithmetic is strict IEEE 754 binary32 with round-to-nearest-even and no
 * contraction, and {@link Math#fma} and the Vector API's lane-wise {@code fma} are the exactly
 * rounded fused multiply-add; lane-wise vector operations are the scalar operation on each lane.
 * So two implementations that perform the same operations on the same operands in the same
 * order agree bit for bit, and the order is all that has to be pinned down. (NaN payloads are
 * not specified by Java and not promised: any NaN result is a NaN in every implementation.)
 *
 * <h2>GEMM: {@code C = f(alpha * op(A) * op(B) + beta * C + bias)}</h2>
 * For each element {@code c[i][j]}, the depth {@code 0 <= p < k} is cut into blocks of
 * {@link #DEPTH_BLOCK} starting at 0 (the last may be shorter). For block {@code q}:
 * {@code acc = 0; for p in block, in increasing order: acc = fma(op(A)[i][p], op(B)[p][j], acc)};
 * then, for the first block, {@code v = alpha * acc} if {@code beta == 0} (C is not read) else
 * {@code v = alpha * acc + beta * c[i][j]}; for every later block {@code v = alpha * acc + v}
 * (each product and sum rounded separately). After the last block, if there is a bias,
 * {@code v = v + bias[j]}; then the activation {@code v = f(v)}; then {@code c[i][j] = v}. With
 * {@code alpha == 0} or {@code k == 0}: {@code v = beta == 0 ? 0 : beta * c[i][j]}, then bias and
 * activation as above. How C is tiled, packed or split across threads does not enter the
 * definition.
 *
 * <h2>Sums over many elements (MSE loss, sum of squares, binary cross-entropy)</h2>
 * The elements are taken in row-major order, {@code e = i * cols + j} (the leading dimension
 * does not matter). Term {@code e} goes to virtual lane {@code e mod} {@link #REDUCTION_LANES},
 * a float accumulator updated by {@code fma(d, d, lane)} (MSE: {@code d = p - t}; sum of squares:
 * {@code d = x}, non-finite elements contributing {@code +0}), or by {@code lane + l} (binary
 * cross-entropy: {@code l} the element's loss, below). After every
 * {@link #REDUCTION_CHUNK} elements, and after the last one, each float lane is added to its own
 * double lane ({@code dlane[v] += lane[v]}) and reset to 0. At the end the double lanes are added
 * pairwise: for {@code half = 32, 16, ..., 1}, {@code dlane[v] = dlane[v] + dlane[v + half]} for
 * every {@code v < half}, and the sum is {@code dlane[0]}. (MSE then divides by {@code n} in double and rounds
 * once to float.)
 *
 * <h2>Row sums (softmax, log-softmax, cross-entropy)</h2>
 * The terms of row i are taken for {@code j = 0, 1, ..., cols - 1}: term j goes to virtual lane
 * {@code j mod} {@link #ROW_LANES}, a float starting at +0 and updated by {@code lane + term}.
 * After every {@link #ROW_CHUNK} elements of the row and after its last, the lanes are added
 * pairwise into one float (for {@code half = 8, 4, 2, 1}: {@code lane[v] = lane[v] + lane[v + half]}
 * for every {@code v < half}; the chunk's sum is {@code lane[0]}), which is added to a double
 * total starting at 0 ({@code total = total + chunk}), and the lanes are reset to +0. The row's
 * sum is the double total.
 *
 * <h2>Softmax, log-softmax and cross-entropy over logits</h2>
 * For each row (n = cols logits {@code x_j}):
 * <ol>
 *   <li>{@code m = max_j x_j} ({@link Math#max}: NaN if any logit is NaN; exact, in any order).</li>
 *   <li>{@code d_j = x_j - m}, {@code e_j = exp(d_j)} (vecprop's own exp, as for sigmoid).</li>
 *   <li>{@code c} = the number of j with {@code x_j == m}; {@code S} = the row sum of the terms
 *       {@code x_j == m ? 0 : e_j}; {@code z = (float) ((c - 1) + S)} (in double, rounded once);
 *       {@code s = 1 + z}; {@code inv = 1 / s}. (The logits equal to the maximum contribute
 *       exactly 1 each to {@code sum_j e_j = c + S}; leaving them out of z keeps
 *       {@code log1p(z)} accurate when one class dominates, where {@code log(s)} would round
 *       to 0.)</li>
 *   <li>Softmax: {@code y_j = e_j * inv}. Log-softmax: {@code lse = log1p(z)} (vecprop's own
 *       log1p), {@code y_j = d_j - lse}.</li>
 *   <li>Cross-entropy of the row with label l, label smoothing eps and C = cols classes, with
 *       {@code a = 1 - eps} and {@code b = eps / C} (floats): {@code lse = log1p(z)}; without
 *       smoothing ({@code eps == 0}) {@code loss = lse - d_l}, else
 *       {@code loss = fma(-b, D, fma(-a, d_l, lse))}, D the row sum of the {@code d_j} rounded to
 *       float. The gradient {@code dz_j = fma(e_j, inv, -t_j) * g} with {@code t_j = a + b} for
 *       {@code j == l} and {@code b} otherwise, {@code g = 1} for a sum and {@code 1f / rows} for
 *       a mean. The batch's loss is the double sum of the rows' losses in row order from 0,
 *       divided by rows in double for a mean, rounded once to float.</li>
 * </ol>
 *
 * <h2>Binary cross-entropy with logits</h2>
 * Per element, with logit x, target y and positive weight w of its column (1 without weights):
 * {@code t = exp(-|x|)}, {@code sp = log1p(t)}, {@code lw = fma(w - 1, y, 1)}, {@code py = w * y};
 * the loss {@code l = fma(lw, sp, x >= 0 ? x * (1 - y) : -x * py)}; the gradient
 * {@code g_e = fma(q, lw, -py) * g} with {@code q = (x >= 0 ? 1 : t) / (1 + t)} (the sigmoid) and
 * {@code g = 1} for a sum, {@code 1f / (rows * cols)} for a mean. The loss is the sum over many
 * elements above, divided by {@code rows * cols} in double for a mean, rounded once to float.
 *
 * <h2>Column sums (bias gradient)</h2>
 * {@code db[j]}: a float sum from 0, adding {@code dz[i][j]} for {@code i = 0, 1, ...} in order;
 * then {@code db[j] = sum} or, accumulating, {@code db[j] = db[j] + sum}.
 *
 * <h2>Element-wise operations</h2>
 * ReLU and its derivatives, the bias add, the SGD update (Adam: below), the MSE gradient
 * {@code g = 2 * (p - t) / n}: each element by the formula its kernel's javadoc gives, which the
 * oracle in {@code org.vecprop.reference} spells out as plain loops.
 *
 * <p>Sigmoid and tanh, forward (the kernels and the GEMM epilogue alike): vecprop's own
 * {@code sigmoid(x)} and {@code tanh(x)}, the float functions of
 * {@code org.vecprop.internal.math.FloatExp} (their vector form performs the same operations per
 * lane). Their backward passes take the stored activation {@code a} and one FMA for the
 * derivative, then one product: sigmoid {@code dz = dy * fma(-a, a, a)} ({@code a(1 - a)}
 * rounded once), tanh {@code dz = dy * fma(-a, a, 1)} ({@code 1 - a²} rounded once). Fused with
 * the bias gradient, {@code db} is the column sums above of the dz written. (Here the oracle
 * computes in double and rounds once, so it is the accuracy yardstick, not the order.)
 *
 * <h2>Adam and AdamW ({@code org.vecprop.kernel.Update.adam})</h2>
 * PyTorch's algorithm ({@code torch.optim.Adam}, {@code AdamW}) in a fixed float order. Once per
 * step {@code t >= 1}, in double, each rounded once to float: {@code s = lr / (1 - beta1^t)}
 * ({@link #adamStepSize}), {@code r = sqrt(1 - beta2^t)} ({@link #adamRootCorrection}), and for
 * AdamW {@code d = 1 - lr * weightDecay} ({@link #adamDecay}); powers by {@link StrictMath#pow},
 * so they are the same bits on every JVM. Then per element, in this order:
 * Adam with {@code weightDecay != 0}: {@code g = fma(weightDecay, w, g)}; AdamW with
 * {@code weightDecay != 0}: {@code w = w * d}; {@code m = fma(1 - beta1, g - m, m)} (PyTorch's
 * {@code lerp}); {@code v = fma(1 - beta2, g * g, beta2 * v)}; {@code q = m / (sqrt(v) / r + eps)};
 * {@code w = fma(-s, q, w)}; then {@code g = 0} if asked ({@code 1 - beta} is exact in float for
 * {@code beta} in {@code [0.5, 1)}, and rounded once otherwise; {@code sqrt} is the correctly
 * rounded float square root).
 */
public final class ArithmeticOrder {
    private ArithmeticOrder() {}

    /**
     * GEMM's depth block: a chain of at most this many FMAs per element before the partial sum
     * joins the running value. 128 keeps a {@code KC x NR} packed panel of B at 16 KiB with
     * 512-bit vectors and bounds the error growth of one chain.
     */
    public static final int DEPTH_BLOCK = 128;

    /**
     * Virtual lanes of every long sum: enough independent accumulators that the fixed order
     * does not serialise (4 vectors of 16 lanes at 512 bits, 8 of 8 at 256, 16 of 4 at 128).
     */
    public static final int REDUCTION_LANES = 64;

    /**
     * Elements summed in float lanes before the lanes are folded into double: 16 terms per
     * lane, which bounds a lane's relative rounding error by about {@code 16 * 2^-24}.
     */
    public static final int REDUCTION_CHUNK = 16 * REDUCTION_LANES;

    /**
     * Adam's step size for step {@code t}: {@code lr / (1 - beta1^t)} in double, rounded once.
     *
     * @param lr the learning rate
     * @param beta1 the first moment's decay, in {@code [0, 1)}
     * @param t the step, {@code >= 1}
     * @return the step size as a float
     */
    public static float adamStepSize(float lr, float beta1, long t) {
        return (float) (lr / (1.0 - StrictMath.pow(beta1, (double) t)));
    }

    /**
     * Adam's second bias correction under the root for step {@code t}:
     * {@code sqrt(1 - beta2^t)} in double, rounded once.
     *
     * @param beta2 the second moment's decay, in {@code [0, 1)}
     * @param t the step, {@code >= 1}
     * @return the root of the correction as a float
     */
    public static float adamRootCorrection(float beta2, long t) {
        return (float) Math.sqrt(1.0 - StrictMath.pow(beta2, (double) t));
    }

    /**
     * AdamW's decoupled weight decay factor: {@code 1 - lr * weightDecay} in double, rounded once.
     *
     * @param lr the learning rate
     * @param weightDecay the decay
     * @return the factor the weights are multiplied by before the step
     */
    public static float adamDecay(float lr, float weightDecay) {
        return (float) (1.0 - (double) lr * weightDecay);
    }

    /**
     * Virtual lanes of a row sum (softmax, log-softmax, cross-entropy): one vector of 16 lanes at
     * 512 bits, two of 8 at 256, four of 4 at 128; few enough that a row of 10 classes costs
     * only a 15-addition fold.
     */
    public static final int ROW_LANES = 16;

    /**
     * Elements of a row summed in float lanes before the lanes are folded into the row's double
     * total: 16 terms per lane, which bounds the chunk's relative rounding error by about
     * {@code (16 + 4) * 2^-24} for non-negative terms, for rows of any length.
     */
    public static final int ROW_CHUNK = 16 * ROW_LANES;
}
