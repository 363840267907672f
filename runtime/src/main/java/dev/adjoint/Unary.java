package dev.adjoint;

/**
 * Elementwise operations of one tensor, and of a tensor with a constant ({@code x + c},
 * {@code x^c}). Each operation is one entry of {@link Op}: its forward loop, its first-order
 * backward loop, and the same derivative written with tape operations for double backward. Each
 * saves what PyTorch's derivatives.yaml saves for it, so the same in-place changes are refused.
 */
final class Unary {

    private Unary() {}

    /** What an operation's backward reads, and so saves: its input, its output, or no tensor. */
    enum Saves { INPUT, OUTPUT, NOTHING }

    /**
     * The operations. {@code c} is the constant of the {@code _SCALAR} ones (ignored by the
     * others); {@code s} is the saved tensor ({@link #saves}); {@code g} the input's gradient
     * buffer, added into, or the upstream buffer itself ({@code g == up}), which the engine hands
     * over when no other gradient is pending for the input: then it is overwritten.
     */
    enum Op {
        // d(-x) = -dx
        NEG("NegBackward0", Saves.NOTHING) {
            void forward(double[] x, double c, double[] y) {
                for (int i = 0; i < x.length; i++) {
                    y[i] = -x[i];
                }
            }

            void backward(double[] up, double[] s, double c, double[] g) {
                boolean assign = g == up;
                for (int i = 0; i < up.length; i++) {
                    double d = -(up[i]);
                    g[i] = assign ? d : g[i] + d;
                }
            }

            Tensor backward(Tensor up, Tensor s, double c) {
                return up.neg();
            }
        },
        // d sin x = cos x dx
        SIN("SinBackward0", Saves.INPUT) {
            void forward(double[] x, double c, double[] y) {
                for (int i = 0; i < x.length; i++) {
                    y[i] = Math.sin(x[i]);
                }
            }

            void backward(double[] up, double[] s, double c, double[] g) {
                boolean assign = g == up;
                for (int i = 0; i < up.length; i++) {
                    double d = up[i] * Math.cos(s[i]);
                    g[i] = assign ? d : g[i] + d;
                }
            }

            Tensor backward(Tensor up, Tensor s, double c) {
                return up.mul(s.cos());
            }
        },
        // d cos x = -sin x dx
        COS("CosBackward0", Saves.INPUT) {
            void forward(double[] x, double c, double[] y) {
                for (int i = 0; i < x.length; i++) {
                    y[i] = Math.cos(x[i]);
                }
            }

            void backward(double[] up, double[] s, double c, double[] g) {
                boolean assign = g == up;
                for (int i = 0; i < up.length; i++) {
                    double d = up[i] * -Math.sin(s[i]);
                    g[i] = assign ? d : g[i] + d;
                }
            }

            Tensor backward(Tensor up, Tensor s, double c) {
                return up.mul(s.sin().neg()); // PyTorch's grad * -self.sin(): MulBackward0 under createGraph
            }
        },
        // d tan x = (1 + tan² x) dx, from the saved output y = tan x
        TAN("TanBackward0", Saves.OUTPUT) {
            void forward(double[] x, double c, double[] y) {
                for (int i = 0; i < x.length; i++) {
                    y[i] = Math.tan(x[i]);
                }
            }

            void backward(double[] up, double[] s, double c, double[] g) {
                boolean assign = g == up;
                for (int i = 0; i < up.length; i++) {
                    double d = up[i] * (1 + s[i] * s[i]);
                    g[i] = assign ? d : g[i] + d;
                }
            }

            Tensor backward(Tensor up, Tensor s, double c) {
                return up.mul(s.mul(s).add(1));
            }
        },
        // d e^x = e^x dx, from the saved output
        EXP("ExpBackward0", Saves.OUTPUT) {
            void forward(double[] x, double c, double[] y) {
                for (int i = 0; i < x.length; i++) {
                    y[i] = Math.exp(x[i]);
                }
            }

            void backward(double[] up, double[] s, double c, double[] g) {
                boolean assign = g == up;
                for (int i = 0; i < up.length; i++) {
                    double d = up[i] * s[i];
                    g[i] = assign ? d : g[i] + d;
                }
            }

            Tensor backward(Tensor up, Tensor s, double c) {
                return up.mul(s);
            }
        },
        // d ln x = dx / x
        LOG("LogBackward0", Saves.INPUT) {
            void forward(double[] x, double c, double[] y) {
                for (int i = 0; i < x.length; i++) {
                    y[i] = Math.log(x[i]);
                }
            }

            void backward(double[] up, double[] s, double c, double[] g) {
                boolean assign = g == up;
                for (int i = 0; i < up.length; i++) {
                    double d = up[i] / s[i];
                    g[i] = assign ? d : g[i] + d;
                }
            }

            Tensor backward(Tensor up, Tensor s, double c) {
                return up.div(s);
            }
        },
        // d √x = dx / (2√x), from the saved output
        SQRT("SqrtBackward0", Saves.OUTPUT) {
            void forward(double[] x, double c, double[] y) {
                for (int i = 0; i < x.length; i++) {
                    y[i] = Math.sqrt(x[i]);
                }
            }

            void backward(double[] up, double[] s, double c, double[] g) {
                boolean assign = g == up;
                for (int i = 0; i < up.length; i++) {
                    double d = up[i] / (2 * s[i]);
                    g[i] = assign ? d : g[i] + d;
                }
            }

            Tensor backward(Tensor up, Tensor s, double c) {
                return up.div(s.mul(2));
            }
        },
        // d tanh x = (1 - tanh² x) dx, from the saved output; 1 - y² as one fused multiply-add, as
        // PyTorch's tanh_backward kernel rounds it (bit for bit; 1 - y*y differs near |y| = 1)
        TANH("TanhBackward0", Saves.OUTPUT) {
            void forward(double[] x, double c, double[] y) {
                for (int i = 0; i < x.length; i++) {
                    y[i] = Math.tanh(x[i]);
                }
            }

            void backward(double[] up, double[] s, double c, double[] g) {
                boolean assign = g == up;
                for (int i = 0; i < up.length; i++) {
                    double d = up[i] * Math.fma(-s[i], s[i], 1);
                    g[i] = assign ? d : g[i] + d;
                }
            }

            Tensor backward(Tensor up, Tensor s, double c) {
                return fusedBackward(TANH, up, s);
            }
        },
        // d σ(x) = σ(x)(1 - σ(x)) dx, from the saved output, rounded as PyTorch's sigmoid_backward:
        // (up·(1 - y))·y; the forward never overflows e^-x
        SIGMOID("SigmoidBackward0", Saves.OUTPUT) {
            void forward(double[] x, double c, double[] y) {
                for (int i = 0; i < x.length; i++) {
                    double v = x[i];
                    y[i] = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
                }
            }

            void backward(double[] up, double[] s, double c, double[] g) {
                boolean assign = g == up;
                for (int i = 0; i < up.length; i++) {
                    double d = up[i] * (1 - s[i]) * s[i];
                    g[i] = assign ? d : g[i] + d;
                }
            }

            Tensor backward(Tensor up, Tensor s, double c) {
                return fusedBackward(SIGMOID, up, s);
            }
        },
        // relu(x) = 0 if x < 0, else x: NaN stays NaN and -0.0 stays -0.0, as PyTorch's clamp_min;
        // d relu = 0 where the saved output is <= 0, else dx: threshold_backward's where(y <= 0, 0, dy),
        // so a NaN passes its gradient (PyTorch 2.13)
        RELU("ReluBackward0", Saves.OUTPUT) {
            void forward(double[] x, double c, double[] y) {
                for (int i = 0; i < x.length; i++) {
                    y[i] = x[i] < 0 ? 0 : x[i];
                }
            }

            void backward(double[] up, double[] s, double c, double[] g) {
                boolean assign = g == up;
                for (int i = 0; i < up.length; i++) {
                    double d = s[i] <= 0 ? 0 : up[i];
                    g[i] = assign ? d : g[i] + d;
                }
            }

            Tensor backward(Tensor up, Tensor s, double c) {
                boolean[] keep = new boolean[s.numel()];
                for (int i = 0; i < keep.length; i++) {
                    keep[i] = !(s.data[i] <= 0);
                }
                return Binary.where(keep, up, s);
            }
        },
        // d|x| = sgn(x) dx with sgn(0) = sgn(NaN) = 0, as PyTorch's sgn
        ABS("AbsBackward0", Saves.INPUT) {
            void forward(double[] x, double c, double[] y) {
                for (int i = 0; i < x.length; i++) {
                    y[i] = Math.abs(x[i]);
                }
            }

            void backward(double[] up, double[] s, double c, double[] g) {
                boolean assign = g == up;
                for (int i = 0; i < up.length; i++) {
                    double d = up[i] * sgn(s[i]);
                    g[i] = assign ? d : g[i] + d;
                }
            }

            Tensor backward(Tensor up, Tensor s, double c) {
                return up.mul(apply(SGN, s, 0)); // sgn(x) stays on the tape, with derivative 0, as PyTorch's
            }
        },
        // sgn(x), derivative 0 (SgnBackward0): abs's recorded gradient up·sgn(x) depends on x as
        // in PyTorch, so it requires grad (and differentiates to 0) even when up is a constant
        SGN("SgnBackward0", Saves.NOTHING) {
            void forward(double[] x, double c, double[] y) {
                for (int i = 0; i < x.length; i++) {
                    y[i] = sgn(x[i]);
                }
            }

            void backward(double[] up, double[] s, double c, double[] g) {
                boolean assign = g == up;
                for (int i = 0; i < up.length; i++) {
                    g[i] = assign ? 0 : g[i] + 0.0; // PyTorch's zeros: a fresh -0.0 buffer becomes +0.0
                }
            }

            Tensor backward(Tensor up, Tensor s, double c) {
                return Tensor.zeros(up.shape);
            }
        },
        // sign(x): 1, -1, or 0 for ±0 and NaN (ATen's (0 < x) - (x < 0)); derivatives.yaml's
        // sign: self: zeros_like(grad), a +0. gradient that nothing records
        SIGN("SignBackward0", Saves.NOTHING) {
            void forward(double[] x, double c, double[] y) {
                SGN.forward(x, c, y); // the same values; only the grad_fn's name differs
            }

            void backward(double[] up, double[] s, double c, double[] g) {
                SGN.backward(up, s, c, g);
            }

            Tensor backward(Tensor up, Tensor s, double c) {
                return SGN.backward(up, s, c);
            }
        },
        // d(x + c) = dx
        ADD_SCALAR("AddBackward0", Saves.NOTHING) {
            void forward(double[] x, double c, double[] y) {
                for (int i = 0; i < x.length; i++) {
                    y[i] = x[i] + c;
                }
            }

            void backward(double[] up, double[] s, double c, double[] g) {
                boolean assign = g == up;
                for (int i = 0; i < up.length; i++) {
                    double d = up[i];
                    g[i] = assign ? d : g[i] + d;
                }
            }

            Tensor backward(Tensor up, Tensor s, double c) {
                return up;
            }
        },
        // d(x - c) = dx
        SUB_SCALAR("SubBackward0", Saves.NOTHING) {
            void forward(double[] x, double c, double[] y) {
                for (int i = 0; i < x.length; i++) {
                    y[i] = x[i] - c;
                }
            }

            void backward(double[] up, double[] s, double c, double[] g) {
                boolean assign = g == up;
                for (int i = 0; i < up.length; i++) {
                    double d = up[i];
                    g[i] = assign ? d : g[i] + d;
                }
            }

            Tensor backward(Tensor up, Tensor s, double c) {
                return up;
            }
        },
        // d(c·x) = c dx; PyTorch saves c as a wrapped number, so a second backward needs retainGraph
        MUL_SCALAR("MulBackward0", Saves.NOTHING, true) {
            void forward(double[] x, double c, double[] y) {
                for (int i = 0; i < x.length; i++) {
                    y[i] = x[i] * c;
                }
            }

            void backward(double[] up, double[] s, double c, double[] g) {
                boolean assign = g == up;
                for (int i = 0; i < up.length; i++) {
                    double d = up[i] * c;
                    g[i] = assign ? d : g[i] + d;
                }
            }

            Tensor backward(Tensor up, Tensor s, double c) {
                return up.mul(c);
            }
        },
        // d(x / c) = dx / c (c saved as a wrapped number)
        DIV_SCALAR("DivBackward0", Saves.NOTHING, true) {
            void forward(double[] x, double c, double[] y) {
                for (int i = 0; i < x.length; i++) {
                    y[i] = x[i] / c;
                }
            }

            void backward(double[] up, double[] s, double c, double[] g) {
                boolean assign = g == up;
                for (int i = 0; i < up.length; i++) {
                    double d = up[i] / c;
                    g[i] = assign ? d : g[i] + d;
                }
            }

            Tensor backward(Tensor up, Tensor s, double c) {
                return up.div(c);
            }
        },
        // d x^c = c·x^(c-1) dx, defined as 0 when c == 0 (even at x == 0), as PyTorch's pow_backward
        POW_SCALAR("PowBackward0", Saves.INPUT) {
            void forward(double[] x, double c, double[] y) {
                if (c == 2) { // the common square, without a call
                    for (int i = 0; i < x.length; i++) {
                        y[i] = x[i] * x[i];
                    }
                    return;
                }
                for (int i = 0; i < x.length; i++) {
                    y[i] = pow(x[i], c);
                }
            }

            void backward(double[] up, double[] s, double c, double[] g) {
                boolean assign = g == up;
                if (c == 0) { // the gradient is PyTorch's zeros_like: +0.0 added, or in place of the upstream
                    for (int i = 0; i < g.length; i++) {
                        g[i] = assign ? 0 : g[i] + 0.0;
                    }
                    return;
                }
                if (c == 2) {
                    for (int i = 0; i < up.length; i++) {
                        double d = up[i] * (2 * s[i]);
                        g[i] = assign ? d : g[i] + d;
                    }
                    return;
                }
                for (int i = 0; i < up.length; i++) {
                    double d = up[i] * (c * pow(s[i], c - 1));
                    g[i] = assign ? d : g[i] + d;
                }
            }

            Tensor backward(Tensor up, Tensor s, double c) {
                return c == 0 ? Tensor.zeros(s.shape) : up.mul(s.pow(c - 1).mul(c));
            }
        };

