package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The backward walk on graph shapes that stress its bookkeeping: many gradients pending at once
 * (thousands of leaves, wide fan-in), nodes of many inputs, scalar and array gradients mixed, and
 * a node reached along paths of very different lengths (it must run once, after all of them).
 */
class EngineTest {

    @Test
    void aSumOfThousandsOfLeavesGivesEachItsGradient() {
        int n = 5000;
        Tensor[] leaves = new Tensor[n];
        Tensor total = Tensor.scalar(0);
        for (int i = 0; i < n; i++) {
            leaves[i] = Tensor.scalar(i).requiresGrad(true);
            total = total.add(leaves[i].mul(leaves[i])); // d/dx_i = 2 x_i
        }
        total.backward();
        for (int i = 0; i < n; i++) {
            assertEquals(2.0 * i, leaves[i].grad().item(), 0, "leaf " + i);
        }
    }

    @Test
    void aBalancedTreeOfSumsKeepsManyGradientsPending() {
        Random random = new Random(5);
        List<Tensor> leaves = new ArrayList<>();
        List<Tensor> level = new ArrayList<>();
        for (int i = 0; i < 4096; i++) {
            Tensor leaf = (i % 3 == 0 ? Tensor.vector(random.nextDouble(), random.nextDouble())
                    : Tensor.scalar(random.nextDouble())).requiresGrad(true);
            leaves.add(leaf);
            level.add(leaf.sin());
        }
        while (level.size() > 1) { // pairwise sums: every level of the tree is pending at once
            List<Tensor> next = new ArrayList<>();
            for (int i = 0; i < level.size(); i += 2) {
                next.add(level.get(i).add(level.get(i + 1)));
            }
            level = next;
        }
        level.get(0).sum().backward();
        for (Tensor leaf : leaves) {
            for (int k = 0; k < leaf.numel(); k++) {
                // the root is a 2-vector: a scalar leaf was broadcast over both elements (gradient 2·cos),
                // a vector leaf's element reaches one of them (cos)
                assertEquals(Math.cos(leaf.get(k)) * (leaf.numel() == 2 ? 1 : 2), leaf.grad().get(k), 1e-12);
            }
        }
    }

    @Test
    void aNodeReachedAlongPathsOfDifferentLengthsRunsOnceAfterAll() {
        Tensor x = Tensor.scalar(0.3).requiresGrad(true);
        Tensor h = x.exp();
        Tensor longPath = h;
        for (int i = 0; i < 1000; i++) {
            longPath = longPath.mul(1.0);
        }
        Tensor y = longPath.add(h).add(h.mul(h)); // h reached in 1, 2 and 1001 steps
        y.backward();
        assertEquals((2 + 2 * Math.exp(0.3)) * Math.exp(0.3), x.grad().item(), 1e-14);
    }

    @Test
    void aGraphContinuedOnAnotherThreadKeepsItsOrder() throws Exception {
        // nodes are numbered per thread: a thread that has made many nodes numbers high, a fresh one
        // low; a node made from another thread's nodes must still be numbered above them
        Tensor x = Tensor.scalar(0.5).requiresGrad(true);
        Tensor[] built = new Tensor[1];
        Thread busy = new Thread(() -> {
            Tensor y = x;
            for (int i = 0; i < 100_000; i++) {
                y = y.mul(1.0);
            }
            built[0] = y.sin();
        });
        busy.start();
        busy.join();
        Tensor[] result = new Tensor[1];
        // numbered from 1 on this thread: two nodes both send to built's sin node, which must run after both
        Thread fresh = new Thread(() -> result[0] = built[0].mul(2.0).add(built[0].mul(x)));
        fresh.start();
        fresh.join();
        result[0].backward();
        // d/dx [2 sin(x) + sin(x)·x] = 2 cos(x) + cos(x)·x + sin(x)
        assertEquals(2 * Math.cos(0.5) + Math.cos(0.5) * 0.5 + Math.sin(0.5), x.grad().item(), 1e-15);
    }

    @Test
    void aFunctionNodeOfManyScalarAndVectorInputs() {
        Tensor[] in = new Tensor[7];
        for (int i = 0; i < in.length; i++) {
            in[i] = (i % 2 == 0 ? Tensor.scalar(i + 1) : Tensor.vector(i, i + 1)).requiresGrad(true);
        }
        // f = Σ_i (i + 1)·Σ in_i, so ∂f/∂in_i = i + 1 elementwise
        double value = 0;
        for (int i = 0; i < in.length; i++) {
            value += (i + 1) * in[i].sum().item();
        }
        Tensor f = Tensor.function("ManyBackward", value, (up, grads) -> {
            for (int i = 0; i < grads.length; i++) {
                for (int k = 0; k < grads[i].length; k++) {
                    grads[i][k] += up[0] * (i + 1);
                }
            }
        }, in);
        f.add(in[0]).backward(); // in[0] twice: through the node and directly
        assertEquals(2.0, in[0].grad().item(), 0);
        for (int i = 1; i < in.length; i++) {
            for (int k = 0; k < in[i].numel(); k++) {
                assertEquals(i + 1.0, in[i].grad().get(k), 0, "input " + i);
            }
        }
    }

    @Test
    void theSameScalarTwiceAsBothInputs() {
        Tensor x = Tensor.scalar(3).requiresGrad(true);
        x.mul(x).mul(x).backward(); // x³: 3x²
        assertEquals(27.0, x.grad().item(), 0);
        Tensor v = Tensor.vector(1, 2).requiresGrad(true);
        v.dot(v).backward();
        assertArrayEquals(new double[] {2, 4}, v.grad().toArray(), 0);
    }

    @Test
    void aOneElementVectorAndAScalarMix() {
        Tensor one = Tensor.vector(2).requiresGrad(true); // shape [1]: a one-element array gradient
        Tensor s = Tensor.scalar(3).requiresGrad(true);
        Tensor y = one.mul(s).add(s.mul(one)).sum(); // 2·one·s
        y.backward();
        assertArrayEquals(new double[] {6}, one.grad().toArray(), 0);
        assertEquals(4.0, s.grad().item(), 0);
        y = one.mul(s).sum();
        y.backward(Tensor.scalar(10));
        assertArrayEquals(new double[] {36}, one.grad().toArray(), 0);
    }
}
