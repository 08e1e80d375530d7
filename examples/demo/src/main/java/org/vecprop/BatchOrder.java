package org.vecprop;

import java.util.Objects;

/**
 * The order in which {@code scripts/demo fashion} visits its data, defined so that another
 * language can reproduce it exactly: {@code scripts/fashion_numpy.py} (the NumPy peer run) has the
 * same generator and shuffle, and the two runs see the same validation split and the same batches.
 *
 * <ul>
 *   <li>The generator is SplitMix64 (Steele, Lea and Flood, 2014) with 64-bit wrap-around: add
 *       {@code 0x9E3779B97F4A7C15} to the state, then mix it with
 *       {@code z = (z ^ z >>> 30) * 0xBF58476D1CE4E5B9}, {@code z = (z ^ z >>> 27) * 0x94D049BB133111EB},
 *       {@code z ^ z >>> 31}. Seed 0 gives {@code 0xE220A8397B1DCDAF} first, as the reference C
 *       code does.</li>
 *   <li>{@link #below(int) below(bound)} is the next value, read as an unsigned 64-bit integer,
 *       modulo {@code bound} (a bias below {@code bound / 2^64}, negligible here, and one line in
 *       any language: Python's {@code next() % bound}).</li>
 *   <li>A shuffle of {@code 0 .. n-1} is Fisher-Yates from the top: for {@code i = n-1} down to
 *       1, swap {@code a[i]} and {@code a[below(i + 1)]}, from a fresh generator seeded with the
 *       shuffle's seed.</li>
 *   <li>The split: shuffle the {@code examples} indices with seed {@code S}; the last
 *       {@code validation} of them are the validation set, the others, in that order, the
 *       training set. Epoch {@code e} (from 0) visits training positions in the order of a shuffle
 *       of {@code 0 .. train-1} with seed {@code S + 1 + e}, in batches of consecutive positions
 *       (the last one shorter).</li>
 * </ul>
 *
 * <p>A shuffle into a caller's array ({@link #shuffle(int[], int, long)},
 * {@link #epoch(int, int[])}) allocates nothing: the training loop calls it once per epoch.
 */
public final class BatchOrder {
    private static final long GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    /**
     * A generator at the start of the sequence of {@code seed}.
     *
     * @param seed any value; Python's seed is the same 64 bits ({@code seed mod 2^64})
     */
    public BatchOrder(long seed) {
        this.state = seed;
    }

    /** {@return the next 64 bits of the sequence} */
    public long next() {
        state += GAMMA;
        return mix(state);
    }

    /** SplitMix64's output function of a state. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The next value as an unsigned 64-bit integer, modulo {@code bound}.
     *
     * @param bound {@code >= 1}
     * @return an int in {@code [0, bound)}
     * @throws IllegalArgumentException if {@code bound < 1}
     */
    public int below(int bound) {
        if (bound < 1) {
            throw new IllegalArgumentException("bound must be >= 1, got " + bound);
        }
        return (int) Long.remainderUnsigned(next(), bound);
    }

    /**
     * Writes {@code 0 .. n-1} shuffled with {@code seed} into {@code a[0 .. n-1]}. Allocates
     * nothing.
     *
     * @param a where the permutation goes, at least {@code n} long
     * @param n how many indices, {@code >= 0}
     * @param seed the shuffle's seed
     * @throws NullPointerException if {@code a} is null
     * @throws IllegalArgumentException if {@code n} is negative or above {@code a.length}
     */
    public static void shuffle(int[] a, int n, long seed) {
        Objects.requireNonNull(a, "a must not be null");
        if (n < 0 || n > a.length) {
            throw new IllegalArgumentException("n must be in [0, a.length = " + a.length + "], got " + n);
        }
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        long state = seed; // the generator inline, as next() and below(): no object per shuffle
        for (int i = n - 1; i > 0; i--) {
            state += GAMMA;
            int j = (int) Long.remainderUnsigned(mix(state), i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /**
     * {@return {@code 0 .. n-1} shuffled with {@code seed}, in a new array}
     *
     * @param n how many indices, {@code >= 0}
     * @param seed the shuffle's seed
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public static int[] shuffled(int n, long seed) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        int[] a = new int[n];
        shuffle(a, n, seed);
        return a;
    }

    /**
     * The split of a training set into training and validation examples, and each epoch's order.
     *
     * @param train the training examples, as indices into the full set, in the order the
     *     split's shuffle left them (position {@code p} of an epoch's order is example
     *     {@code train[p]})
     * @param validation the validation examples, as indices into the full set
     * @param seed the split's seed {@code S}; epoch {@code e} is shuffled with {@code S + 1 + e}
     */
    public record Split(int[] train, int[] validation, long seed) {
        /**
         * Writes epoch {@code e}'s order of training positions (indices into {@link #train()},
         * not into the full set) into {@code order}. Allocates nothing.
         *
         * @param e the epoch, from 0
         * @param order at least {@code train().length} long
         * @throws NullPointerException if {@code order} is null
         * @throws IllegalArgumentException if {@code e} is negative or order is too short
         */
        public void epoch(int e, int[] order) {
            if (e < 0) {
                throw new IllegalArgumentException("e must be >= 0, got " + e);
            }
            shuffle(order, train.length, seed + 1 + e);
        }
    }

    /**
     * Splits {@code examples} examples: shuffled with {@code seed}, the last {@code validation}
     * are the validation set.
     *
     * @param examples how many examples, {@code >= 0}
     * @param validation how many go to validation, in {@code [0, examples]}
     * @param seed the split's seed
     * @return the split
     * @throws IllegalArgumentException for a count out of range
     */
    public static Split split(int examples, int validation, long seed) {
        if (examples < 0) {
            throw new IllegalArgumentException("examples must be >= 0, got " + examples);
        }
        if (validation < 0 || validation > examples) {
            throw new IllegalArgumentException("validation must be in [0, examples = " + examples
                    + "], got " + validation);
        }
        int[] all = shuffled(examples, seed);
        int train = examples - validation;
        return new Split(java.util.Arrays.copyOf(all, train),
                java.util.Arrays.copyOfRange(all, train, examples), seed);
    }
}
