package dev.adjoint.samples;

import dev.adjoint.GradMode;
import dev.adjoint.Tensor;

/**
 * The seed autograd notebook, in Java on Adjoint's runtime tape: a first gradient, the chain
 * rule, gradients that accumulate until zeroed, and three ways to stop tracking. Every printed
 * tensor reads exactly as PyTorch prints it.
 */
public final class AutogradBasics {

    private AutogradBasics() {}

    /** Runs the four parts of the notebook, printing each step. */
    public static void main(String[] args) {
        simpleGradient();
        chainRule();
        accumulation();
        stopTracking();
    }

    /** Example 1: y = x² at x = 5, so dy/dx = 2x = 10. */
    static void simpleGradient() {
        System.out.println("== Example 1: y = x^2 ==");
        Tensor x = Tensor.scalar(5.0).requiresGrad(true); // track operations on x
        System.out.println(x);
        Tensor y = x.pow(2);
        System.out.println(y);
        y.backward(); // dy/dx = 2x
        System.out.println("Gradient of y with respect to x: " + x.grad());
    }

    /** Example 2: z = sin(x²) at x = 5, so dz/dx = cos(x²)·2x = 10·cos(25). */
    static void chainRule() {
        System.out.println("== Example 2: the chain rule, z = sin(x^2) ==");
        Tensor x = Tensor.scalar(5.0).requiresGrad(true);
        System.out.println(x);
        Tensor y = x.pow(2);
        System.out.println(y);
        Tensor z = y.sin();
        System.out.println(z);
        z.backward(); // dz/dx = dz/dy · dy/dx = cos(y) · 2x
        System.out.println("Gradient of z with respect to x: " + x.grad());
    }

    /** Gradients add up across backward calls until they are zeroed. */
    static void accumulation() {
        System.out.println("== Gradients accumulate ==");
        Tensor a = Tensor.scalar(2.0).requiresGrad(true);
        System.out.println(a);
        Tensor b = a.pow(2);
        System.out.println(b);
        b.backward();
        System.out.println(a.grad());
        a.pow(2).backward(); // b computed again: its gradient 4 is added to the 4 already there
        System.out.println("After a second backward, a.grad() accumulated: " + a.grad());
        System.out.println(a.grad().zero()); // a.grad.zero_(): start fresh
    }

    /** requiresGrad(false), detach() and a no-grad block: results without a grad_fn. */
    @SuppressWarnings("try") // the scope variable is only there to be closed
    static void stopTracking() {
        System.out.println("== Three ways to stop tracking ==");
        Tensor x = Tensor.scalar(3.0).requiresGrad(true);
        show("tracked:", x.pow(2));

        Tensor detached = x.detach(); // same values, outside the graph
        show("detach():", detached.pow(2));

        try (GradMode noGrad = Tensor.noGrad()) { // nothing inside is recorded
            show("inside Tensor.noGrad():", x.pow(2));
        }

        x.requiresGrad(false); // x itself stops tracking
        show("after requiresGrad(false):", x.pow(2));
    }

    private static void show(String label, Tensor t) {
        System.out.println(String.format("%-27s", label) + t);
    }
}
