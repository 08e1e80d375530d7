package org.vecprop.contract;

/**
 * Where each figure of a matrix summary lands in its {@code double[4]} output: the layout
 * {@code org.vecprop.kernel.Stats.summarize} and the oracle's {@code ReferenceStats.summarize}
 * both write, defined once here so the two cannot disagree.
 */
public final class SummaryIndex {
    private SummaryIndex() {}

    /** The sum of squares of the finite elements. */
    public static final int SUM_SQUARES = 0;
    /** The largest absolute value among the finite elements (0 if there is none). */
    public static final int MAX_ABS = 1;
    /** The count of NaN elements. */
    public static final int NAN_COUNT = 2;
    /** The count of infinite elements. */
    public static final int INF_COUNT = 3;
    /** How many doubles a summary takes. */
    public static final int LENGTH = 4;
}
