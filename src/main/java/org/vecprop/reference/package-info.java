/**
 * The oracle: every operation of vecprop written as plain loops straight from its mathematical
 * definition, for tests (and for anyone testing numerical code) to hold the kernels against.
 *
 * <p>Readable next to the article's math rather than fast: no blocking, no vectors, one element
 * at a time. Each class states its own rounding (for example {@link
 * org.vecprop.reference.ReferenceGemm} sums left to right without FMA); the kernels' javadoc
 * states their error bound against it. The reference validates its arguments with the same
 * rules and exceptions as the kernels ({@code org.vecprop.contract.Checks}; a null argument is
 * a {@link java.lang.NullPointerException} naming it) and calls no kernel.
 */
package org.vecprop.reference;
