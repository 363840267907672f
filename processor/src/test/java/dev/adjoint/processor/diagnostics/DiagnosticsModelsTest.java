package dev.adjoint.processor.diagnostics;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.diagnostics.Sources.assertNoCrash;
import static dev.adjoint.processor.diagnostics.Sources.assertOnlyError;
import static dev.adjoint.processor.diagnostics.Sources.compile;
import static dev.adjoint.processor.diagnostics.Sources.source;

import com.google.testing.compile.Compilation;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Objects (issue 15): what stays refused where the meaning is unclear, each an error at the line
 * that causes it.
 */
class DiagnosticsModelsTest {

    /** {@code demo.Model} with {@code double[] w} and {@code double bias} fields and the given members. */
    private static JavaFileObject model(String... members) {
        List<String> lines = new ArrayList<>(List.of(
                "    double[] w = {1, 2};",
                "    double bias = 0.5;"));
        lines.addAll(List.of(members));
        return source("demo.Model", "public class Model {", lines.toArray(new String[0]));
    }

    private static void refused(JavaFileObject file, String line, String... fragments) {
        Compilation c = compile(file);
        assertOnlyError(c, file, line, fragments);
    }

    /** An error at {@code line} (calls of the class's methods are refused too, later in the method). */
    private static void refusedAmongOthers(JavaFileObject file, String line, String... fragments) {
        Compilation c = compile(file);
        Sources.assertError(c, file, line, fragments);
        Sources.assertNoCrash(c);
    }

    /** A private @Differentiable method of another object: the generated class cannot call it for the value. */
    @Test
    void aPrivateDifferentiableMethodOfAnotherObject() {
        refused(model(
                "    @Differentiable",
                "    private double m(double x) {",
                "        return bias * x * x;",
                "    }",
                "",
                "    @Differentiable",
                "    static double f(Model other, double x) {",
                "        return other.m(x) * x;",
                "    }"),
                "return other.m(x) * x;",
                "[AdjointNotYetSupported] cannot differentiate through m of another object: it is private, so the "
                        + "generated class cannot call it; make it package-private (or public), or call it on this object");
    }

    @Test
    void writingADifferentiatedFieldInALoop() {
        // run again for each step, the field's last value would be the generated code's, not the method's
        refused(model(
                "    @Differentiable",
                "    double f(double x) {",
                "        for (int i = 0; i < 2; i++) {",
                "            bias = bias * x;",
                "        }",
                "        return bias;",
                "    }"),
                "bias = bias * x;",
                "[AdjointFieldWrite] cannot write to bias from a @Differentiable method: only its own local variables, "
                        + "parameters and their array elements may be assigned, and the double fields of this object it "
                        + "is differentiated with respect to, by a statement of the method itself (not of one inlined "
                        + "into another) outside loops, lambdas and try");
    }

    @Test
    void writingAFieldOfAnotherObjectsMethod() {
        // inlined for another object, whose fields are data: the write stays refused where it is
        JavaFileObject file = model(
                "    double last;",
                "",
                "    double remember(double x) {",
                "        last = x * x;",
                "        return last;",
                "    }",
                "",
                "    @Differentiable",
                "    static double f(Model other, double x) {",
                "        return other.remember(x) + x;",
                "    }");
        refusedAmongOthers(file, "last = x * x;", "[AdjointFieldWrite] cannot write to last from a @Differentiable method");
    }

    @Test
    void writingAFieldInAPrivateMethodInlinedIntoAnother() {
        refusedAmongOthers(model(
                "    @Differentiable",
                "    private double cached(double x) {",
                "        bias = Math.exp(x);",
                "        return bias;",
                "    }",
                "",
                "    @Differentiable",
                "    double f(double x) {",
                "        return cached(x) * x;",
                "    }"),
                "bias = Math.exp(x);",
                "[AdjointFieldWrite] cannot write to bias from a @Differentiable method",
                "by a statement of the method itself (not of one inlined into another)");
    }

    @Test
    void writingAnIntegerFieldOfThis() {
        refused(model(
                "    int calls;",
                "",
                "    @Differentiable",
                "    double f(double x) {",
                "        calls++;",
                "        return x * x;",
                "    }"),
                "calls++;",
                "[AdjointFieldWrite] cannot write to calls from a @Differentiable method");
    }

    @Test
    void writingAnElementOfADifferentiatedField() {
        refused(model(
                "    @Differentiable",
                "    double f(double x) {",
                "        w[0] = x;",
                "        return w[0] * w[1];",
                "    }"),
                "w[0] = x;",
                "[AdjointFieldWrite] cannot write to an element of the field this.w from a @Differentiable method");
    }

    @Test
    void callThroughAnInterfaceTypedField() {
        JavaFileObject kernel = source("demo.Kernel", "public interface Kernel {", "    double at(double r);");
        JavaFileObject file = model(
                "    Kernel kernel;",
                "    @Differentiable",
                "    double f(double x) {",
                "        return kernel.at(x * bias);",
                "    }");
        Compilation c = compile(file, kernel);
        assertOnlyError(c, file, "return kernel.at(x * bias);",
                "[AdjointUnsupportedCall] cannot differentiate through kernel.at(...): Kernel.at is abstract, so the code "
                        + "it runs is chosen at run time; Adjoint differentiates such a call through the classes of this "
                        + "build that implement it, and could not inline them here: no class of this build implements "
                        + "it");
    }

