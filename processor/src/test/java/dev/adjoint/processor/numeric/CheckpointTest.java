package dev.adjoint.processor.numeric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.fixtures.Checkpointed;
import dev.adjoint.processor.fixtures.CheckpointedAdjoint;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Binomial checkpointing ({@link Checkpointed}) gives bitwise the gradient of the reverse sweep
 * that records every iteration: for every twin, at random points, for loop lengths around the
 * number of snapshots and far beyond it, with one and two snapshots (every iteration reached again
 * from the start), and for the model at ten million iterations, where both agree with
 * forward mode too. It leaves array arguments as the primal does, runs on several threads at once,
 * and nests (a checkpointed loop calling a method with one).
 */
class CheckpointTest {

    private static final int POINTS = 30;

    /** Each checkpointed method with its twin that records every iteration. */
    private static List<Method[]> twins() {
        List<Method[]> out = new ArrayList<>();
        for (Method recorded : Checkpointed.class.getMethods()) {
            if (recorded.getName().endsWith("Recorded")) {
                String name = recorded.getName().substring(0, recorded.getName().length() - "Recorded".length());
                out.add(new Method[] {GradientHarness.find(Checkpointed.class, name), recorded});
            }
        }
        assertEquals(11, out.size()); // every pair of the fixture
        return out;
    }

    @Test
    void everyTwinHasBitwiseTheRecordedGradient() throws Exception {
        GradientHarness harness = new GradientHarness(Checkpointed.class);
        for (Method[] twin : twins()) {
            Random random = new Random(twin[0].getName().hashCode());
            for (int i = 0; i < POINTS; i++) {
                Object[] args = GradientHarness.arguments(twin[0], random);
                for (int k = 0; k < args.length; k++) {
                    if (args[k] instanceof Integer) {
                        args[k] = random.nextInt(60); // loop lengths below, at and above the snapshots
                    }
                }
                Map<String, double[]> checkpointed = harness.gradient(twin[0], args);
                Map<String, double[]> recorded = harness.gradient(twin[1], args);
                assertEquals(recorded.keySet(), checkpointed.keySet());
                for (String input : recorded.keySet()) {
                    // no tolerance: the same bits (assertArrayEquals compares doubles by their bits)
                    assertArrayEquals(recorded.get(input), checkpointed.get(input),
                            twin[0].getName() + " d/d" + input + " at " + java.util.Arrays.deepToString(args));
                }
            }
        }
    }

    @Test
    void anyLoopLengthAndAnyNumberOfSnapshots() {
        Random random = new Random(20);
        int[] lengths = {0, 1, 2, 3, 4, 5, 7, 50, 99, 100, 101, 102, 250, 1000, 5151, 12_345};
        for (int n : lengths) {
            double x = 0.2 + 0.6 * random.nextDouble();
            double recorded = CheckpointedAdjoint.sinIterateRecordedGradient(x, n).x;
            assertEquals(recorded, CheckpointedAdjoint.sinIterateGradient(x, n).x, 0.0, "100 snapshots, n = " + n);
            assertEquals(recorded, CheckpointedAdjoint.sinIterateTwoSnapshotsGradient(x, n).x, 0.0,
                    "2 snapshots, n = " + n);
            if (n <= 1000) {
                assertEquals(recorded, CheckpointedAdjoint.sinIterateOneSnapshotGradient(x, n).x, 0.0,
                        "1 snapshot, n = " + n);
            }
        }
    }

    @Test
    void longLoopsAgainstFiniteDifferences() {
        for (int n : new int[] {200, 777}) {
            double x = 0.37;
            double h = 1e-6;
            double numeric = (Checkpointed.sinIterate(x + h, n) - Checkpointed.sinIterate(x - h, n)) / (2 * h);
            GradientHarness.assertClose(numeric, CheckpointedAdjoint.sinIterateOneSnapshotGradient(x, n).x, "n = " + n);
            GradientHarness.assertClose(numeric, CheckpointedAdjoint.sinIterateTwoSnapshotsGradient(x, n).x, "n = " + n);
        }
        double[] p = {1.3, 0.2};
        double[] y0 = {0.9, -0.3};
        CheckpointedAdjoint.Rk4Gradient g = CheckpointedAdjoint.rk4Gradient(p, y0, 400);
        double h = 1e-6;
        for (int j = 0; j < 2; j++) {
            double[] plus = p.clone();
            double[] minus = p.clone();
            plus[j] += h;
            minus[j] -= h;
            GradientHarness.assertClose((Checkpointed.rk4(plus, y0, 400) - Checkpointed.rk4(minus, y0, 400)) / (2 * h),
                    g.p[j], "rk4 d/dp[" + j + "]");
        }
    }

