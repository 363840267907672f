package dev.adjoint;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints tensors the way PyTorch does (torch/_tensor_str.py with the default print options:
 * precision 4, line width 80, summarizing beyond 1000 elements with 3 at each edge of each
 * dimension). Used by {@link Tensor#toString()}, whose Javadoc states the rule.
 */
final class TensorFormat {

    private TensorFormat() {}

    private static final String PREFIX = "tensor(";
    private static final int LINE_WIDTH = 80;
    private static final int THRESHOLD = 1000;
    private static final int EDGE_ITEMS = 3;

    /**
     * {@code tensor(<values>[, <suffix>])} for row-major values of the given shape (0, 1 or 2
     * dimensions), with an optional suffix such as {@code requires_grad=True}.
     */
    static String format(double[] v, int[] shape, String suffix) {
        List<String> suffixes = new ArrayList<>();
        String body;
        int indent = PREFIX.length();
        if (v.length == 0) {
            body = "[]";
            if (shape.length != 1) { // PyTorch shows the size of an empty tensor unless it is (0,)
                StringBuilder size = new StringBuilder("size=(");
                for (int i = 0; i < shape.length; i++) {
                    size.append(i > 0 ? ", " : "").append(shape[i]);
                }
                suffixes.add(size.append(")").toString());
            }
        } else {
            boolean summarize = v.length > THRESHOLD;
            Formatter formatter = new Formatter(summarized(v, shape, summarize));
            if (shape.length == 0) {
                body = formatter.format(v[0]);
            } else if (shape.length == 1) {
                body = vector(v, 0, v.length, indent, summarize, formatter);
            } else {
                int rows = shape[0], cols = shape[1];
                List<String> slices = new ArrayList<>();
                for (int r = 0; r < rows; r++) {
                    if (summarize && rows > 2 * EDGE_ITEMS && r == EDGE_ITEMS) {
                        slices.add("...");
                        r = rows - EDGE_ITEMS;
                    }
                    slices.add(vector(v, r * cols, cols, indent + 1, summarize, formatter));
                }
                body = "[" + String.join(",\n" + " ".repeat(indent + 1), slices) + "]";
            }
        }
        if (suffix != null) {
            suffixes.add(suffix);
        }
        // PyTorch's _add_suffixes: a suffix goes on a new line if the last line would pass the width
        StringBuilder out = new StringBuilder(PREFIX).append(body);
        int lastLine = out.length() - out.lastIndexOf("\n") + 1;
        for (String s : suffixes) {
            if (lastLine + s.length() + 2 > LINE_WIDTH) {
                out.append(",\n").append(" ".repeat(indent)).append(s);
                lastLine = indent + s.length();
            } else {
                out.append(", ").append(s);
                lastLine += s.length() + 2;
            }
        }
        return out.append(')').toString();
    }

    /** PyTorch's _vector_str for {@code length} values from {@code from}: wrapped to the line width. */
    private static String vector(double[] v, int from, int length, int indent, boolean summarize,
            Formatter formatter) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            if (summarize && length > 2 * EDGE_ITEMS && i == EDGE_ITEMS) {
                items.add(" ...");
                i = length - EDGE_ITEMS;
            }
            items.add(formatter.format(v[from + i]));
        }
        int perLine = Math.max(1, (LINE_WIDTH - indent) / (formatter.width + 2));
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                sb.append(i % perLine == 0 ? ",\n" + " ".repeat(indent + 1) : ", ");
            }
            sb.append(items.get(i));
        }
        return sb.append(']').toString();
    }

    /** PyTorch's get_summarized_data: the values that are shown, which alone choose the format. */
    private static double[] summarized(double[] v, int[] shape, boolean summarize) {
        if (!summarize || shape.length == 0) {
            return v;
        }
        int rows = Shapes.rows(shape), cols = Shapes.cols(shape);
        List<Double> shown = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            if (rows > 2 * EDGE_ITEMS && r == EDGE_ITEMS) {
                r = rows - EDGE_ITEMS;
            }
            for (int c = 0; c < cols; c++) {
                if (cols > 2 * EDGE_ITEMS && c == EDGE_ITEMS) {
                    c = cols - EDGE_ITEMS;
                }
                shown.add(v[r * cols + c]);
            }
        }
        return shown.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** PyTorch's _Formatter: chooses one number format for a set of values. */
    private static final class Formatter {
        boolean intMode = true;
        boolean sciMode;
        int width = 1;

        Formatter(double[] values) {
            double min = Double.POSITIVE_INFINITY, max = 0;
            boolean any = false;
            for (double v : values) {
                if (Double.isFinite(v) && v != 0) {
                    any = true;
                    min = Math.min(min, Math.abs(v));
                    max = Math.max(max, Math.abs(v));
                    intMode &= v == Math.ceil(v);
                }
            }
            if (!any) {
                return;
            }
            sciMode = max / min > 1000 || max > 1e8 || (!intMode && min < 1e-4);
            for (double v : values) {
                if (Double.isFinite(v) && v != 0) {
                    int length = sciMode ? scientific(v).length()
                            : intMode ? fixed(v, 0).length() + 1 // room for the trailing "."
                            : fixed(v, 4).length();
                    width = Math.max(width, length);
                }
            }
        }

        String format(double v) {
            String s;
            if (sciMode) {
                s = scientific(v);
            } else if (intMode) {
                s = Double.isFinite(v) ? fixed(v, 0) + "." : fixed(v, 0);
            } else {
                s = fixed(v, 4);
            }
            return " ".repeat(Math.max(0, width - s.length())) + s;
        }

        /** Python's {@code f"{v:.{decimals}f}"}. */
        static String fixed(double v, int decimals) {
            if (!Double.isFinite(v)) {
                return nonFinite(v);
            }
            String s = new BigDecimal(v).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
            return negative(v) && !s.startsWith("-") ? "-" + s : s;
        }

        /** Python's {@code f"{v:.4e}"}: 5 significant digits, an exponent of at least 2 digits. */
        static String scientific(double v) {
            if (!Double.isFinite(v)) {
                return nonFinite(v);
            }
            String digits = "0";
            int exponent = 0;
            if (v != 0) {
                BigDecimal rounded = new BigDecimal(v).round(new MathContext(5, RoundingMode.HALF_EVEN));
                digits = rounded.unscaledValue().abs().toString();
                exponent = digits.length() - 1 - rounded.scale();
            }
            digits = (digits + "0000").substring(0, 5);
            String exp = String.format("%02d", Math.abs(exponent));
            return (negative(v) ? "-" : "") + digits.charAt(0) + "." + digits.substring(1) + "e"
                    + (exponent < 0 ? "-" : "+") + exp;
        }

        static boolean negative(double v) {
            return v < 0 || (v == 0 && 1 / v < 0);
        }

        static String nonFinite(double v) {
            return Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
        }
    }
}
