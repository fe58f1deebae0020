package dev.slimkit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelSpecTest {

    /** conv(1→2, k3, pad 1) → relu → flatten → linear(2·4·4 → 3) on 1×4×4 input. */
    private static ModelSpec tiny() {
        return new ModelSpec("tiny", 1, 4, 4, 3, 1.0, List.of(
                Layer.conv("conv", 2, 3, 1, 1, true),
                Layer.relu("relu"),
                Layer.flatten("flat"),
                Layer.linear("fc", 3)));
    }

    @Test
    void jsonRoundTrip() {
        for (String arch : Architectures.NAMES) {
            ModelSpec spec = Architectures.spec(arch, 7, 0.5);
            ModelSpec back = ModelSpec.fromJson(spec.toJson());
            assertEquals(spec, back, arch);
        }
    }

    @Test
    void paramsAndMacsByHand() {
        ModelSpec spec = tiny();
        // conv: out 2*4*4 positions × 1 in × 3×3 = 288 MACs; linear 32×3 = 96
        assertEquals(288 + 96, spec.macs());
        try (SlimModel model = SlimModel.create("tiny", spec, 0)) {
            ModelStats stats = ModelStats.of(model);
            assertEquals(2 * 9 + 2 + 32 * 3 + 3, stats.params());
            assertEquals(stats.params(), stats.trainableParams());
            assertEquals(0, stats.frozenParams());
            assertEquals(stats.params() * 4, stats.bytes());
            assertEquals(List.of("conv", "relu", "flat", "fc"),
                    stats.layers().stream().map(ModelStats.LayerStats::path).toList());
            assertEquals("[2, 4, 4]", stats.layers().get(0).outputShape());
            assertEquals(288, stats.layers().get(0).macs());
            assertEquals(99, stats.layers().get(3).params());
        }
    }

    @Test
    void builtInArchitecturesHaveExpectedSizes() {
        try (SlimModel cnn = SlimModel.create("cnn-small", 10, 1.0, 0);
                SlimModel resnet = SlimModel.create("resnet20", 10, 1.0, 0)) {
            ModelStats c = ModelStats.of(cnn);
            // conv1 320 + bn1 64 + conv2 18,496 + bn2 128 + fc1 401,536 + fc2 1,290
            assertEquals(421_834, c.params());
            // BN running stats (2×32 + 2×64 floats) are bytes but not params
            assertEquals((421_834 + 192) * 4, c.bytes());
            assertEquals(28L * 28 * 32 * 9 + 14L * 14 * 64 * 32 * 9 + 3136L * 128 + 128 * 10, c.macs());
            ModelStats r = ModelStats.of(resnet);
            assertTrue(r.params() > 260_000 && r.params() < 290_000, "resnet20 params " + r.params());
            assertTrue(r.layers().stream().anyMatch(l -> l.path().equals("s2b1.proj") && l.type().equals("Conv2d")));
            assertTrue(r.layers().stream().anyMatch(l -> l.path().equals("s3b3") && l.type().equals("Residual")));
        }
    }

    @Test
    void badSpecsAndNamesAreRejectedClearly() {
        assertEquals("unknown architecture [vgg]; choose one of mlp, lenet5, cnn-small, resnet20",
                assertThrows(IllegalArgumentException.class, () -> Architectures.spec("vgg", 10, 1)).getMessage());
        assertEquals("classes must be >= 2, got [1]; pass the number of classes of the data",
                assertThrows(IllegalArgumentException.class, () -> Architectures.spec("mlp", 1, 1)).getMessage());
        assertEquals("width multiplier must be in (0, 64], got [0.0]; pass e.g. 0.5 or 2",
                assertThrows(IllegalArgumentException.class, () -> Architectures.spec("mlp", 10, 0)).getMessage());
        ModelSpec noFlatten = new ModelSpec("x", 1, 4, 4, 3, 1, List.of(Layer.conv("c", 2, 3, 1, 1, true), Layer.linear("fc", 3)));
        assertEquals("Linear [fc] needs a 1-D input per image but gets [2, 4, 4]; put a flatten layer before it",
                assertThrows(IllegalArgumentException.class, noFlatten::trace).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelSpec.fromJson("{not json"))
                .getMessage().startsWith("model spec JSON is not readable"));
    }
}