    /**
     * The model at n = 10,000,000: bitwise the recorded gradient, and forward mode's
     * derivative. The map contracts, so ∂x_n/∂x_0 underflows to 0 there; the shifted model's
     * gradient in its shift c does not vanish, and is compared too.
     */
    @Test
    void tenMillionIterationsGiveExactlyTheRecordedGradient() throws Exception {
        int n = 10_000_000;
        double x = 0.7;
        double c = 0.05;
        // on a thread of its own: the recording sweep's value stack (80 MB) goes with its thread
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            double recorded = pool.submit(() -> CheckpointedAdjoint.sinIterateRecordedGradient(x, n).x).get();
            double checkpointed = CheckpointedAdjoint.sinIterateGradient(x, n).x;
            assertEquals(Double.doubleToRawLongBits(recorded), Double.doubleToRawLongBits(checkpointed),
                    recorded + " vs " + checkpointed);
            assertEquals(CheckpointedAdjoint.sinIterateTangent(x, n, 1.0), checkpointed, 0.0);
            CheckpointedAdjoint.ShiftedIterateRecordedGradient shiftedRecorded = pool.submit(
                    () -> CheckpointedAdjoint.shiftedIterateRecordedGradient(x, c, n)).get();
            CheckpointedAdjoint.ShiftedIterateGradient shifted = CheckpointedAdjoint.shiftedIterateGradient(x, c, n);
            assertEquals(Double.doubleToRawLongBits(shiftedRecorded.c), Double.doubleToRawLongBits(shifted.c));
            assertEquals(Double.doubleToRawLongBits(shiftedRecorded.x), Double.doubleToRawLongBits(shifted.x));
            double tangent = CheckpointedAdjoint.shiftedIterateTangent(x, c, n, 0.0, 1.0);
            assertTrue(shifted.c > 1, "a gradient that does not vanish: " + shifted.c);
            assertEquals(tangent, shifted.c, 1e-12 * tangent);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void arrayArgumentsEndAsThePrimalLeavesThem() {
        double[] state = {0.4, 0.6};
        double[] primal = state.clone();
        double value = Checkpointed.twoLoopsWritingAParameter(primal, 0.05);
        double[] viaPullback = state.clone();
        CheckpointedAdjoint.TwoLoopsWritingAParameterGradient g = new CheckpointedAdjoint.TwoLoopsWritingAParameterGradient();
        g.state = new double[2];
        assertEquals(value, CheckpointedAdjoint.twoLoopsWritingAParameterPullback(viaPullback, 0.05, 1.0, g), 0.0);
        assertArrayEquals(primal, viaPullback);
        // and the gradient is taken at the arguments as given
        double h = 1e-6;
        double[] plus = state.clone();
        double[] minus = state.clone();
        plus[1] += h;
        minus[1] -= h;
        GradientHarness.assertClose((Checkpointed.twoLoopsWritingAParameter(plus, 0.05)
                - Checkpointed.twoLoopsWritingAParameter(minus, 0.05)) / (2 * h), g.state[1], "d/dstate[1]");
    }

    @Test
    void aVectorOutputIsTheOneThePrimalReturns() {
        double[] primal = Checkpointed.vectorOutput(0.4, 0.3);
        CheckpointedAdjoint.VectorOutputGradient g = new CheckpointedAdjoint.VectorOutputGradient();
        assertArrayEquals(primal, CheckpointedAdjoint.vectorOutputPullback(0.4, 0.3, new double[] {0.5, -1, 2}, g));
        double[][] jacobian = CheckpointedAdjoint.vectorOutputJacobian(0.4, 0.3);
        double h = 1e-6;
        double[] dx = Checkpointed.vectorOutput(0.4 + h, 0.3);
        double[] mx = Checkpointed.vectorOutput(0.4 - h, 0.3);
        double[] dv = Checkpointed.vectorOutput(0.4, 0.3 + h);
        double[] mv = Checkpointed.vectorOutput(0.4, 0.3 - h);
        for (int i = 0; i < 3; i++) {
            GradientHarness.assertClose((dx[i] - mx[i]) / (2 * h), jacobian[i][0], "d r[" + i + "]/dx");
            GradientHarness.assertClose((dv[i] - mv[i]) / (2 * h), jacobian[i][1], "d r[" + i + "]/dv");
        }
        assertEquals(0.5 * jacobian[0][0] - jacobian[1][0] + 2 * jacobian[2][0], g.x, 1e-14);
    }

    @Test
    void threadsCheckpointAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<double[]>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                double x = 0.1 * (t + 1);
                results.add(pool.submit(() -> new double[] {CheckpointedAdjoint.sinIterateTwoSnapshotsGradient(x, 3000).x,
                        CheckpointedAdjoint.callsCheckpointedGradient(x, 0.9).x}));
            }
            for (int t = 0; t < 8; t++) {
                double x = 0.1 * (t + 1);
                double[] got = results.get(t).get();
                assertEquals(CheckpointedAdjoint.sinIterateRecordedGradient(x, 3000).x, got[0], 0.0);
                assertEquals(CheckpointedAdjoint.callsCheckpointedGradient(x, 0.9).x, got[1], 0.0);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theGeneratedCodeSaysWhichLoopsItCheckpoints() throws Exception {
        String source = java.nio.file.Files.readString(java.nio.file.Path.of("target", "generated-test-sources",
                "test-annotations", "dev", "adjoint", "processor", "fixtures", "CheckpointedAdjointImpl.java"));
        assertTrue(source.contains("// checkpointed: for (int k = 0; k < n; k++)"));
        assertTrue(source.contains("binomial checkpointing (revolve), at most 100 snapshots of the loop's state"));
        assertTrue(source.contains("binomial checkpointing (revolve), at most 1 snapshot of the loop's state"));
        assertTrue(source.contains("// not checkpointed: for (int i = 0; i < w.length; i++) (its reverse sweep keeps"
                + " nothing per iteration)"), "keepsNothing's first loop");
    }
}
