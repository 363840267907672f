package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** Identities that hold for any input, checked on random ones (jqwik). */
class PropertiesTest {

    @Property(tries = 200)
    void productRule(@ForAll @DoubleRange(min = -10, max = 10) double a, @ForAll @DoubleRange(min = -10, max = 10) double b) {
        Tensor x = Tensor.scalar(a).requiresGrad(true);
        Tensor y = Tensor.scalar(b).requiresGrad(true);
        x.mul(y).add(x).backward(); // d(xy + x)/dx = y + 1, d/dy = x
        assertEquals(b + 1, x.grad().item(), 0);
        assertEquals(a, y.grad().item(), 0);
    }

    @Property(tries = 100)
    void compositeMatchesFiniteDifferences(@ForAll @DoubleRange(min = -3, max = 3) double a,
            @ForAll @DoubleRange(min = 0.1, max = 3) double b) {
        GradCheck.check(in -> in[0].sin().mul(in[0].div(4).exp()).add(in[1].log().mul(in[0].pow(2))).tanh(),
                Tensor.scalar(a), Tensor.scalar(b));
    }

    @Property(tries = 50)
    void gradientsAccumulateLinearly(@ForAll @DoubleRange(min = -2, max = 2) double a, @ForAll @IntRange(min = 1, max = 5) int k) {
        Tensor x = Tensor.scalar(a).requiresGrad(true);
        for (int i = 0; i < k; i++) {
            x.exp().mul(x).backward(); // d(x·e^x)/dx = e^x (1 + x)
        }
        assertEquals(k * Math.exp(a) * (1 + a), x.grad().item(), 1e-12 * k * (1 + Math.abs(Math.exp(a) * (1 + a))));
    }

    @Property(tries = 100)
    void detachedCopyCancelsTheValueButNotTheGradient(@ForAll @DoubleRange(min = -1e6, max = 1e6) double a) {
        Tensor x = Tensor.scalar(a).requiresGrad(true);
        Tensor y = x.sub(x.detach());
        assertEquals(0.0, y.item(), 0);
        y.backward();
        assertEquals(1.0, x.grad().item(), 0);
    }

    @Property(tries = 100)
    void sigmoidIsSymmetric(@ForAll @DoubleRange(min = -30, max = 30) double a) {
        Tensor x = Tensor.scalar(a).requiresGrad(true);
        Tensor s = x.sigmoid();
        assertEquals(1.0, s.item() + Tensor.scalar(-a).sigmoid().item(), 1e-15);
        s.backward();
        assertEquals(s.item() * (1 - s.item()), x.grad().item(), 1e-15);
        assertTrue(x.grad().item() >= 0);
    }

    @Property(tries = 100)
    void broadcastScalarGradientEqualsSumOfVectorGradients(@ForAll @DoubleRange(min = -5, max = 5) double c,
            @ForAll @DoubleRange(min = -5, max = 5) double v0, @ForAll @DoubleRange(min = -5, max = 5) double v1) {
        Tensor s = Tensor.scalar(c).requiresGrad(true);
        Tensor v = Tensor.vector(v0, v1).requiresGrad(true);
        s.add(v).pow(2).sum().backward(); // d/ds Σ(s+v_i)² = Σ 2(s+v_i)
        assertEquals(2 * (c + v0) + 2 * (c + v1), s.grad().item(), 1e-12);
        assertEquals(2 * (c + v0), v.grad().get(0), 1e-12);
    }
}
