package dev.adjoint.internal;

import java.util.Arrays;

/**
 * Binomial checkpointing of one loop for a generated pullback ({@code @Differentiable(checkpoints
 * = s)}): at most {@code s} snapshots of the loop's state, and a schedule that tells the reverse
 * sweep how to get each iteration's state back from them. Generated code only: not a user API.
 *
 * <p>The forward sweep runs the loop as written, counting its {@code n} iterations. Before each it
 * asks {@link #snapshotBefore(int)}, and when a snapshot is due puts the state into it (the
 * {@code put}s): before the first iteration always; when the loop's trip count is known before it
 * runs ({@link #expect(int)}), also where the schedule below would take its first snapshots, so that
 * the reverse sweep need not run the loop once more to place them. The reverse sweep then asks
 * {@link #reverse(int)} and {@link #next()} for actions until {@link #DONE}:
 * <ul>
 *   <li>{@link #RESTORE}: set the loop's variables from the newest snapshot ({@code get}s, in the
 *       order of the {@code put}s);</li>
 *   <li>{@link #ADVANCE}: run {@link #iterations()} iterations as written, recording nothing;</li>
 *   <li>{@link #TAKE}: put the state into a new snapshot;</li>
 *   <li>{@link #STEP}: run one iteration recording what its reverse sweep needs, then that
 *       iteration's reverse sweep. The steps come in the order {@code n - 1, ..., 1, 0}.</li>
 * </ul>
 *
 * <p>The schedule is Griewank's binomial one (revolve). To reverse iterations {@code [a, b)} with
 * the state at {@code a} in a snapshot and {@code c} more snapshots free: advance to a split
 * point {@code m}, take a snapshot there, reverse {@code [m, b)} with {@code c - 1} free, drop it,
 * restore {@code a} and reverse {@code [a, m)} with {@code c} free; with none free, advance from
 * {@code a} to each iteration in turn. With {@code s} snapshots in all and
 * β(s, t) = C(s + t, t), a range of {@code l} iterations with β(s, t - 1) &lt; l ≤ β(s, t) is
 * reversed with the fewest forward iterations, {@code t·l - β(s + 1, t - 1)}, when the split
 * keeps the left part within {@code t - 1} sweeps and the right part within {@code t}:
 * <pre>
 *   max(β(s, t-2), l - β(s-1, t))  ≤  m  ≤  min(β(s, t-1), l - β(s-1, t-1))
 * </pre>
 * So the reverse sweep of {@code n} iterations runs {@code t·n - β(s + 1, t - 1)} of them again
 * (CheckpointsTest checks the count against the exhaustive minimum), where {@code t} is the least
 * with {@code n ≤ β(s, t) = C(s + t, s)}; each {@link #STEP} then runs its iteration once more,
 * recording it. When the trip count was expected, the forward sweep's run is the first of those
 * {@code t}: for {@code n > s + 1} the loop runs as written at most {@code t} times in all, one
 * more when the count was not expected. With 100 snapshots that is 4.5 runs for ten million
 * iterations ({@code t = 5}), 5.9 for a billion ({@code t = 6}). The expected count is only a
 * plan: a loop that runs more or fewer iterations is reversed just as correctly. Recomputing an
 * iteration gives bitwise the values the forward sweep had, so a checkpointed gradient equals the
 * recorded one exactly.
 *
 * <p>Memory: the snapshots (each the loop's scalars and copies of the arrays it writes) and one
 * iteration's recording, whatever {@code n}.
 */
public final class Checkpoints {

    /** No more actions: every iteration is reversed. */
    public static final int DONE = 0;
    /** Set the loop's variables from the newest snapshot. */
    public static final int RESTORE = 1;
    /** Put the loop's variables into a new snapshot. */
    public static final int TAKE = 2;
    /** Run {@link #iterations()} iterations as written. */
    public static final int ADVANCE = 3;
    /** Run one iteration recording it, then its reverse sweep. */
    public static final int STEP = 4;

    private static final int UNKNOWN = -1;

    private final int snapshots;
    /** The iteration each snapshot holds the state before; snapshot {@code top} is the newest. */
    private int[] at = new int[8];
    private int top = -1;
    /** The forward sweep's snapshots: before which iterations, and the next one due (or UNKNOWN). */
    private int[] plan = {0};
    private int planned = 1;
    private int nextPlanned;
    private int due;
    /** Iterations from {@code end} on are reversed. */
    private int end;
    /** The iteration whose starting state the loop's variables hold, or UNKNOWN. */
    private int current = UNKNOWN;
    /** A snapshot to take at the next action, or UNKNOWN. */
    private int pendingTake = UNKNOWN;
    private int iterations;
    private int stepped;

