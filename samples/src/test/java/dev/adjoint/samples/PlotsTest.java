package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plots are valid PNG files of the expected size, and the plotted derivative is the right one. */
class PlotsTest {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path dir;

    @Test
    void seedFunctionPlotIsAPng() throws IOException {
        Path file = Plots.seedFunction(dir);
        assertEquals(dir.resolve("plots").resolve(Plots.SIN_X2).toAbsolutePath().normalize(), file);
        assertPng(file);
    }

    @Test
    void trainingLossPlotIsAPng() throws IOException {
        TrainingLoop.History history = new TrainingLoop.History(new double[] {0.6, 0.3, 0.1}, new double[] {0.5, 0.2, 0.1},
                0.99, 0.98);
        assertPng(Plots.trainingLoss(history, dir));
    }

    @Test
    void thePlottedDerivativeIsTwoXCosXSquared() {
        for (int i = 0; i <= 600; i++) {
            double x = -3 + i / 100.0;
            assertEquals(2 * x * Math.cos(x * x), SeedFunctionAdjoint.sinOfSquareGradient(x).x, 1e-12, "x = " + x);
        }
    }

    private static void assertPng(Path file) throws IOException {
        byte[] head = new byte[PNG_SIGNATURE.length];
        try (InputStream in = Files.newInputStream(file)) {
            assertEquals(head.length, in.read(head));
        }
        assertArrayEquals(PNG_SIGNATURE, head, file + " does not start with the PNG signature");
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, file + " is not a readable image");
        assertEquals(Plots.WIDTH, image.getWidth());
        assertEquals(Plots.HEIGHT, image.getHeight());
    }
}
