package dev.adjoint.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Overrides.check, is and unseen: which objects run the bodies a derivative was generated from. */
class OverridesTest {

    static class Base<T> {
        double profile(double u) {
            return u;
        }

        double score(T item) {
            return 1;
        }
    }

    static class Inherits extends Base<String> {}

    static class OverridesProfile extends Base<String> {
        @Override
        double profile(double u) {
            return 2 * u;
        }
    }

    /** score(String) overrides score(T): javac writes a bridge score(Object) that runs it. */
    static class OverridesGenerically extends Base<String> {
        @Override
        double score(String item) {
            return 2;
        }
    }

    static class Deeper extends OverridesProfile {}

    interface Scaled {
        double scale();

        default double twice(double x) {
            return 2 * x * scale();
        }
    }

    interface Thrice extends Scaled {
        @Override
        default double twice(double x) {
            return 3 * x * scale();
        }
    }

    static class UsesDefault implements Scaled {
        @Override
        public double scale() {
            return 1.5;
        }
    }

    static class UsesNearerDefault extends UsesDefault implements Thrice {}

    /** Scaled listed first: Thrice's default still runs, being the more specific. */
    static class ListsBoth implements Scaled, Thrice {
        @Override
        public double scale() {
            return 2;
        }
    }

    static class OverridesDefault extends UsesDefault {
        @Override
        public double twice(double x) {
            return x;
        }
    }

    private static final String BASE = Base.class.getName();

    @Test
    void anObjectOfAnotherClassIsRefusedAsSuch() {
        ClassCastException e = assertThrows(ClassCastException.class,
                () -> Overrides.check(new UsesDefault(), BASE, "profile(double)"));
        assertEquals(UsesDefault.class.getName() + " is not a " + BASE + ": this derivative is of " + BASE
                + "'s profile(double)", e.getMessage());
    }

    @Test
    void anInterfacesDefaultMethodRunsWhereNoClassDeclaresIt() {
        Overrides.check(new UsesDefault(), Scaled.class.getName(), "twice(double)");
        Overrides.check(new UsesNearerDefault(), Thrice.class.getName(), "twice(double)");
        Overrides.check(new ListsBoth(), Thrice.class.getName(), "twice(double)");
        assertThrows(UnsupportedOperationException.class,
                () -> Overrides.check(new UsesNearerDefault(), Scaled.class.getName(), "twice(double)"));
        assertThrows(UnsupportedOperationException.class,
                () -> Overrides.check(new OverridesDefault(), Scaled.class.getName(), "twice(double)"));
    }

    @Test
    void theClassItselfAndASubclassThatInheritsPass() {
        Overrides.check(new Base<String>(), BASE, "profile(double)");
        Overrides.check(new Inherits(), BASE, "profile(double)");
        Overrides.check(new Inherits(), BASE, "score(java.lang.Object)");
        Overrides.check(new OverridesProfile(), BASE, "score(java.lang.Object)");
    }

    @Test
    void anOverrideAnywhereBelowIsRefused() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> Overrides.check(new OverridesProfile(), BASE, "profile(double)"));
        assertEquals(OverridesProfile.class.getName() + " overrides profile(double) of " + BASE
                + ", and Adjoint generated this derivative from " + BASE + "'s body, not from the override: "
                + "differentiate the subclass's method with a @Differentiable method of its own, or make profile "
                + "final", e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> Overrides.check(new Deeper(), BASE, "profile(double)"));
    }

    @Test
    void aMethodOfTheSameNameInAnotherPackageDoesNotOverrideAPackagePrivateOne() {
        Overrides.check(new dev.adjoint.internal.elsewhere.Shadows(), PackageBase.class.getName(), "rate(double)");
        Overrides.check(new dev.adjoint.internal.elsewhere.Shadows(), PackageBase.class.getName(), "rate(double)"); // cached
    }

    @Test
    void aClassBackInThePackageBelowItDoesOverride() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> Overrides.check(new PackageBase.BackHome(), PackageBase.class.getName(), "rate(double)"));
        assertTrue(e.getMessage().contains("overrides rate(double)"), e.getMessage());
    }

    @Test
    void aGenericOverrideSeenThroughItsBridgeIsRefused() {
        assertThrows(UnsupportedOperationException.class,
                () -> Overrides.check(new OverridesGenerically(), BASE, "score(java.lang.Object)"));
    }

    /** is: the object's exact class, not a subclass's nor a base's, by binary name (a nested class's with its $). */
    @Test
    void isTestsTheExactClass() {
        assertTrue(Overrides.is(new Inherits(), Inherits.class.getName()));
        assertTrue(Overrides.is(new Inherits(), new String(Inherits.class.getName()))); // not the same String object
        assertFalse(Overrides.is(new Deeper(), OverridesProfile.class.getName()));
        assertFalse(Overrides.is(new OverridesProfile(), Deeper.class.getName()));
        assertFalse(Overrides.is(new Inherits(), Inherits.class.getCanonicalName()));
        assertThrows(NullPointerException.class, () -> Overrides.is(null, BASE)); // as calling the method on null
    }

    @Test
    void unseenThrowsNamingTheClassAndTheClassesSeen() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> Overrides.unseen(new Deeper(), BASE, "profile(double)", "a.B, a.C"));
        assertEquals(Deeper.class.getName() + " runs profile(double) of " + BASE + " with a body Adjoint did not see: "
                + "this derivative holds the bodies of a.B, a.C only, the named classes of the build it was generated "
                + "in that implement it (not an anonymous or local class, a lambda, or a class compiled apart); "
                + "differentiate " + Deeper.class.getName() + "'s method with a @Differentiable method of its own, or "
                + "make it a named class of that build", e.getMessage());
    }

    @Test
    void notThisPassesAnotherObjectAndRefusesTheSame() {
        Base<String> self = new Base<>();
        Base<String> other = new Base<>();
        assertTrue(Overrides.notThis(other, self, "other.w") == other);
        assertTrue(Overrides.notThis(null, self, "other.w") == null); // the read then throws as Java's would
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> Overrides.notThis(self, self, "other.w"));
        assertEquals("other.w reads a field of the object this derivative is taken with respect to, through another "
                + "name: Adjoint reads it there as data, and its derivative would be lost; read it through this, or pass "
                + "another object", e.getMessage());
    }
}
