package com.example.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vecprop.kernel.Simd;

/** docs/running.md's Surefire block (argLine --add-modules jdk.incubator.vector) gives tests SIMD. */
class SimdInTestsTest {
    @Test
    void surefireArgLineTurnsSimdOn() {
        assertTrue(Simd.enabled(), Simd.description());
    }
}
