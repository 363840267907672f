package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** backward() walks the graph iteratively: a million-node chain neither overflows the stack nor crawls. */
class LongChainTest {

    private static final int N = 1_000_000;

    @Test
    void millionOperationChain() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            Tensor x = Tensor.scalar(1).requiresGrad(true);
            Tensor y = x;
            for (int i = 0; i < N; i++) {
                y = y.mul(1.000001); // MulBackward0 nodes, each saving its inputs
            }
            y.backward();
            assertEquals(Math.pow(1.000001, N), x.grad().item(), 1e-9);
            assertEquals(Math.pow(1.000001, N), y.item(), 1e-9);
        });
    }

    @Test
    void chainOfMixedOpsTwiceWithRetainGraph() {
        Tensor x = Tensor.scalar(0.5).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < N / 4; i++) { // 750,000 nodes
            y = y.add(1e-6).exp().log(); // exp then its inverse: each step adds 1e-6, derivative 1
        }
        y.backward(true);
        y.backward();
        assertEquals(2.0, x.grad().item(), 1e-6);
        assertEquals(0.75, y.item(), 1e-9);
    }
}
