package dev.adjoint.processor.numeric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dev.adjoint.internal.ValueStack;
import dev.adjoint.processor.fixtures.CountedLoops;
import dev.adjoint.processor.fixtures.CountedLoopsAdjoint;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Counted loops keep their values in arrays borrowed from the value stack ({@link CountedLoops};
 * {@code NumericGradientTest} checks their derivatives): which pullbacks borrow and which keep the
 * stack, that every pullback leaves the stack as it found it, that a pullback borrowing inside
 * another's loop gets the same gradient as alone, and that a warm pullback allocates nothing.
 */
class CountedLoopsTest {

    private static final Path GENERATED = Path.of(
            "target/generated-test-sources/test-annotations/dev/adjoint/processor/fixtures/CountedLoopsAdjointImpl.java");

    /** The pullbacks that borrow, and those that must keep the stack (the loop is not provably counted, or nested too deep). */
    @Test
    void onlyProvablyCountedLoopsBorrow() throws IOException {
        String source = Files.readString(GENERATED);
        List<String> borrowing = new ArrayList<>();
        List<String> pushing = new ArrayList<>();
        Matcher m = Pattern.compile("public static double (\\w+)Pullback\\((.*?)\\n    }\\n", Pattern.DOTALL).matcher(source);
        while (m.find()) {
            if (m.group(2).contains(".borrow(")) {
                borrowing.add(m.group(1));
            }
            if (m.group(2).contains(".push(")) {
                pushing.add(m.group(1));
            }
        }
        assertEquals(List.of("net", "netNotFused", "topLevel", "countingDown", "startAndInclusiveBound", "zeroTrips", "negativeTrips",
                "withContinue", "nestedNotFused", "triangular", "rowsInInnerLoops", "callsLooping"),
                borrowing);
        // break, return, a bound the body writes, a loop in a branch; the inner loops of loops that are not fused
        assertEquals(List.of("netNotFused", "withBreak", "withReturn", "boundWrittenInBody", "nestedNotFused",
                "loopInBranch"), pushing);
    }

    /** A matrix row is named once per iteration only where the loop's range keeps the counter a row index. */
    @Test
    void rowsAreNamedWhereTheCounterIndexesARow() throws IOException {
        String source = Files.readString(GENERATED);
        String rows = member(source, "rowsInInnerLoops");
        assertTrue(rows.contains("double[] _xi = x[i];"), rows);
        assertTrue(rows.contains("double[] _xi_ = x[i_];"), rows);
        assertTrue(!rows.contains("x[i][") && !rows.contains("x[i_]["), rows);
        String guarded = member(source, "rowGuardedInTheBody");
        assertTrue(!guarded.contains("_xi"), guarded);
        assertTrue(guarded.contains("x[i][k]"), guarded);
    }

    private static String member(String source, String name) {
        Matcher m = Pattern.compile("public static double " + name + "Pullback\\((.*?)\\n    }\\n", Pattern.DOTALL)
                .matcher(source);
        assertTrue(m.find(), name);
        return m.group(1).replaceAll("(?m)^\\s*//.*\\n", ""); // the code, not the comments quoting the source
    }

    @Test
    void everyPullbackLeavesTheStackAsItFoundIt() throws Exception {
        GradientHarness harness = new GradientHarness(CountedLoops.class);
        Random random = new Random(19);
        ValueStack stack = ValueStack.get();
        stack.clear();
        for (Method m : harness.differentiableMethods()) {
            for (int i = 0; i < 5; i++) {
                Object[] args = GradientHarness.arguments(m, random);
                harness.checkPullback(m, args);
                assertEquals(0, stack.size(), m.getName());
            }
        }
    }

    /** {@code callsLooping} calls {@code topLevel}'s pullback from its own counted loop's reverse sweep: the borrows nest. */
    @Test
    void nestedBorrowsKeepEachPullbacksValues() {
        double[] w = {0.3, 0.5, 0.7, 0.2, 0.4};
        ValueStack stack = ValueStack.get();
        stack.clear();
        CountedLoopsAdjoint.TopLevelGradient alone = CountedLoopsAdjoint.topLevelGradient(0.6, w);
        double[] held = stack.borrow(3); // as an enclosing pullback's loop would hold one
        held[0] = 1.5;
        CountedLoopsAdjoint.TopLevelGradient inside = CountedLoopsAdjoint.topLevelGradient(0.6, w);
        assertEquals(1.5, held[0], 0.0);
        stack.release();
        assertEquals(alone.x, inside.x, 0.0);
        assertArrayEquals(alone.w, inside.w, 0.0);
        assertEquals(0, stack.size());
    }

    @Test
    void countedLoopPullbacksAllocateNothingOnceWarm() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        double[] w1 = {0.3, 0.4, 0.5, 0.6, 0.7};
        double[] b1 = {0.1, -0.2, 0.3, 0.05, 0.2};
        double[] w2 = {0.5, -0.4, 0.3, 0.2, -0.1};
        double[][] x = {{0.1, 0.2, 0.3}, {0.3, 0.4, 0.5}, {0.5, 0.6, 0.7}, {0.7, 0.8, 0.9}};
        CountedLoopsAdjoint.NetGradient net = new CountedLoopsAdjoint.NetGradient();
        net.w1 = new double[5];
        net.b1 = new double[5];
        net.w2 = new double[5];
        CountedLoopsAdjoint.TopLevelGradient top = new CountedLoopsAdjoint.TopLevelGradient();
        top.w = new double[5];
        double sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += CountedLoopsAdjoint.netPullback(w1, b1, w2, x, 1.0, net);
            sink += CountedLoopsAdjoint.topLevelPullback(0.3 + (i & 7) * 0.01, w1, 1.0, top);
        }
        long before = threads.getThreadAllocatedBytes(thread);
        int calls = 1_000_000;
        for (int i = 0; i < calls; i++) {
            sink += CountedLoopsAdjoint.netPullback(w1, b1, w2, x, 1.0, net);
            sink += CountedLoopsAdjoint.topLevelPullback(0.3 + (i & 7) * 0.01, w1, 1.0, top);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertEquals(0.0, (double) allocated / calls, 0.01, "bytes per call (sink " + sink + ")");
        assertTrue(Double.isFinite(net.w1[0] + top.w[0]));
    }
}
