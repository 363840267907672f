package dev.adjoint;

import java.util.Arrays;

/**
 * Products: {@code dot}, matrix-vector {@code mv}, matrix-matrix {@code mm}, and {@code matmul},
 * which dispatches between them as PyTorch's does. Each saves an operand only if the other
 * operand needs a gradient (d(AB) = dA·B + A·dB), as PyTorch.
 *
 * <p>The matrix kernel is the cache-blocked i-k-j loop: for each block of rows of A and of the
 * shared dimension, {@code C[i, :] += A[i, k]·B[k, :]}, whose inner loop runs along rows of B and
 * C (contiguous, vectorized by the JIT). Both gradients are written in that form too:
 * {@code dA = dC·Bᵀ} through a transposed copy of B, {@code dB = Aᵀ·dC} as
 * {@code dB[k, :] += A[i, k]·dC[i, :]}.
 */
final class LinearAlgebra {

    private LinearAlgebra() {}

    /** Block edge of the matrix kernel: three 64×64 blocks of doubles (96 KB) stay in L2. */
    private static final int BLOCK = 64;

    /** PyTorch's matmul: dot, mv, unsqueeze(0)·mm·squeeze(0), or mm, by the operands' dimensions. */
    static Tensor matmul(Tensor a, Tensor b) {
        if (a.dim() == 0 || b.dim() == 0) {
            throw new IllegalArgumentException("both arguments to matmul need to be at least 1D, but they are "
                    + a.dim() + "D and " + b.dim() + "D");
        }
        if (a.dim() == 1 && b.dim() == 1) {
            return dot(a, b);
        }
        if (a.dim() == 2 && b.dim() == 1) {
            return mv(a, b);
        }
        if (a.dim() == 1) {
            return ShapeOps.squeeze(mm(a.unsqueeze(0), b), 0, "SqueezeBackward4");
        }
        return mm(a, b);
    }

    /** Σ a_i·b_i ({@code DotBackward0}). */
    static Tensor dot(Tensor a, Tensor b) {
        if (a.dim() != 1 || b.dim() != 1) {
            throw new IllegalArgumentException("1D tensors expected, but got " + a.dim() + "D and " + b.dim()
                    + "D tensors");
        }
        if (a.numel() != b.numel()) {
            throw new IllegalArgumentException("inconsistent tensor size, expected tensor " + Shapes.str(a.shape)
                    + " and src " + Shapes.str(b.shape) + " to have the same number of elements, but got "
                    + a.numel() + " and " + b.numel() + " elements respectively");
        }
        double s = 0;
        for (int i = 0; i < a.data.length; i++) {
            s += a.data[i] * b.data[i];
        }
        Tensor out = new Tensor(new double[] {s}, Shapes.SCALAR);
        return Tensor.recording(a, b) ? out.attach(new ProductNode(Kind.DOT, a, b, out.shape)) : out;
    }

