package dev.slimkit.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimkit.Slim;
import dev.slimkit.data.Datasets;
import dev.slimkit.data.ImageData;
import dev.slimkit.io.ModelIO;
import dev.slimkit.model.SlimModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A gain summary's figures are the ratios of the comparison rows they come from. */
class GainTest {

    @Test
    void ratiosAreReferenceOverModelAndAccuracyIsInPoints() {
        ComparisonRow ref = new ComparisonRow("big", 1000, 1000, 4_000_000, 2.0, 40.0, 0.90);
        ComparisonRow small = new ComparisonRow("small", 250, 250, 1_000_000, 1.0, 10.0, 0.885);
        Gain g = Gain.of(small, 2_000, ref, 8_000);
        assertEquals(-1.5, g.accuracyDelta(), 1e-9);
        assertEquals(4.0, g.fewerMacs(), 1e-12);
        assertEquals(4.0, g.smallerFile(), 1e-12);
        assertEquals(2.0, g.speedupBatch1(), 1e-12);
        assertEquals(4.0, g.speedupBatch32(), 1e-12);
    }

    @Test
    void theBuilderSumsUpEveryOtherModelAgainstTheNamedOne() throws Exception {
        ImageData data = Datasets.synthetic(4, 64, 32, 1);
        try (SlimModel big = Slim.model("cnn-small").data(data).name("big").build();
                SlimModel small = Slim.model("cnn-small").data(data).width(0.5).name("small").build()) {
            var builder = Slim.compare(big, small).data(data).measureLatency(false).against("big");
            Comparison c = builder.run();
            List<Gain> gains = builder.gains(c);
            assertEquals(1, gains.size());
            Gain g = gains.get(0);
            assertEquals("small", g.model());
            assertEquals((double) c.rows().get(0).macs() / c.rows().get(1).macs(), g.fewerMacs(), 1e-12);
            assertEquals(100 * (c.rows().get(1).accuracy() - c.rows().get(0).accuracy()), g.accuracyDelta(), 1e-9);
            assertEquals((double) ModelIO.encodedSize(big) / ModelIO.encodedSize(small), g.smallerFile(), 1e-12);
            assertTrue(g.fewerMacs() > 3, "half width: about 4x fewer MACs, got " + g.fewerMacs());
            assertTrue(Double.isNaN(g.speedupBatch32()), "latency not measured");
            assertEquals("against(...) [huge] is not among the models compared (big, small); name one of them",
                    assertThrows(IllegalArgumentException.class, () -> Slim.compare(big, small).against("huge").run())
                            .getMessage());
        }
    }
}