        final String gradFn;
        final Saves saves;
        /** Whether a node keeps a value (a tensor, or a wrapped number) that backward releases. */
        final boolean savesValues;

        Op(String gradFn, Saves saves) {
            this(gradFn, saves, saves != Saves.NOTHING);
        }

        Op(String gradFn, Saves saves, boolean savesValues) {
            this.gradFn = gradFn;
            this.saves = saves;
            this.savesValues = savesValues;
        }

        /** {@code y = f(x)} elementwise. */
        abstract void forward(double[] x, double c, double[] y);

        /** {@code g += up·f'(x)} ({@code g = up·f'(x)} if {@code g == up}), f' read from the saved tensor {@code s}. */
        abstract void backward(double[] up, double[] s, double c, double[] g);

        /** {@code up·f'(x)} as tape operations. */
        abstract Tensor backward(Tensor up, Tensor s, double c);

        /**
         * f'(x) as a {@link Node.Factor} where {@code up·f'(x)} is {@code up·constant·s}, exactly as
         * {@link #backward(double[], double[], double, double[])} rounds it (see {@link Product});
         * null for the others.
         */
        Node.Factor factor(double[] s, double c) {
            return switch (this) {
                case NEG -> Node.Factor.MINUS_ONE;
                case ADD_SCALAR, SUB_SCALAR -> Node.Factor.ONE;
                case EXP -> new Node.Factor(1, s);
                case POW_SCALAR -> c == 2 ? new Node.Factor(2, s) : null;
                default -> null;
            };
        }
    }