    /** Snapshot storage, per snapshot: scalars (ints, booleans and longs as longs) and array copies. */
    private double[][] doubles = new double[8][];
    private long[][] longs = new long[8][];
    private double[][][] arrays = new double[8][][];
    private int slot;
    private int doubleAt;
    private int longAt;
    private int arrayAt;

    private long advanced;
    private int taken;
    private int restored;
    private int held;

    private Checkpoints(int snapshots) {
        if (snapshots < 1) {
            throw new IllegalArgumentException("checkpointing needs at least one snapshot, not " + snapshots);
        }
        this.snapshots = snapshots;
    }

    /** A schedule with at most {@code snapshots} snapshots, for a loop about to run. */
    public static Checkpoints start(int snapshots) {
        return new Checkpoints(snapshots);
    }

    // ------------------------------------------------------------ the forward sweep

    /**
     * The loop is expected to run {@code iterations} iterations: the forward sweep takes the
     * snapshots the schedule would take first (Griewank's first sweep). Only a plan: the reverse
     * sweep works from whatever snapshots were taken.
     */
    public void expect(int iterations) {
        int[] out = new int[Math.min(snapshots, 64)];
        int count = 1;
        int a = 0;
        for (int free = snapshots - 1; iterations - a >= 2 && free > 0; free--) {
            int m = a + split(iterations - a, free + 1);
            if (m >= iterations - 1) {
                break; // the schedule runs on to the last iteration and records it: no snapshot
            }
            if (count == out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            out[count++] = m;
            a = m;
        }
        plan = out;
        planned = count;
        nextPlanned = 0;
        due = 0;
    }

    /**
     * Whether a snapshot is due before iteration {@code iteration} (counted from 0, the forward
     * sweep's count so far); if so, the {@code put}s that follow fill it.
     */
    public boolean snapshotBefore(int iteration) {
        if (iteration != due) {
            return false;
        }
        push(iteration);
        nextPlanned++;
        due = nextPlanned < planned ? plan[nextPlanned] : UNKNOWN;
        return true;
    }

    // ------------------------------------------------------------ the schedule

    /**
     * Starts the reverse sweep of a loop that ran {@code n} iterations, from the snapshots the
     * forward sweep took: its first action.
     */
    public int reverse(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("iterations: " + n);
        }
        if (n == 0) {
            return DONE;
        }
        if (top < 0 || at[0] != 0) {
            throw new IllegalStateException("no snapshot before the first iteration");
        }
        while (top > 0 && at[top] >= n) {
            top--; // more snapshots than iterations (cannot happen when the count is the forward sweep's)
        }
        end = n;
        current = UNKNOWN; // the variables hold the state after the last iteration
        return next();
    }

    /** The next action: {@link #RESTORE}, {@link #ADVANCE}, {@link #TAKE}, {@link #STEP} or {@link #DONE}. */
    public int next() {
        if (pendingTake != UNKNOWN) {
            push(pendingTake);
            pendingTake = UNKNOWN;
            taken++;
            return TAKE;
        }
        while (true) {
            int a = at[top];
            if (end == a) {
                if (top == 0) {
                    return DONE;
                }
                top--; // every iteration after it is reversed: the newest snapshot is not needed any more
                continue;
            }
            if (current == end - 1) {
                stepped = current;
                end = current;
                current = UNKNOWN; // the recording and its reverse sweep leave the variables as they like
                return STEP;
            }
            if (current != a) {
                current = a;
                open(top);
                restored++;
                return RESTORE;
            }
            int free = snapshots - 1 - top;
            int m = free == 0 ? end - 1 : a + split(end - a, free + 1);
            iterations = m - a;
            advanced += iterations;
            current = m;
            if (m < end - 1) {
                pendingTake = m;
            }
            return ADVANCE;
        }
    }

    /** For {@link #ADVANCE}: how many iterations to run. */
    public int iterations() {
        return iterations;
    }

    /** For {@link #STEP}: which iteration (counted from 0) to record and reverse. */
    public int iteration() {
        return stepped;
    }

