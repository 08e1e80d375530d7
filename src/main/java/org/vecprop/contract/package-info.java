/**
 * What every implementation of vecprop agrees on, kept apart from all of them: the argument
 * rules every public entry point enforces before it writes anything ({@link
 * org.vecprop.contract.Checks}) and the layout of outputs shared by the kernels and the oracle
 * ({@link org.vecprop.contract.SummaryIndex}).
 *
 * <p>Depends on nothing else in vecprop; the kernels, the oracle and the layers depend on it.
 * Not exported: it is not part of the public API.
 */
package org.vecprop.contract;