    /**
     * {@code x^c} as PyTorch's pow with a scalar exponent computes it: 0.5, 2, 3, -0.5, -1 and -2
     * are a square root, products and reciprocals (so {@code pow(-inf, 0.5)} is nan, as
     * {@code sqrt}, where {@code Math.pow} gives inf, and {@code pow(-0.0, 0.5)} is -0.0), any other
     * exponent C's pow ({@link #powC}). Its backward uses it too, for {@code x^(c-1)}, as PyTorch's does.
     */
    static double pow(double x, double c) {
        if (c == 0.5) {
            return Math.sqrt(x);
        } else if (c == 2) {
            return x * x;
        } else if (c == 3) {
            return x * x * x;
        } else if (c == -0.5) {
            return 1 / Math.sqrt(x);
        } else if (c == -1) {
            return 1 / x;
        } else if (c == -2) {
            return 1 / (x * x);
        }
        return powC(x, c);
    }

    /**
     * {@code Math.pow} with C's {@code pow} where they differ, as PyTorch computes with C's:
     * {@code pow(1, y)} is 1 for every y, NaN included, and {@code pow(-1, ±inf)} is 1; Java gives
     * NaN for both.
     */
    static double powC(double x, double y) {
        if (x == 1 || x == -1 && Double.isInfinite(y)) {
            return 1;
        }
        return Math.pow(x, y);
    }