    @Test
    void localClassCapturingALocal() {
        refusedAmongOthers(model(
                "    @Differentiable",
                "    double f(double x) {",
                "        double k = 2 * x;",
                "        class Scaled { double of(double v) { return k * v; } }",
                "        return new Scaled().of(bias);",
                "    }"),
                "class Scaled",
                "[AdjointUnsupportedStatement] cannot differentiate a local class declaration: its code (which may "
                        + "capture this method's locals) is not followed");
    }

    @Test
    void anonymousClassHoldingAField() {
        refusedAmongOthers(model(
                "    @Differentiable",
                "    double f(double x) {",
                "        double k = 2 * x;",
                "        java.util.function.DoubleUnaryOperator op = new java.util.function.DoubleUnaryOperator() {",
                "            double calls;",
                "            public double applyAsDouble(double v) { calls++; return k * v; }",
                "        };",
                "        return op.applyAsDouble(bias);",
                "    }"),
                "new java.util.function.DoubleUnaryOperator() {",
                "[AdjointUnsupportedExpression] cannot differentiate through this anonymous class: its class body holds "
                        + "more than the method applyAsDouble of its interface");
    }

    @Test
    void passingThisWhereItsFieldsCannotBeFollowed() {
        JavaFileObject other = source("demo.Other", "public final class Other {",
                "    static double read(Model m) { return m.bias; }");
        JavaFileObject file = model(
                "    @Differentiable",
                "    double f(double x) {",
                "        return Other.read(this) * x + bias;",
                "    }");
        Compilation c = compile(file, other);
        assertOnlyError(c, file, "return Other.read(this) * x + bias;",
                "[AdjointUntracked] cannot pass this where Adjoint cannot follow it: f differentiates with respect to its "
                        + "fields this.bias");
    }

    @Test
    void passingADifferentiatedRecordWhereItsComponentsCannotBeFollowed() {
        // an interface's method (a concrete one of the build would be inlined, its record parameter followed)
        JavaFileObject other = source("demo.Other", "public interface Other {",
                "    Other ONE = p -> p.mu();",
                "    double read(Model.Params p);");
        JavaFileObject file = model(
                "    public record Params(double mu, double sigma) {}",
                "    @Differentiable",
                "    static double g(Params p, double x) {",
                "        return Other.ONE.read(p) * x + p.sigma();",
                "    }");
        Compilation c = compile(file, other);
        assertOnlyError(c, file, "return Other.ONE.read(p) * x + p.sigma();",
                "[AdjointUntracked] cannot pass the record p where Adjoint cannot follow it");
    }

    /**
     * A method of a differentiated record called on it is inlined, its components filling its fields
     * (corpus: Finance.bondOnCurve); with a component that is itself a record, whose components
     * would not be followed into the method, it is refused at the call.
     */
    @Test
    void aMethodOfARecordWithARecordComponentIsRefused() {
        JavaFileObject file = model(
                "    public record Scale(double s) {}",
                "    public record Params(double mu, Scale scale) {",
                "        double z(double x) { return (x - mu) / scale.s(); }",
                "    }",
                "    @Differentiable",
                "    static double g(Params p, double x) {",
                "        return p.z(x) * x;",
                "    }");
        Compilation c = compile(file);
        assertOnlyError(c, file, "return p.z(x) * x;", "[AdjointUntracked] cannot differentiate through "
                + "Params.z(double) called on the record p: a component of it is a record, whose components "
                + "Adjoint does not follow into the method; pass the method the values it needs");
    }

    /**
     * A differentiated field read through another name may be this very object's: read as data,
     * its derivative was lost (a wrong gradient once, found by a reviewer). In the method's own body
     * (other.bias) the generated code checks that the object is another (Overrides.notThis, tested
     * in the runtime); in another object's method (m.bias of a helper object holding the model),
     * where the receiver is not at hand, it is refused at the read.
     */
    @Test
    void aDifferentiatedFieldReadThroughAnotherNameIsCheckedOrRefused() throws Exception {
        JavaFileObject own = model(
                "    Model other;",
                "    @Differentiable",
                "    double f(double x) {",
                "        return other.bias * x + bias;",
                "    }");
        Compilation checked = compile(own);
        assertThat(checked).succeededWithoutWarnings();
        assertThat(checked).generatedSourceFile("demo.ModelAdjointImpl").contentsAsUtf8String()
                .contains("Overrides.notThis(self.other, self, \"other.bias\").bias");
        JavaFileObject holder = source("demo.Holder", "public final class Holder {",
                "    final Model m;",
                "    Holder(Model m) { this.m = m; }",
                "    double get(double x) { return m.bias * x; }");
        JavaFileObject file = model(
                "    Holder holder;",
                "    @Differentiable",
                "    double g(double x) {",
                "        return holder.get(x) + bias;",
                "    }");
        Compilation c = compile(file, holder);
        assertThat(c).hadErrorContaining("[AdjointUntracked] cannot differentiate m.bias").inFile(holder).onLine(8);
        assertNoCrash(c);
    }

    @Test
    void aFieldAndAParameterOfOneName() {
        refused(model(
                "    @Differentiable",
                "    double f(double bias) {",
                "        return this.bias * bias;",
                "    }"),
                "double f(double bias)",
                "[AdjointNameClash] field bias of the receiver and parameter bias of f would both be FGradient.bias");
    }

    @Test
    void wrtNamesAFieldTheMethodDoesNotRead() {
        refused(model(
                "    @Differentiable(wrt = {\"this.scale\"})",
                "    double f(double x) {",
                "        return bias * x;",
                "    }"),
                "@Differentiable(wrt = {\"this.scale\"})",
                "[AdjointUnknownWrt] wrt names \"this.scale\", which is not a double or double[] field f reads; the "
                        + "fields it reads are this.bias");
    }
}
