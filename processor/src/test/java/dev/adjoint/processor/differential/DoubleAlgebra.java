package dev.adjoint.processor.differential;

import dev.adjoint.processor.differential.Ast.Op;
import dev.adjoint.processor.ir.MathFunction;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Plain doubles, computed exactly as the compiled primal computes them (bit for bit). */
enum DoubleAlgebra implements Algebra<Double> {
    INSTANCE;

    @Override
    public Double constant(double c) {
        return c;
    }

    @Override
    public double value(Double v) {
        return v;
    }

    @Override
    public Double neg(Double a) {
        return -a;
    }

    @Override
    public Double binary(Op op, Double a, Double b) {
        return apply(op, a, b);
    }

    static double apply(Op op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case REM -> a % b;
        };
    }

    @Override
    public Double call(MathFunction fn, boolean strict, List<Double> args) {
        double[] a = new double[args.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = args.get(i);
        }
        return math(fn, strict, a);
    }

    /**
     * {@code Math.fn(a)} or {@code StrictMath.fn(a)}, found by reflection: the very method javac
     * binds the generated program's call to (every argument a double).
     */
    static double math(MathFunction fn, boolean strict, double... a) {
        Method m = (strict ? STRICT : MATH).get(fn);
        try {
            Object result = m.invoke(null, Arrays.stream(a).boxed().toArray());
            return ((Number) result).doubleValue();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(m.toString(), e);
        }
    }

    private static final Map<MathFunction, Method> MATH = functions(Math.class);
    private static final Map<MathFunction, Method> STRICT = functions(StrictMath.class);

    private static Map<MathFunction, Method> functions(Class<?> owner) {
        Map<MathFunction, Method> out = new EnumMap<>(MathFunction.class);
        for (MathFunction fn : MathFunction.values()) {
            if (fn == MathFunction.POW_INT) {
                continue; // FastMath's alone: the generator writes Math's functions only
            }
            Class<?>[] types = new Class<?>[fn.arity];
            for (int i = 0; i < types.length; i++) {
                types[i] = fn.parameters.get(i) == dev.adjoint.processor.ir.JType.Kind.INT ? int.class : double.class;
            }
            try {
                out.put(fn, owner.getMethod(fn.javaName, types));
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(owner + " has no " + fn.javaName, e);
            }
        }
        return out;
    }
}
