package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PyTorch's UserWarning on {@code .grad} of a non-leaf, logged as a WARNING record on the
 * {@code dev.adjoint.Tensor} logger (java.util.logging by default), once per call site as Python's
 * default warning filter does.
 */
class WarningsTest {

    private final List<LogRecord> records = new ArrayList<>();
    private final Logger logger = Logger.getLogger("dev.adjoint.Tensor");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void listen() {
        logger.addHandler(capture);
        logger.setUseParentHandlers(false); // keep the test log clean
    }

    @AfterEach
    void stopListening() {
        logger.removeHandler(capture);
        logger.setUseParentHandlers(true);
    }

    private Tensor nonLeaf() {
        return Tensor.scalar(2).requiresGrad(true).mul(3.0);
    }

    @Test
    void gradOfANonLeafWarnsOncePerCallSite() {
        for (int i = 0; i < 3; i++) {
            assertNull(nonLeaf().grad()); // one call site, three times
        }
        assertEquals(1, records.size());
        LogRecord record = records.get(0);
        assertEquals(Level.WARNING, record.getLevel());
        assertTrue(record.getMessage().startsWith("UserWarning: The .grad attribute of a Tensor that is not a leaf "
                + "Tensor is being accessed. Its .grad attribute won't be populated during autograd.backward()."),
                record.getMessage());
        assertTrue(record.getMessage().contains("WarningsTest.gradOfANonLeafWarnsOncePerCallSite(WarningsTest.java:"),
                "names the caller: " + record.getMessage());
        assertNull(nonLeaf().grad()); // another call site
        assertEquals(2, records.size());
    }

    @Test
    void aLeafOrARetainedNonLeafDoesNotWarn() {
        Tensor leaf = Tensor.scalar(2).requiresGrad(true);
        assertNull(leaf.grad());
        Tensor plain = Tensor.scalar(2);
        assertNull(plain.grad());
        Tensor retained = leaf.mul(3.0).retainGrad();
        retained.backward();
        assertEquals(1.0, retained.grad().item(), 0);
        assertEquals(0, records.size());
    }

    /*
     * y = torch.tensor(2., requires_grad=True) * 3
     * y.grad = torch.tensor(7.)
     * y.grad   # tensor(7.), no warning: TensorBase::grad() warns only when the grad is undefined
     *          # (!is_leaf() && !retains_grad() && !maybe_grad.defined())
     */
    @Test
    void aGradSetOnANonLeafIsReturnedWithoutAWarning() {
        Tensor y = nonLeaf();
        y.setGrad(Tensor.scalar(7));
        assertEquals("tensor(7.)", y.grad().toString());
        assertTrue(records.isEmpty(), "no warning for a defined grad");
    }
}
