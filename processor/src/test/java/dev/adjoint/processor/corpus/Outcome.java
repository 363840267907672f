package dev.adjoint.processor.corpus;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What the processor did with one corpus method, as measured.
 *
 * @param kind     the verdict
 * @param tags     the distinct tags of its errors, sorted (for generated code that does not compile:
 *                 of the errors reported before it)
 * @param message  the first error (by line) for a refusal, crash or generated code that does not
 *                 compile; the first failed check for a wrong one; empty when accepted
 * @param line     the first error's line in the fixture file (0 when it is elsewhere or none)
 * @param maxError the largest error of a gradient component against finite differences, relative
 *                 to the component's scale (see {@code CorpusChecker}); NaN when not measured
 * @param notes    what is worth knowing even when the verdict is fine: warnings, lint in generated code
 */
record Outcome(Kind kind, List<String> tags, String message, int line, double maxError, List<String> notes) {

    /** The verdicts of the report's table. */
    enum Kind {
        /** Generated, and every check passed. */
        ACCEPTED("accepted"),
        /** Positioned, tagged compile errors in the user's file, and nothing else. */
        REFUSED("refused"),
        /** Generated and compiled, but a check failed: a gradient, the pullback, the tape or forward mode. */
        WRONG("wrong"),
        /** The processor threw, reported an internal error, or crashed javac. */
        CRASH("crash"),
        /** Errors in the generated code, or untagged ones in the user's file. */
        DOES_NOT_COMPILE("does-not-compile");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    static Outcome accepted(double maxError, List<String> notes) {
        return new Outcome(Kind.ACCEPTED, List.of(), "", 0, maxError, notes);
    }

    static Outcome wrong(String message, double maxError, List<String> notes) {
        return new Outcome(Kind.WRONG, List.of(), message, 0, maxError, notes);
    }

    /**
     * The status {@code CorpusTest.EXPECTED} pins: the verdict, and a refusal's tags
     * ({@code "refused AdjointPrivateMember+AdjointSideEffect"}).
     */
    String status() {
        return kind == Kind.REFUSED ? kind.label + " " + String.join("+", tags) : kind.label;
    }

    /** One line for the report: the status, then what explains it. */
    String describe() {
        StringBuilder out = new StringBuilder(status());
        if (kind == Kind.DOES_NOT_COMPILE && !tags.isEmpty()) {
            out.append(" (after ").append(String.join(", ", tags)).append(")");
        }
        if (kind == Kind.ACCEPTED || kind == Kind.WRONG) {
            out.append(String.format(" (max rel. error %.1e)", maxError));
        }
        if (!message.isEmpty()) {
            out.append(line > 0 ? " line " + line + ": " : ": ").append(message);
        }
        if (!notes.isEmpty()) {
            out.append(notes.stream().collect(Collectors.joining("; ", " [", "]")));
        }
        return out.toString();
    }
}
