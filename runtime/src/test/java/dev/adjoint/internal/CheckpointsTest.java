package dev.adjoint.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The binomial schedule, run against a simulated loop whose state is the index of the iteration it
 * is about to run: every iteration is reversed once, last first, from its own starting state; no
 * more snapshots are held than allowed; and the iterations run again are the fewest possible
 * (against an exhaustive minimum for small loops, and Griewank's closed form for a large one).
 */
class CheckpointsTest {

    /** What one schedule did, simulated: the reverse sweep's recomputation, the forward sweep's last snapshot. */
    private record Run(long advanced, int held, int restored, int lastForwardSnapshot) {}

    private static Run simulate(int n, int snapshots) {
        return simulate(n, snapshots, -1);
    }

    /** With {@code expected} ≥ 0, the forward sweep is told to expect that many iterations. */
    private static Run simulate(int n, int snapshots, int expected) {
        Checkpoints c = Checkpoints.start(snapshots);
        if (expected >= 0) {
            c.expect(expected);
        }
        int state = 0;
        int last = -1;
        for (int i = 0; i < n; i++) {
            if (c.snapshotBefore(i)) {
                c.put(state);
                c.put((double) state);
                c.put(new double[] {state});
                last = i;
            }
            state++;
        }
        int next = n - 1;
        for (int action = c.reverse(n); action != Checkpoints.DONE; action = c.next()) {
            switch (action) {
                case Checkpoints.RESTORE -> {
                    state = c.getInt();
                    assertEquals(state, c.getDouble(), 0.0);
                    double[] a = {-1};
                    c.get(a);
                    assertEquals(state, a[0], 0.0);
                }
                case Checkpoints.TAKE -> {
                    c.put(state);
                    c.put((double) state);
                    c.put(new double[] {state});
                }
                case Checkpoints.ADVANCE -> {
                    assertTrue(c.iterations() >= 1);
                    state += c.iterations();
                    assertTrue(state < n, "advanced past the last iteration");
                }
                case Checkpoints.STEP -> {
                    assertEquals(next, c.iteration(), "iterations are reversed last first");
                    assertEquals(next, state, "iteration " + next + " runs from its own state");
                    next--;
                    state = Integer.MIN_VALUE; // its recording and reverse sweep leave the state undefined
                }
                default -> throw new AssertionError("action " + action);
            }
        }
        assertEquals(-1, next, "every iteration reversed");
        assertTrue(c.held() <= snapshots, c.held() + " snapshots held, " + snapshots + " allowed");
        return new Run(c.advanced(), c.held(), c.restored(), last);
    }

    /** The fewest iterations run again to reverse l iterations with s snapshots (the first holding the start). */
    private static long[][] minimum(int maxL, int maxS) {
        long[][] t = new long[maxL + 1][maxS + 1];
        for (int l = 2; l <= maxL; l++) {
            t[l][1] = (long) l * (l - 1) / 2; // one snapshot: advance from the start to each iteration
        }
        for (int s = 2; s <= maxS; s++) {
            for (int l = 2; l <= maxL; l++) {
                long best = Long.MAX_VALUE;
                for (int m = 1; m < l; m++) {
                    best = Math.min(best, m + t[m][s] + t[l - m][s - 1]);
                }
                t[l][s] = best;
            }
        }
        return t;
    }

    @Test
    void everyIterationIsReversedOnceFromItsOwnStateWithTheFewestRecomputations() {
        int maxL = 90;
        int maxS = 7;
        long[][] min = minimum(maxL, maxS);
        for (int s = 1; s <= maxS; s++) {
            for (int n = 0; n <= maxL; n++) {
                Run run = simulate(n, s);
                assertEquals(n < 2 ? 0 : min[n][s], run.advanced(), "n = " + n + ", s = " + s);
            }
        }
    }

    /**
     * A forward sweep that expects the trip count takes the schedule's first snapshots: the
     * reverse sweep runs again only what the schedule runs after them.
     */
    @Test
    void anExpectedTripCountSavesTheFirstSweep() {
        int maxL = 90;
        int maxS = 7;
        long[][] min = minimum(maxL, maxS);
        for (int s = 1; s <= maxS; s++) {
            for (int n = 2; n <= maxL; n++) {
                Run run = simulate(n, s, n);
                assertEquals(min[n][s] - run.lastForwardSnapshot(), run.advanced(), "n = " + n + ", s = " + s);
            }
        }
    }

    /** The expected count is a plan only: fewer or more iterations are reversed as correctly (simulate checks). */
    @Test
    void aWrongExpectationIsStillCorrect() {
        for (int s = 1; s <= 6; s++) {
            for (int n = 0; n <= 60; n++) {
                for (int expected : new int[] {0, 1, n / 2, n - 1, n + 1, 2 * n + 3, 1000}) {
                    simulate(n, s, expected);
                }
            }
        }
    }

    @Test
    void theClosedFormCountsTheMinimum() {
        long[][] min = minimum(90, 7);
        for (int s = 1; s <= 7; s++) {
            for (int l = 2; l <= 90; l++) {
                assertEquals(min[l][s], closedForm(l, s), "l = " + l + ", s = " + s);
            }
        }
    }

    /** t·l − β(s + 1, t − 1) for β(s, t − 1) &lt; l ≤ β(s, t), with β(s, t) = C(s + t, t). */
    private static long closedForm(long l, int s) {
        int t = 0;
        while (beta(s, t) < l) {
            t++;
        }
        return t * l - beta(s + 1, t - 1);
    }

    private static long beta(int s, int t) {
        if (t < 0) {
            return 0;
        }
        long b = 1;
        for (int k = 1; k <= t; k++) {
            b = b * (s + k) / k;
        }
        return b;
    }

    @Test
    void tenMillionIterationsWithAHundredSnapshotsCostFiveSweeps() {
        int n = 10_000_000;
        Run run = simulate(n, 100);
        // β(100, 4) < n ≤ β(100, 5): t = 5, and 5n − β(101, 4) iterations run again
        assertEquals(closedForm(n, 100), run.advanced());
        assertEquals(5L * n - 4_780_230L, run.advanced());
        assertEquals(100, run.held());
        // expected, the forward sweep's run counts as the first of the five (less its last stretch)
        Run planned = simulate(n, 100, n);
        assertEquals(run.advanced() - planned.lastForwardSnapshot(), planned.advanced());
        assertTrue(planned.lastForwardSnapshot() > n - 200, "last forward snapshot " + planned.lastForwardSnapshot());
    }

    @Test
    void aLoopShorterThanTheSnapshotsIsRunOnceMore() {
        Run run = simulate(50, 100);
        assertEquals(49, run.advanced()); // every state kept: one more run up to the last iteration
        assertEquals(49, run.held()); // the last iteration's state is recorded at once, not kept
    }

    @Test
    void snapshotsKeepEveryKindOfValueAndCopyArrays() {
        Checkpoints c = Checkpoints.start(3);
        assertTrue(c.snapshotBefore(0));
        double[] a = {1, 2, 3};
        for (int k = 0; k < 10; k++) { // more values than the first allocation holds
            c.put(k + 0.5);
            c.put(k);
            c.put((long) k << 40);
        }
        c.put(true);
        c.put(1.25f);
        c.put(a);
        c.put((double[]) null);
        a[0] = 99; // the snapshot is a copy
        assertFalse(c.snapshotBefore(1));
        assertEquals(Checkpoints.RESTORE, c.reverse(2));
        for (int k = 0; k < 10; k++) {
            assertEquals(k + 0.5, c.getDouble(), 0.0);
            assertEquals(k, c.getInt());
            assertEquals((long) k << 40, c.getLong());
        }
        assertTrue(c.getBoolean());
        assertEquals(1.25f, c.getFloat(), 0.0f);
        c.get(a);
        assertArrayEquals(new double[] {1, 2, 3}, a, 0.0);
        c.get((double[]) null);
        assertEquals(Checkpoints.ADVANCE, c.next());
        assertEquals(1, c.iterations());
        assertEquals(Checkpoints.STEP, c.next());
        assertEquals(1, c.iteration());
        assertEquals(Checkpoints.RESTORE, c.next());
        assertEquals(0.5, c.getDouble(), 0.0);
        assertEquals(Checkpoints.STEP, c.next());
        assertEquals(0, c.iteration());
        assertEquals(Checkpoints.DONE, c.next());
    }

    @Test
    void aLoopThatRanNoIterationHasNothingToReverse() {
        assertEquals(Checkpoints.DONE, Checkpoints.start(4).reverse(0));
    }

    @Test
    void misuseIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Checkpoints.start(0));
        assertThrows(IllegalArgumentException.class, () -> Checkpoints.start(2).reverse(-1));
        assertThrows(IllegalStateException.class, () -> Checkpoints.start(2).reverse(3)); // no snapshot taken
        Checkpoints c = Checkpoints.start(2);
        c.snapshotBefore(0);
        c.put(new double[3]);
        c.reverse(1);
        assertThrows(IllegalStateException.class, () -> c.get(new double[4]));
        Checkpoints d = Checkpoints.start(2);
        d.snapshotBefore(0);
        d.put(new double[3]);
        d.reverse(1);
        assertThrows(IllegalStateException.class, () -> d.get((double[]) null));
        assertFalse(d.held() > 2);
    }
}
