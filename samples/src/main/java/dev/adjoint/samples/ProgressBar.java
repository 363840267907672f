package dev.adjoint.samples;

/**
 * A text progress bar, {@code [########------------]}. On a terminal it redraws itself in place
 * with a carriage return; when the output is not a terminal (a pipe, a log, a test) it draws
 * nothing, so captured output stays one line per epoch.
 */
final class ProgressBar {

    private final boolean live;

    private ProgressBar(boolean live) {
        this.live = live;
    }

    /** A bar that draws only when both standard input and output are a terminal. */
    static ProgressBar onConsole() {
        return new ProgressBar(System.console() != null);
    }

    /** {@code [####----]}: {@code done} of {@code total} as {@code width} characters. */
    static String render(int done, int total, int width) {
        int filled = (int) ((long) done * width / total);
        return "[" + "#".repeat(filled) + "-".repeat(width - filled) + "]";
    }

    /** Redraws the bar at {@code done} of {@code total}, labelled. */
    void show(int done, int total, String label) {
        if (live) {
            System.out.print("\r" + label + " " + render(done, total, 40));
            System.out.flush();
        }
    }

    /** Erases the bar, so that the next line starts clean. */
    void clear() {
        if (live) {
            System.out.print("\r" + " ".repeat(60) + "\r");
            System.out.flush();
        }
    }
}