    /** A[m, n]·v[n] ({@code MvBackward0}). */
    static Tensor mv(Tensor a, Tensor v) {
        if (a.dim() == 0) { // PyTorch sizes the result by a.size(0) first
            throw new IndexOutOfBoundsException("Dimension specified as 0 but tensor has no dimensions");
        }
        if (a.dim() != 2 || v.dim() != 1) { // addmv's check: the result's, the matrix's and the vector's dims
            throw new IllegalArgumentException("vector + matrix @ vector expected, got 1, " + a.dim() + ", "
                    + v.dim());
        }
        int m = a.shape[0], n = a.shape[1];
        if (v.numel() != n) {
            throw new IllegalArgumentException("size mismatch, got input (" + m + "), mat (" + m + "x" + n
                    + "), vec (" + v.numel() + ")");
        }
        double[] y = new double[m];
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += a.data[i * n + j] * v.data[j];
            }
            y[i] = s;
        }
        Tensor out = new Tensor(y, new int[] {m});
        return Tensor.recording(a, v) ? out.attach(new ProductNode(Kind.MV, a, v, out.shape)) : out;
    }

    /** A[m, k]·B[k, n] ({@code MmBackward0}). */
    static Tensor mm(Tensor a, Tensor b) {
        if (a.dim() != 2) {
            throw new IllegalArgumentException("self must be a matrix");
        }
        if (b.dim() != 2) {
            throw new IllegalArgumentException("mat2 must be a matrix");
        }
        int m = a.shape[0], k = a.shape[1], n = b.shape[1];
        if (b.shape[0] != k) {
            throw new IllegalArgumentException("mat1 and mat2 shapes cannot be multiplied (" + m + "x" + k + " and "
                    + b.shape[0] + "x" + n + ")");
        }
        double[] c = new double[m * n];
        if (outerProduct(m, k, n)) {
            Arrays.fill(c, -0.0); // each element is its one product, -0.0 included
        }
        multiplyAdd(a.data, b.data, c, m, k, n);
        Tensor out = new Tensor(c, new int[] {m, n});
        return Tensor.recording(a, b) ? out.attach(new ProductNode(Kind.MM, a, b, out.shape)) : out;
    }

    /**
     * Whether PyTorch's mm of [m, k]·[k, n] takes each element as its one product (k == 1, both m
     * and n above 1: an outer product, -0.0 kept) rather than as a sum from +0.0 (every other
     * shape, on the CPU build measured: a -0.0 product gives 0.0).
     */
    static boolean outerProduct(int m, int k, int n) {
        return k == 1 && m > 1 && n > 1;
    }

    /** {@code c[m×n] += a[m×k]·b[k×n]}, all row-major, blocked i-k-j. */
    static void multiplyAdd(double[] a, double[] b, double[] c, int m, int k, int n) {
        for (int i0 = 0; i0 < m; i0 += BLOCK) {
            int i1 = Math.min(i0 + BLOCK, m);
            for (int k0 = 0; k0 < k; k0 += BLOCK) {
                int k1 = Math.min(k0 + BLOCK, k);
                for (int j0 = 0; j0 < n; j0 += BLOCK) {
                    int j1 = Math.min(j0 + BLOCK, n);
                    for (int i = i0; i < i1; i++) {
                        int ci = i * n;
                        for (int p = k0; p < k1; p++) {
                            double aip = a[i * k + p];
                            int bp = p * n;
                            for (int j = j0; j < j1; j++) {
                                c[ci + j] += aip * b[bp + j];
                            }
                        }
                    }
                }
            }
        }
    }

    private enum Kind {
        DOT("DotBackward0"), MV("MvBackward0"), MM("MmBackward0");

        final String gradFn;

        Kind(String gradFn) {
            this.gradFn = gradFn;
        }
    }

    /** The node of dot, mv and mm: a and b are the left and right operands. */
    private static final class ProductNode extends Node.TwoInputs {
        private final Kind kind;
        private Tensor a, b;
        private final int aVersion, bVersion;

        ProductNode(Kind kind, Tensor a, Tensor b, int[] outShape) {
            super(outShape, a, b);
            this.kind = kind;
            // the gradient of each operand reads the other one only
            this.a = next1 != null ? a : null;
            this.b = next0 != null ? b : null;
            this.aVersion = a.version();
            this.bVersion = b.version();
        }

        @Override
        String name() {
            return kind.gradFn;
        }

        @Override
        boolean savesValues() {
            return true;
        }

        @Override
        void releaseValues() {
            a = null;
            b = null;
        }

        @Override
        void apply(double[] up, double[][] into) {
            double[] ga = into[0], gb = into[1];
            if (ga == null && gb == null) {
                return;
            }
            Tensor at = gb == null ? null : unpack(a, aVersion, false);
            Tensor bt = ga == null ? null : unpack(b, bVersion, false);
            double[] av = at == null ? null : at.data, bv = bt == null ? null : bt.data;
            // an operand's shape: that of its edge if it needs a gradient, else its saved value's
            int[] aShape = ga != null ? next0.shape : at.shape, bShape = gb != null ? next1.shape : bt.shape;
            switch (kind) {
                case DOT -> { // d(a·b) = b·da + a·db
                    for (int i = 0; ga != null && i < ga.length; i++) {
                        ga[i] += up[0] * bv[i];
                    }
                    for (int i = 0; gb != null && i < gb.length; i++) {
                        gb[i] += up[0] * av[i];
                    }
                }
                case MV -> { // y = A v: dA[i, j] += dy_i v_j, dv_j += Σ_i A[i, j] dy_i
                    int m = aShape[0], n = aShape[1];
                    for (int i = 0; ga != null && i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            ga[i * n + j] += up[i] * bv[j];
                        }
                    }
                    if (gb != null) {
                        Engine.startSum(gb);
                    }
                    for (int i = 0; gb != null && i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            gb[j] += av[i * n + j] * up[i];
                        }
                    }
                }
                case MM -> { // C = A B: dA = dC Bᵀ, dB = Aᵀ dC
                    int m = aShape[0], k = aShape[1], n = bShape[1];
                    if (ga != null) { // dA = dC·Bᵀ: [m, n]·[n, k]
                        if (!outerProduct(m, n, k)) {
                            Engine.startSum(ga);
                        }
                        multiplyAdd(up, ShapeOps.transpose(bv, k, n), ga, m, n, k);
                    }
                    if (gb != null) { // dB = Aᵀ·dC: [k, m]·[m, n]
                        if (!outerProduct(k, m, n)) {
                            Engine.startSum(gb);
                        }
                        for (int i = 0; i < m; i++) {
                            for (int p = 0; p < k; p++) {
                                double aip = av[i * k + p];
                                for (int j = 0; j < n; j++) {
                                    gb[p * n + j] += aip * up[i * n + j];
                                }
                            }
                        }
                    }
                }
            }
        }

        @Override
        Tensor[] applyGraph(Tensor up) {
            Tensor at = next1 == null ? null : unpack(a, aVersion, false);
            Tensor bt = next0 == null ? null : unpack(b, bVersion, false);
            return switch (kind) {
                case DOT -> new Tensor[] {bt == null ? null : bt.mul(up), at == null ? null : at.mul(up)};
                case MV -> new Tensor[] {
                    // PyTorch's grad.ger(vec): outer(), a broadcast product [m, 1]·[n] (MulBackward0), each
                    // element its one product, -0.0 kept (a mm of [m, 1]·[1, n] sums from +0.0 when m or n is 1)
                    bt == null ? null : up.unsqueeze(1).mul(bt),
                    at == null ? null : at.t().mv(up)};
                case MM -> new Tensor[] {
                    bt == null ? null : up.mm(bt.t()),
                    at == null ? null : at.t().mm(up)};
            };
        }
    }
}
