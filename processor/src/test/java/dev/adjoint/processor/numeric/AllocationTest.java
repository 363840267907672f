package dev.adjoint.processor.numeric;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.management.ThreadMXBean;
import dev.adjoint.processor.fixtures.ConstructsAdjoint;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The pullback of loop-free code allocates nothing: measured with the JVM's per-thread allocation
 * counter over a million calls after warm-up. (Speed is measured with JMH, never here.)
 */
class AllocationTest {

    private static final int CALLS = 1_000_000;

    @Test
    void pullbackAllocatesNothingPerCall() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        ConstructsAdjoint.LongChainGradient into = new ConstructsAdjoint.LongChainGradient();
        double sink = run(into, 200_000); // warm-up: let the JIT compile the pullback
        long before = threads.getThreadAllocatedBytes(thread);
        sink += run(into, CALLS);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        // the counter itself may cost a few bytes; a single allocation per call would be 16+ MB
        assertEquals(0.0, (double) allocated / CALLS, 0.001, "bytes per call (sink " + sink + ")");
    }

    private static double run(ConstructsAdjoint.LongChainGradient into, int calls) {
        double sum = 0;
        for (int i = 0; i < calls; i++) {
            double a = 0.3 + (i & 7) * 0.01;
            sum += ConstructsAdjoint.longChainPullback(a, 0.4, 0.5, 0.6, 0.7, 1.0, into);
        }
        return sum + into.a;
    }
}
