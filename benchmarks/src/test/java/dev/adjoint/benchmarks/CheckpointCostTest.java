package dev.adjoint.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The two gradients the checkpointing benchmark compares are bitwise the same, and forward mode's. */
class CheckpointCostTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 99, 100, 101, 5_000, 123_457})
    void checkpointedAndRecordedGradientsAreBitwiseEqual(int steps) {
        CheckpointCost bench = new CheckpointCost();
        bench.steps = steps;
        double primal = bench.primal();
        assertEquals(primal, bench.recorded(), 0.0);
        assertEquals(primal, bench.checkpointed(), 0.0);
        assertEquals(bench.recorded.x, bench.checkpointed.x, 0.0);
        assertEquals(bench.tangent(), bench.checkpointed.x, 1e-15);
        if (steps < 400) { // beyond, the derivative (0.18 per step) underflows to 0
            assertTrue(Math.abs(bench.checkpointed.x) > 1e-300, "a derivative worth comparing: " + bench.checkpointed.x);
        }
    }
}
