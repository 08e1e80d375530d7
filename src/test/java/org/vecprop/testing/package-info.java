/**
 * Test support shared by the test packages: how properties run ({@link org.vecprop.testing.Props}),
 * seeded data with special values ({@link org.vecprop.testing.Values}), comparisons with the
 * reference ({@link org.vecprop.testing.Compare}), assertions on rejected calls, and the vector
 * length of the run. A helper used by one test package stays in that package.
 */
package org.vecprop.testing;
