package dev.adjoint;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints tensors the way PyTorch does (torch/_tensor_str.py with the default print options:
 * precision 4, line width 80, summarizing beyond 1000 elements with 3 at each edge). Used by
 * {@link Tensor#toString()}, whose Javadoc states the rule.
 */
final class TensorFormat {

    private TensorFormat() {}

    /**
     * {@code tensor(<values>[, <suffix>])} for the values of a scalar (if {@code scalar}) or a
     * vector, with an optional suffix such as {@code requires_grad=True}.
     */
    static String format(double[] v, boolean scalar, String suffix) {
        String prefix = "tensor(";
        String body;
        if (scalar) {
            body = new Formatter(v).format(v[0]);
        } else if (v.length == 0) {
            body = "[]";
        } else {
            boolean summarize = v.length > 1000;
            double[] shown = summarize
                    ? new double[] {v[0], v[1], v[2], v[v.length - 3], v[v.length - 2], v[v.length - 1]} : v;
            Formatter formatter = new Formatter(shown);
            List<String> items = new ArrayList<>();
            for (int i = 0; i < shown.length; i++) {
                if (summarize && i == 3) {
                    items.add(" ...");
                }
                items.add(formatter.format(shown[i]));
            }
            int perLine = Math.max(1, (80 - prefix.length()) / (formatter.width + 2));
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) {
                    sb.append(i % perLine == 0 ? ",\n" + " ".repeat(prefix.length() + 1) : ", ");
                }
                sb.append(items.get(i));
            }
            body = sb.append(']').toString();
        }
        StringBuilder out = new StringBuilder(prefix).append(body);
        if (suffix != null) {
            // PyTorch's _add_suffixes: the suffix goes on a new line if the last line would pass 80 characters
            int lastLineLength = out.length() - out.lastIndexOf("\n") + 1;
            out.append(lastLineLength + suffix.length() + 2 > 80 ? ",\n" + " ".repeat(prefix.length()) : ", ");
            out.append(suffix);
        }
        return out.append(')').toString();
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