    /** PyTorch's sgn for reals: 1, -1, or 0 for zero and NaN. */
    static double sgn(double x) {
        return x > 0 ? 1 : x < 0 ? -1 : 0;
    }

    /** Runs {@code op} on {@code x}, recording a node if x requires grad and grad mode is on. */
    static Tensor apply(Op op, Tensor x, double c) {
        double[] y = new double[x.data.length];
        op.forward(x.data, c, y);
        Tensor out = x.withData(y);
        return Tensor.recording(x) ? out.attach(new UnaryNode(op, c, x, out)) : out;
    }

    /** The node of a unary operation. */
    static final class UnaryNode extends Node.OneInput {
        private final Op op;
        private final double c;
        private Tensor saved;
        private final int savedVersion;

        /** {@code x} is the input (its current gradient edge is taken), {@code out} the output. */
        UnaryNode(Op op, double c, Tensor x, Tensor out) {
            super(x.shape, x);
            this.op = op;
            this.c = c;
            this.saved = op.saves == Saves.INPUT ? x : op.saves == Saves.OUTPUT ? out : null;
            this.savedVersion = saved == null ? 0 : saved.version();
        }

        @Override
        String name() {
            return op.gradFn;
        }

        @Override
        boolean savesValues() {
            return op.savesValues;
        }

