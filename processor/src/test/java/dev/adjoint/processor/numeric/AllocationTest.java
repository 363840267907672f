package dev.adjoint.processor.numeric;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.management.ThreadMXBean;
import dev.adjoint.processor.fixtures.ConstructsAdjoint;
import dev.adjoint.processor.fixtures.ControlFlowAdjoint;
import java.lang.management.ManagementFactory;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * The pullback of loop-free code allocates nothing, nor does forward mode's tangent, loops
 * included: measured with the JVM's per-thread allocation counter over a million calls after
 * warm-up. (Speed is measured with JMH, never here.)
 */
class AllocationTest {

    private static final int CALLS = 1_000_000;

    @Test
    void pullbackAllocatesNothingPerCall() {
        ConstructsAdjoint.LongChainGradient into = new ConstructsAdjoint.LongChainGradient();
        assertAllocatesNothing(i -> ConstructsAdjoint.longChainPullback(0.3 + (i & 7) * 0.01, 0.4, 0.5, 0.6, 0.7, 1.0, into)
                + into.a);
    }

    @Test
    void tangentAllocatesNothingPerCallLoopsAndArraysIncluded() {
        assertAllocatesNothing(i -> ConstructsAdjoint.longChainTangent(0.3 + (i & 7) * 0.01, 0.4, 0.5, 0.6, 0.7,
                1.0, 0.0, 0.5, 0.0, -1.0));
        assertAllocatesNothing(i -> ControlFlowAdjoint.overwriteLoopTangent(0.3 + (i & 7) * 0.01, 1.0));
        double[] x = {0.3, 0.5, 0.7, 0.2, 0.4};
        double[] dx = {1.0, -0.5, 0.25, 0.0, 2.0};
        assertAllocatesNothing(i -> ControlFlowAdjoint.rosenbrockTangent(x, dx) + (i & 1));
    }

    private static void assertAllocatesNothing(IntToDoubleFunction call) {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        double sink = run(call, 200_000); // warm-up: let the JIT compile the generated code
        long before = threads.getThreadAllocatedBytes(thread);
        sink += run(call, CALLS);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        // a single allocation per call would be 16+ MB (16 bytes a call); a one-off of a few KB (the
        // counter, a recompilation on a loaded machine: 1,864 bytes once) is not the generated code's
        assertEquals(0.0, (double) allocated / CALLS, 0.1, "bytes per call (sink " + sink + ")");
    }

    private static double run(IntToDoubleFunction call, int calls) {
        double sum = 0;
        for (int i = 0; i < calls; i++) {
            sum += call.applyAsDouble(i);
        }
        return sum;
    }
}
