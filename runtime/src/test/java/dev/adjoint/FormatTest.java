package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * toString() against PyTorch's printing rule (torch/_tensor_str.py). Expected strings come from
 * PyTorch sessions (the notebook) and, for rounding corners, from Python's own
 * {@code f"{v:.4f}"} / {@code f"{v:.4e}"}, which is what PyTorch calls for each value.
 */
class FormatTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "5           | tensor(5.)",
        "10          | tensor(10.)",
        "0           | tensor(0.)",
        "-0.0        | tensor(-0.)",
        "100000000   | tensor(100000000.)",
        "1e9         | tensor(1.0000e+09)",
        "1e10        | tensor(1.0000e+10)",
        "1e100       | tensor(1.0000e+100)",
        "-1e-100     | tensor(-1.0000e-100)",
        "-0.5        | tensor(-0.5000)",
        "0.1         | tensor(0.1000)",
        "3.14159     | tensor(3.1416)",
        "9.912023005428146 | tensor(9.9120)",
        "-0.13235175009777303 | tensor(-0.1324)",
        "1.00005     | tensor(1.0001)",
        "0.00015     | tensor(0.0001)",
        "0.12345     | tensor(0.1235)",
        "2.675       | tensor(2.6750)",
        "1234.56785  | tensor(1234.5678)",
        "99999.99995 | tensor(99999.9999)",
        "12345678.9  | tensor(12345678.9000)",
        "123456789.5 | tensor(1.2346e+08)",
        "999995000.0 | tensor(1.0000e+09)",
        "-4e-05      | tensor(-4.0000e-05)",
        "2.5e-05     | tensor(2.5000e-05)",
        "4.9E-324    | tensor(4.9407e-324)",
        "1.7976931348623157E308 | tensor(1.7977e+308)",
        "NaN         | tensor(nan)",
        "Infinity    | tensor(inf)",
        "-Infinity   | tensor(-inf)",
    })
    void scalars(double value, String expected) {
        assertEquals(expected, Tensor.scalar(value).toString());
    }

    @Test
    void vectorsShareOneFormatAndPadToACommonWidth() {
        assertEquals("tensor([1., 2.])", Tensor.vector(1, 2).toString());
        assertEquals("tensor([ 1., -2.])", Tensor.vector(1, -2).toString());
        assertEquals("tensor([1.5000, 2.0000])", Tensor.vector(1.5, 2).toString());
        assertEquals("tensor([1.5000,    nan])", Tensor.vector(1.5, Double.NaN).toString());
        assertEquals("tensor([1., nan])", Tensor.vector(1, Double.NaN).toString());
        assertEquals("tensor([  1.5000, 100.2500])", Tensor.vector(1.5, 100.25).toString());
        assertEquals("tensor([   1., 1000.])", Tensor.vector(1, 1000).toString());
        assertEquals("tensor([1.0000e+00, 1.0010e+03])", Tensor.vector(1, 1001).toString());
        assertEquals("tensor([1.0000e-05, 1.0000e+00])", Tensor.vector(1e-5, 1).toString());
        assertEquals("tensor([ 1.0000e+10, -1.0000e+00])", Tensor.vector(1e10, -1).toString());
        assertEquals("tensor([0., 0., 0.])", Tensor.vector(0, 0, 0).toString());
        assertEquals("tensor([0.0000, 1.5000])", Tensor.vector(0, 1.5).toString());
        assertEquals("tensor([-1.5000, 10.2500])", Tensor.vector(-1.5, 10.25).toString());
        assertEquals("tensor([    inf, -2.5000,  0.0000])", Tensor.vector(Double.POSITIVE_INFINITY, -2.5, 0).toString());
        assertEquals("tensor([])", Tensor.vector().toString());
        assertEquals("tensor([7.])", Tensor.vector(7).toString());
    }

    @Test
    void suffixes() {
        assertEquals("tensor(5., requires_grad=True)", Tensor.scalar(5).requiresGrad(true).toString());
        assertEquals("tensor([1., 2.], requires_grad=True)", Tensor.vector(1, 2).requiresGrad(true).toString());
        Tensor x = Tensor.scalar(5).requiresGrad(true);
        assertEquals("tensor(25., grad_fn=<PowBackward0>)", x.pow(2).toString());
        assertEquals("tensor(-0.1324, grad_fn=<SinBackward0>)", x.pow(2).sin().toString());
        assertEquals("tensor(7., grad_fn=<AddBackward0>)", x.add(2.0).toString());
    }

    @Test
    void longVectorsWrapAt80Characters() {
        double[] v = new double[20];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        // torch.arange(20.)
        assertEquals("tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n"
                + "        14., 15., 16., 17., 18., 19.])", Tensor.vector(v).toString());
        assertEquals("tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n"
                + "        14., 15., 16., 17., 18., 19.], requires_grad=True)",
                Tensor.vector(v).requiresGrad(true).toString());
    }

    @Test
    void aSuffixThatWouldPassTheLineWidthGoesOnItsOwnLine() {
        double[] v = new double[14];
        for (int i = 0; i < v.length; i++) {
            v[i] = 10 + i;
        }
        assertEquals("tensor([10., 11., 12., 13., 14., 15., 16., 17., 18., 19., 20., 21., 22., 23.],\n"
                + "       requires_grad=True)", Tensor.vector(v).requiresGrad(true).toString());
    }

    @Test
    void moreThanAThousandElementsAreSummarized() {
        double[] ones = new double[1001];
        java.util.Arrays.fill(ones, 1);
        assertEquals("tensor([1., 1., 1.,  ..., 1., 1., 1.])", Tensor.vector(ones).toString());
        double[] range = new double[2000];
        for (int i = 0; i < range.length; i++) {
            range[i] = i;
        }
        // torch.arange(2000.): the format is chosen over the shown elements only
        assertEquals("tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n"
                + "        1.9990e+03])", Tensor.vector(range).toString());
        double[] thousand = new double[1000];
        java.util.Arrays.fill(thousand, 2);
        String all = Tensor.vector(thousand).toString();
        assertEquals(-1, all.indexOf("..."), "exactly 1000 elements are all printed");
        assertEquals(1000, all.split("2\\.", -1).length - 1);
    }

    /** {@code torch.arange(rows * cols, dtype=torch.float64).reshape(rows, cols)}. */
    private static Tensor range(int rows, int cols) {
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        return Tensor.vector(v).reshape(rows, cols);
    }

    /** Rows {@code [i / 7, 1]}. */
    private static Tensor sevenths(int rows) {
        double[][] m = new double[rows][];
        for (int i = 0; i < rows; i++) {
            m[i] = new double[] {i / 7.0, 1};
        }
        return Tensor.matrix(m);
    }

    /**
     * Matrices: one row per line, one format and width for all elements, rows and columns
     * summarized beyond 1000 elements. The expected strings come from a line-by-line Python
     * transcription of torch/_tensor_str.py (_Formatter, _vector_str, _tensor_str_with_formatter,
     * get_summarized_data, _add_suffixes) run on the same values.
     */
    @Test
    void matricesPrintOneRowPerLineAsPyTorch() {
        assertEquals("tensor([[1., 2.],\n"
                + "        [3., 4.]])",
                Tensor.matrix(new double[][] {{1, 2}, {3, 4}}).toString());
        assertEquals("tensor([[1., 2.],\n"
                + "        [3., 4.]], requires_grad=True)",
                Tensor.matrix(new double[][] {{1, 2}, {3, 4}}).requiresGrad(true).toString());
        assertEquals("tensor([[ 0.1000, -2.0000],\n"
                + "        [ 3.0000, 40.0000]])",
                Tensor.matrix(new double[][] {{0.1, -2}, {3, 40}}).toString());
        assertEquals("tensor([[1.0000e-05, 1.0000e+00],\n"
                + "        [2.0000e+00, 3.0000e+00]])",
                Tensor.matrix(new double[][] {{1e-5, 1}, {2, 3}}).toString());
        assertEquals("tensor([[    nan,  1.5000],\n"
                + "        [    inf, -2.0000]])",
                Tensor.matrix(new double[][] {{Double.NaN, 1.5}, {Double.POSITIVE_INFINITY, -2}}).toString());
        assertEquals("tensor([[1., 2., 3.]])",
                Tensor.matrix(new double[][] {{1, 2, 3}}).toString());
        assertEquals("tensor([[1.],\n"
                + "        [2.],\n"
                + "        [3.]])",
                Tensor.matrix(new double[][] {{1}, {2}, {3}}).toString());
        assertEquals("tensor([[ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n"
                + "         14., 15., 16., 17., 18., 19.],\n"
                + "        [20., 21., 22., 23., 24., 25., 26., 27., 28., 29., 30., 31., 32., 33.,\n"
                + "         34., 35., 36., 37., 38., 39.]])",
                range(2, 20).toString());
        assertEquals("tensor([[ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n"
                + "         14., 15., 16., 17., 18., 19.],\n"
                + "        [20., 21., 22., 23., 24., 25., 26., 27., 28., 29., 30., 31., 32., 33.,\n"
                + "         34., 35., 36., 37., 38., 39.]], requires_grad=True)",
                range(2, 20).requiresGrad(true).toString());
        assertEquals("tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 3.7000e+01, 3.8000e+01,\n"
                + "         3.9000e+01],\n"
                + "        [4.0000e+01, 4.1000e+01, 4.2000e+01,  ..., 7.7000e+01, 7.8000e+01,\n"
                + "         7.9000e+01],\n"
                + "        [8.0000e+01, 8.1000e+01, 8.2000e+01,  ..., 1.1700e+02, 1.1800e+02,\n"
                + "         1.1900e+02],\n"
                + "        ...,\n"
                + "        [1.0800e+03, 1.0810e+03, 1.0820e+03,  ..., 1.1170e+03, 1.1180e+03,\n"
                + "         1.1190e+03],\n"
                + "        [1.1200e+03, 1.1210e+03, 1.1220e+03,  ..., 1.1570e+03, 1.1580e+03,\n"
                + "         1.1590e+03],\n"
                + "        [1.1600e+03, 1.1610e+03, 1.1620e+03,  ..., 1.1970e+03, 1.1980e+03,\n"
                + "         1.1990e+03]])",
                range(30, 40).toString());
        assertEquals("tensor([[ 0.0000,  1.0000],\n"
                + "        [ 0.1429,  1.0000],\n"
                + "        [ 0.2857,  1.0000],\n"
                + "        ...,\n"
                + "        [85.2857,  1.0000],\n"
                + "        [85.4286,  1.0000],\n"
                + "        [85.5714,  1.0000]])",
                sevenths(600).toString());
    }

    @Test
    void emptyTensorsShowTheirSizeUnlessOneDimensional() {
        assertEquals("tensor([])", Tensor.zeros(0).toString());
        assertEquals("tensor([], size=(0, 3))", Tensor.zeros(0, 3).toString());
        assertEquals("tensor([], size=(2, 0))", Tensor.zeros(2, 0).toString());
    }

    @Test
    void aGradFnSuffixAfterAMatrix() {
        Tensor a = Tensor.matrix(new double[][] {{0.5, 1}, {-1, 2}}).requiresGrad(true);
        assertEquals("tensor([[ 0.5000,  2.2500],\n"
                + "        [-1.0000,  3.5000]], grad_fn=<MmBackward0>)",
                a.mm(Tensor.matrix(new double[][] {{1, 0.5}, {0, 2}})).toString());
    }
}
