/**
 * A check of every public kernel on the machine it runs on: {@link org.vecprop.selftest.SelfTest}
 * warms the kernels up until the JIT has compiled them, then holds them against the oracle in
 * {@link org.vecprop.reference} with the bounds the kernels document, and reports the verdict
 * with the facts about the CPU and JVM that decide which code ran (see {@code docs/self-test.md}).
 *
 * <p>It sits above {@link org.vecprop.kernel}, as a user of the public kernels like any other:
 * it reaches no implementation package, so what it checks is exactly what an application calls.
 */
package org.vecprop.selftest;