    /**
     * How many of {@code l ≥ 2} iterations to advance before the next snapshot, with {@code s ≥ 2}
     * snapshots counting the one at the start: the smallest optimal split (see the class comment).
     */
    static int split(int l, int s) {
        if (l <= s + 1) {
            return 1; // t = 1: a snapshot before every iteration
        }
        // β(s, t) for t = 0, 1, ... until it reaches l; b1 = β(s, t - 1), b2 = β(s, t - 2)
        long b = 1;
        long b1 = 0;
        long b2 = 0;
        for (int t = 1; b < l; t++) {
            b2 = b1;
            b1 = b;
            b = b * (s + t) / t; // C(s + t, t) = C(s + t - 1, t - 1) · (s + t) / t, exactly
        }
        long rightFull = b - b1; // β(s - 1, t) = β(s, t) - β(s, t - 1)
        long low = Math.max(b2, l - rightFull);
        return (int) Math.max(1, Math.min(low, l - 1));
    }

    private void push(int iteration) {
        top++;
        if (top == at.length) {
            at = Arrays.copyOf(at, at.length * 2);
        }
        at[top] = iteration;
        held = Math.max(held, top + 1);
        open(top);
    }

    // ------------------------------------------------------------ the snapshots

    private void open(int s) {
        if (s >= doubles.length) {
            int size = Math.max(s + 1, doubles.length * 2);
            doubles = Arrays.copyOf(doubles, size);
            longs = Arrays.copyOf(longs, size);
            arrays = Arrays.copyOf(arrays, size);
        }
        slot = s;
        doubleAt = 0;
        longAt = 0;
        arrayAt = 0;
    }

    public void put(double value) {
        double[] d = doubles[slot];
        if (d == null || doubleAt == d.length) {
            d = doubles[slot] = d == null ? new double[4] : Arrays.copyOf(d, d.length * 2);
        }
        d[doubleAt++] = value;
    }

    public void put(long value) {
        long[] l = longs[slot];
        if (l == null || longAt == l.length) {
            l = longs[slot] = l == null ? new long[4] : Arrays.copyOf(l, l.length * 2);
        }
        l[longAt++] = value;
    }

    public void put(int value) {
        put((long) value);
    }

    public void put(boolean value) {
        put(value ? 1L : 0L);
    }

    /** A float, kept as a double (exactly). */
    public void put(float value) {
        put((double) value);
    }

    /** A copy of the array's elements (the snapshot's own copy is reused when the length allows). */
    public void put(double[] array) {
        double[][] a = arrays[slot];
        if (a == null || arrayAt == a.length) {
            a = arrays[slot] = a == null ? new double[2][] : Arrays.copyOf(a, a.length * 2);
        }
        if (array == null) {
            a[arrayAt++] = null;
            return;
        }
        double[] copy = a[arrayAt];
        if (copy == null || copy.length != array.length) {
            copy = a[arrayAt] = new double[array.length];
        }
        System.arraycopy(array, 0, copy, 0, array.length);
        arrayAt++;
    }

    public double getDouble() {
        return doubles[slot][doubleAt++];
    }

    public long getLong() {
        return longs[slot][longAt++];
    }

    public int getInt() {
        return (int) getLong();
    }

    public boolean getBoolean() {
        return getLong() != 0;
    }

    public float getFloat() {
        return (float) getDouble();
    }

    /** Copies the snapshot's elements back into {@code array}, the same array the loop started with. */
    public void get(double[] array) {
        double[] copy = arrays[slot][arrayAt++];
        if (array == null || copy == null) {
            if (array != copy) {
                throw new IllegalStateException("a checkpointed loop changed which array a variable names");
            }
            return;
        }
        if (copy.length != array.length) {
            throw new IllegalStateException("a checkpointed loop changed which array a variable names");
        }
        System.arraycopy(copy, 0, array, 0, copy.length);
    }

    // ------------------------------------------------------------ what it cost

    /** How many iterations the reverse sweep ran again ({@link #ADVANCE}s), the forward sweep's and steps not counted. */
    public long advanced() {
        return advanced;
    }

    /** How many snapshots the reverse sweep took (the forward sweep's not counted). */
    public int taken() {
        return taken;
    }

    /** How many times the reverse sweep set the variables from a snapshot. */
    public int restored() {
        return restored;
    }

    /** The most snapshots held at once (snapshot 0 included): at most the number asked for. */
    public int held() {
        return held;
    }
}
