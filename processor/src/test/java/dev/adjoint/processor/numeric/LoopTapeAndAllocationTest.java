package dev.adjoint.processor.numeric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.management.ThreadMXBean;
import dev.adjoint.Tensor;
import dev.adjoint.processor.fixtures.ControlFlowAdjoint;
import dev.adjoint.processor.fixtures.FrozenAdjoint;
import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Loops, branches and arrays against the same functions built from the runtime tape's own
 * operations in ordinary Java loops; stop-gradient by hand (finite differences see through it);
 * and the allocation of a loop's pullback once warm.
 */
class LoopTapeAndAllocationTest {

    private static final double TOLERANCE = 1e-12;

    @Test
    void overwriteLoopAgainstTheTape() {
        Random random = new Random(4);
        for (int n = 0; n < 20; n++) {
            double xv = 0.2 + 0.6 * random.nextDouble();
            Tensor x0 = Tensor.scalar(xv).requiresGrad(true);
            Tensor x = x0;
            for (int i = 0; i < 50; i++) {
                x = x.sin().add(x.mul(0.5));
            }
            x.backward();
            assertEquals(x0.grad().item(), ControlFlowAdjoint.overwriteLoopGradient(xv).x, TOLERANCE);
        }
    }

    @Test
    void branchInLoopAgainstTheTape() {
        Random random = new Random(5);
        for (int n = 0; n < 20; n++) {
            double xv = 0.2 + 0.6 * random.nextDouble();
            double yv = 0.2 + 0.6 * random.nextDouble();
            Tensor x = Tensor.scalar(xv).requiresGrad(true);
            Tensor y = Tensor.scalar(yv).requiresGrad(true);
            Tensor s = Tensor.scalar(0);
            for (int i = 0; i < 6; i++) {
                s = i % 2 == 0 ? s.add(x.mul(i)) : s.mul(y);
            }
            s.backward();
            ControlFlowAdjoint.BranchInLoopGradient g = ControlFlowAdjoint.branchInLoopGradient(xv, yv);
            assertEquals(x.grad().item(), g.x, TOLERANCE);
            assertEquals(y.grad().item(), g.y, TOLERANCE);
        }
    }

    @Test
    void rosenbrockAgainstTheTape() {
        Random random = new Random(6);
        double[] xv = new double[7];
        for (int i = 0; i < xv.length; i++) {
            xv[i] = random.nextDouble() * 2 - 1;
        }
        Tensor[] x = new Tensor[xv.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = Tensor.scalar(xv[i]).requiresGrad(true);
        }
        Tensor s = Tensor.scalar(0);
        for (int i = 0; i < x.length - 1; i++) {
            Tensor a = x[i + 1].sub(x[i].mul(x[i]));
            Tensor b = Tensor.scalar(1).sub(x[i]);
            s = s.add(a.mul(a).mul(100)).add(b.mul(b));
        }
        s.backward();
        double[] tape = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            tape[i] = x[i].grad().item();
        }
        assertArrayEquals(tape, ControlFlowAdjoint.rosenbrockGradient(xv).x, 1e-10);
    }

    @Test
    void stopGradientTreatsItsValueAsAConstant() {
        double x = 0.3;
        double y = 0.7;
        // f = x · c + y with c = x y frozen: ∂f/∂x = c, ∂f/∂y = 1
        FrozenAdjoint.StopGradientGradient g = FrozenAdjoint.stopGradientGradient(x, y);
        assertEquals(x * y, g.x, 0.0);
        assertEquals(1.0, g.y, 0.0);
    }

    @Test
    void loopPullbackAllocatesNothingOnceWarm() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        ControlFlowAdjoint.OverwriteLoopGradient into = new ControlFlowAdjoint.OverwriteLoopGradient();
        double[] w = {0.3, 0.4, 0.5, 0.6, 0.7};
        double[] x = {0.1, 0.2, 0.3, 0.4, 0.5};
        ControlFlowAdjoint.DotGradient dot = new ControlFlowAdjoint.DotGradient();
        dot.w = new double[5];
        dot.x = new double[5];
        double sink = run(into, dot, w, x, 20_000);
        long before = threads.getThreadAllocatedBytes(thread);
        // enough calls that a one-off allocation of the JVM's (a few kB when the JIT recompiles under
        // load) stays under the tolerance, while one byte per call would not
        int calls = 1_000_000;
        sink += run(into, dot, w, x, calls);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertEquals(0.0, (double) allocated / calls, 0.01, "bytes per call (sink " + sink + ")");
    }

    /** A call's pullback fills a gradient holder the caller reuses, one per thread: no allocation per call. */
    @Test
    void callPullbackAllocatesNothingPerCall() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        ControlFlowAdjoint.CallsSameClassGradient into = new ControlFlowAdjoint.CallsSameClassGradient();
        double sink = 0;
        for (int i = 0; i < 200_000; i++) {
            sink += ControlFlowAdjoint.callsSameClassPullback(0.3 + (i & 7) * 0.01, 0.6, 1.0, into);
        }
        long before = threads.getThreadAllocatedBytes(thread);
        int calls = 1_000_000;
        for (int i = 0; i < calls; i++) {
            sink += ControlFlowAdjoint.callsSameClassPullback(0.3 + (i & 7) * 0.01, 0.6, 1.0, into);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertEquals(0.0, (double) allocated / calls, 0.01, "bytes per call (sink " + sink + into.x + ")");
    }

    private static double run(ControlFlowAdjoint.OverwriteLoopGradient into, ControlFlowAdjoint.DotGradient dot,
            double[] w, double[] x, int calls) {
        double sum = 0;
        for (int i = 0; i < calls; i++) {
            sum += ControlFlowAdjoint.overwriteLoopPullback(0.3 + (i & 7) * 0.01, 1.0, into);
            sum += ControlFlowAdjoint.dotPullback(w, x, 1.0, dot);
        }
        return sum + into.x + dot.w[0];
    }
}
