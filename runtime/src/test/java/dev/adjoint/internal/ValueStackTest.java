package dev.adjoint.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The value stack's borrowed arrays: long enough, distinct while nested, reused once given back, and
 * independent of the pushes around them (a counted loop's array is written while the stack grows).
 */
class ValueStackTest {

    @Test
    void borrowedArraysNestAndAreReused() {
        ValueStack stack = ValueStack.get();
        stack.clear();
        double[] outer = stack.borrow(5);
        assertTrue(outer.length >= 5);
        double[] inner = stack.borrow(3);
        assertNotSame(outer, inner);
        assertEquals(2, stack.size());
        stack.release();
        assertSame(inner, stack.borrow(2)); // long enough: the same array again
        stack.release();
        stack.release();
        assertSame(outer, stack.borrow(5));
        stack.release();
        assertEquals(0, stack.size());
    }

    @Test
    void aLongerBorrowGrowsAndNoneForNoIteration() {
        ValueStack stack = ValueStack.get();
        stack.clear();
        assertTrue(stack.borrow(-3).length >= 0); // a loop that runs no iteration
        stack.release();
        double[] big = stack.borrow(1000);
        assertTrue(big.length >= 1000);
        stack.release();
        assertSame(big, stack.borrow(10));
        stack.release();
    }

    @Test
    void pushesWhileBorrowedDoNotTouchTheBorrowedArray() {
        ValueStack stack = ValueStack.get();
        stack.clear();
        double[] kept = stack.borrow(4);
        for (int i = 0; i < 4; i++) {
            kept[i] = i + 0.5;
            for (int k = 0; k < 100; k++) { // grows the stack's own array several times
                stack.push(k * 1.0);
            }
        }
        for (int i = 3; i >= 0; i--) {
            for (int k = 99; k >= 0; k--) {
                assertEquals(k * 1.0, stack.popDouble(), 0.0);
            }
            assertEquals(i + 0.5, kept[i], 0.0);
        }
        stack.release();
        assertEquals(0, stack.size());
    }

    @Test
    void clearDropsBorrowsLeftByAPullbackThatThrew() {
        ValueStack stack = ValueStack.get();
        stack.clear();
        stack.borrow(8);
        stack.push(1.0);
        stack.clear();
        assertEquals(0, stack.size());
    }

    /**
     * A pop of an empty stack or a release without a borrow (a reverse sweep that went wrong) throws
     * and leaves the stack as it was: the thread's next pullback pushes and pops as usual.
     */
    @Test
    void anUnderflowThrowsAndLeavesTheStackUsable() {
        ValueStack stack = ValueStack.get();
        stack.clear();
        assertThrows(ArrayIndexOutOfBoundsException.class, stack::popDouble);
        assertThrows(ArrayIndexOutOfBoundsException.class, stack::popInt);
        assertThrows(ArrayIndexOutOfBoundsException.class, stack::popArray);
        assertThrows(ArrayIndexOutOfBoundsException.class, stack::popObject);
        assertThrows(IllegalStateException.class, stack::release);
        assertEquals(0, stack.size());
        stack.push(2.5);
        stack.push(7);
        double[] row = {1.0};
        stack.push(row);
        stack.pushObject("o");
        double[] kept = stack.borrow(2);
        assertEquals(5, stack.size());
        stack.release();
        assertEquals("o", stack.popObject());
        assertSame(row, stack.popArray());
        assertEquals(7, stack.popInt());
        assertEquals(2.5, stack.popDouble(), 0.0);
        assertSame(kept, stack.borrow(2));
        stack.release();
        assertEquals(0, stack.size());
    }
}
