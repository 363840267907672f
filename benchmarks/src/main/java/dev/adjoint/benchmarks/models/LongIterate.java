package dev.adjoint.benchmarks.models;

import dev.adjoint.Differentiable;

/**
 * The checkpointing benchmark's model: {@code x = sin(x) + x/2} for {@link #STEPS} = 10,000,000
 * steps, differentiated twice, recording every iteration for the reverse sweep ({@link #recorded},
 * 80 MB of values on the thread's stack) and with binomial checkpointing, 100 snapshots
 * ({@link #checkpointed}). Both inline the same loop, so their gradients are bitwise equal (the
 * test checks it at a shorter length).
 */
public final class LongIterate {

    /** The step count of the target. */
    public static final int STEPS = 10_000_000;
    /** The snapshots of {@link #checkpointed}. */
    public static final int SNAPSHOTS = 100;

    private LongIterate() {}

    private static double iterate(double x, int steps) {
        for (int i = 0; i < steps; i++) {
            x = Math.sin(x) + 0.5 * x;
        }
        return x;
    }

    @Differentiable
    public static double recorded(double x, int steps) {
        return iterate(x, steps);
    }

    @Differentiable(checkpoints = SNAPSHOTS)
    public static double checkpointed(double x, int steps) {
        return iterate(x, steps);
    }
}
