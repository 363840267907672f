package dev.adjoint.processor.memory;

import dev.adjoint.processor.fixtures.CheckpointedAdjoint;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * The program {@link CheckpointMemoryTest} runs in a JVM of its own, with a small heap: the
 * gradient of the shifted iterate model ({@code x ← sin x + x/2 + c}, n times) through the
 * checkpointed pullback or the one recording every iteration, and forward mode's derivative in
 * {@code c}. Prints {@code gradient tangent seconds peakHeapBytes} on one line; exits with 3 when
 * the heap runs out.
 *
 * <p>Arguments: {@code checkpointed} or {@code recorded}, then n.
 */
public final class LongLoop {

    private LongLoop() {}

    public static void main(String[] args) {
        boolean checkpointed = args[0].equals("checkpointed");
        int n = Integer.parseInt(args[1]);
        double x = 0.7;
        double c = 0.05;
        try {
            long start = System.nanoTime();
            double gradient = checkpointed ? CheckpointedAdjoint.shiftedIterateGradient(x, c, n).c
                    : CheckpointedAdjoint.shiftedIterateRecordedGradient(x, c, n).c;
            double seconds = (System.nanoTime() - start) / 1e9;
            double tangent = CheckpointedAdjoint.shiftedIterateTangent(x, c, n, 0.0, 1.0);
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            System.out.println(gradient + " " + tangent + " " + seconds + " " + peak);
        } catch (OutOfMemoryError e) {
            System.out.println("OutOfMemoryError " + e.getMessage());
            System.exit(3);
        }
    }
}
