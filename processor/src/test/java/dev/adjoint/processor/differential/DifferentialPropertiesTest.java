package dev.adjoint.processor.differential;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.processor.differential.Ast.Unit;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Differential testing of the processor: random {@code @Differentiable} classes (see
 * {@link ProgramGenerator}), each compiled in-process with the processor, every method's generated
 * gradient checked against finite differences, the tape and dual numbers, its pullback and
 * Tensor overload against the primal, the generated code for warnings and determinism
 * ({@link Campaign}).
 *
 * <p>Each try is one class of {@link #BATCH} methods (one javac run). The default run tries
 * {@link #DEFAULT_PROGRAMS} programs; {@code -Dadjoint.differential.programs=100000} runs a long
 * campaign, e.g.
 * {@code mvn -B -pl processor -am test -Dtest=DifferentialPropertiesTest -Dsurefire.failIfNoSpecifiedTests=false -Dadjoint.differential.programs=100000}.
 * Shrinking is the {@link Shrinker}'s (on the AST, each step a compilation), not jqwik's.
 *
 * <p>The default run (the build's, so CI's) uses a fixed seed, {@link #DEFAULT_SEED}: the same
 * 1,500 programs every time, so a red build means a change broke something, not that a new random
 * program found a point where finite differences mislead (about one program in 10,000 does, at
 * points of extreme conditioning). A long campaign ({@code adjoint.differential.programs} set)
 * draws a random seed, printed by jqwik for replaying; {@code -Dadjoint.differential.seed=S} fixes
 * one, {@code =random} draws one for the default run too.
 */
class DifferentialPropertiesTest {

    static final int BATCH = 100;
    static final int DEFAULT_PROGRAMS = 1500;
    static final String DEFAULT_SEED = "20261126";

    private static final Campaign CAMPAIGN = new Campaign();
    /** {@code -Dadjoint.differential.keepGoing=true}: report failures as they come and fail at the end. */
    private static final boolean KEEP_GOING = Boolean.getBoolean("adjoint.differential.keepGoing");
    private static final List<Campaign.Finding> FINDINGS = new java.util.ArrayList<>();
    /** In a long campaign: what went wrong with a batch other than a failing program. */
    private static final List<String> ABORTED = new java.util.ArrayList<>();
    /** Programs the generator wrote that javac would reject (drawn again; the run fails at the end). */
    private static final List<String> SLIPS = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    @Provide
    Arbitrary<Unit> batches() {
        return Arbitraries.randomValue(random -> new ProgramGenerator(random).reportingSlipsTo(slip -> {
            System.out.println("[differential] GENERATOR SLIP " + slip);
            SLIPS.add(slip);
        }).unit("difftest", "Batch", BATCH));
    }

    @Property(shrinking = ShrinkingMode.OFF)
    @AddLifecycleHook(ProgramBudget.class)
    void generatedGradientsAgreeWithFiniteDifferencesAndTheTape(@ForAll("batches") Unit batch,
            @ForAll long pointSeed) {
        int rejectedBefore = CAMPAIGN.tally.rejected;
        List<Campaign.Finding> findings;
        try {
            findings = CAMPAIGN.run(batch, new Random(pointSeed));
        } catch (RuntimeException | Error e) {
            if (!KEEP_GOING) {
                throw e;
            }
            // a long campaign goes on past a broken batch too, and says why at the end
            System.out.println("[differential] BROKEN BATCH " + e);
            ABORTED.add(e.toString());
            return;
        }
        if (!findings.isEmpty() && KEEP_GOING) {
            // a long campaign reports every failure and goes on; the property fails at the end
            findings.forEach(f -> System.out.println("[differential] FAILURE " + f.report()));
            FINDINGS.addAll(findings);
        } else if (!findings.isEmpty()) {
            fail(findings.stream().map(Campaign.Finding::report)
                    .collect(Collectors.joining("\n", findings.size() + " failing program(s):\n", "")));
        }
        // a generator whose programs are mostly rejected would test nothing while passing
        int rejected = CAMPAIGN.tally.rejected - rejectedBefore;
        if (KEEP_GOING && rejected > BATCH / 5) {
            System.out.println("[differential] TOO MANY REJECTED " + rejected + " of " + BATCH);
            ABORTED.add(rejected + " of " + BATCH + " programs of a batch had no valid point");
            return;
        }
        assertTrue(rejected <= BATCH / 5, rejected + " of " + BATCH + " programs had no valid point");
    }

    /**
     * Sets the number of tries from {@code adjoint.differential.programs} and the seed (see the
     * class comment), and reports the tally.
     */
    static final class ProgramBudget implements AroundPropertyHook {
        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            int programs = Integer.getInteger("adjoint.differential.programs", DEFAULT_PROGRAMS);
            context.attributes().setTries(Math.max(1, (programs + BATCH - 1) / BATCH));
            String seed = System.getProperty("adjoint.differential.seed",
                    System.getProperty("adjoint.differential.programs") == null ? DEFAULT_SEED : "random");
            if (!seed.equals("random")) {
                context.attributes().setSeed(seed);
            }
            long start = System.nanoTime();
            PropertyExecutionResult result = property.execute();
            System.out.printf("[differential] %s; %d failing; %.1f s in all%n", CAMPAIGN.tally, FINDINGS.size(),
                    (System.nanoTime() - start) / 1e9);
            if (FINDINGS.isEmpty() && ABORTED.isEmpty() && SLIPS.isEmpty()) {
                return result;
            }
            String cause = result.throwable().map(t -> "; and " + t).orElse("");
            return result.mapToFailed(FINDINGS.size() + " failing programs, reported above; batches that went wrong: "
                    + ABORTED + "; " + SLIPS.size() + " programs the generator wrote javac would reject" + cause);
        }
    }
}