        @Override
        void releaseValues() {
            saved = null;
        }

        private Tensor saved() {
            return op.saves == Saves.NOTHING ? null : unpack(saved, savedVersion, op.saves == Saves.OUTPUT);
        }

        @Override
        boolean overwritesUpstream() {
            return true;
        }

        @Override
        void apply(double[] up, double[][] into) {
            if (into[0] != null) {
                Tensor s = saved();
                op.backward(up, s == null ? null : s.data, c, into[0]);
            }
        }

        @Override
        Factor factor(int i) {
            Tensor s = saved();
            return op.factor(s == null ? null : s.data, c);
        }

        @Override
        Tensor[] applyGraph(Tensor up) {
            return new Tensor[] {op.backward(up, saved(), c)};
        }
    }

    /**
     * tanh's and sigmoid's gradient {@code up·f'} recorded as PyTorch records it under createGraph:
     * one operation of both {@code up} and the saved output y ({@code tanh_backward},
     * {@code TanhBackwardBackward0}: up·(1 - y²) as one fused multiply-add; {@code sigmoid_backward},
     * {@code SigmoidBackwardBackward0}: (up·(1 - y))·y), so that its name, its rounding and its own
     * derivatives (derivatives.yaml) are PyTorch's.
     */
    static Tensor fusedBackward(Op op, Tensor up, Tensor y) {
        double[] g = new double[up.numel()];
        for (int i = 0; i < g.length; i++) {
            g[i] = fused(op, up.data[i], y.data[i]);
        }
        Tensor out = new Tensor(g, y.shape);
        return Tensor.recording(up, y) ? out.attach(new FusedBackwardNode(op, up, y, out)) : out;
    }

    private static double fused(Op op, double up, double y) {
        return op == Op.TANH ? up * Math.fma(-y, y, 1) : up * (1 - y) * y;
    }

    /**
     * The node of {@link #fusedBackward}: with gg its upstream, d/d up is the same kernel of gg,
     * d/dy is gg·(-2y·up) for tanh and (gg·up)·(1 - 2y) for sigmoid.
     */
    private static final class FusedBackwardNode extends Node.TwoInputs {
        private final Op op;
        private Tensor up, y;
        private final int upVersion, yVersion;

        FusedBackwardNode(Op op, Tensor up, Tensor y, Tensor out) {
            super(out.shape, up, y);
            this.op = op;
            this.up = up;
            this.y = y;
            this.upVersion = up.version();
            this.yVersion = y.version();
        }

        @Override
        String name() {
            return op == Op.TANH ? "TanhBackwardBackward0" : "SigmoidBackwardBackward0";
        }

        @Override
        boolean savesValues() {
            return true;
        }

        @Override
        void releaseValues() {
            up = null;
            y = null;
        }

        @Override
        void apply(double[] gg, double[][] into) {
            double[] s = unpack(y, yVersion, false).data;
            double[] u = into[1] == null ? null : unpack(up, upVersion, false).data;
            for (int i = 0; i < gg.length; i++) {
                if (into[0] != null) {
                    into[0][i] += fused(op, gg[i], s[i]);
                }
                if (into[1] != null) {
                    into[1][i] += op == Op.TANH ? gg[i] * (-2 * s[i] * u[i]) : gg[i] * u[i] * (-2 * s[i] + 1);
                }
            }
        }

        @Override
        Tensor[] applyGraph(Tensor gg) {
            Tensor s = unpack(y, yVersion, false);
            Tensor u = next1 == null ? null : unpack(up, upVersion, false);
            return new Tensor[] {
                next0 == null ? null : fusedBackward(op, gg, s),
                u == null ? null : op == Op.TANH ? gg.mul(s.mul(-2.0).mul(u)) : gg.mul(u).mul(s.mul(-2.0).add(1.0))};
        }
    }
}
