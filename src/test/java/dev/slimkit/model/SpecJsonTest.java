package dev.slimkit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Spec JSON is read and written from one field list: every Layer kind and field survives a round trip. */
class SpecJsonTest {

    @Test
    void everyLayerKindAndFieldRoundTrips() {
        // Each field holds a value that differs from its default, so a field written but not read fails.
        Layer residual = new Layer(Layer.Kind.RESIDUAL, "block", 0, 0, 0, 0, false,
                List.of(Layer.conv("c1", 6, 3, 2, 1, false), Layer.batchNorm("bn"), Layer.relu("r")),
                List.of(Layer.conv("proj", 6, 1, 2, 0, true)), null, null);
        Layer torch = new Layer(Layer.Kind.TORCHSCRIPT, "ts", 7, 5, 4, 3, true, List.of(), List.of(), "net.pt",
                List.of(6L, 7L, 7L));
        List<Layer> layers = List.of(Layer.conv("conv", 6, 3, 1, 1, true), Layer.batchNorm("bn"), Layer.relu("relu"),
                Layer.maxPool("pool", 2, 2), Layer.avgPool("avg", 2, 1), residual, Layer.globalAvgPool("gap"), Layer.flatten("flat"),
                Layer.linear("fc", 3), torch);
        ModelSpec spec = new ModelSpec("custom", 3, 32, 30, 3, 0.75, layers);
        ModelSpec back = SpecJson.read(SpecJson.write(spec));
        assertEquals(spec, back);
        for (Layer.Kind kind : Layer.Kind.values()) {
            assertEquals(true, layers.stream().anyMatch(l -> l.kind() == kind)
                    || residual.body().stream().anyMatch(l -> l.kind() == kind), "kind covered: " + kind);
        }
        assertEquals(Arrays.stream(Layer.class.getRecordComponents()).map(RecordComponent::getName).toList(),
                SpecJson.LAYER_FIELDS.stream().map(SpecJson.Field::name).toList(), "one JSON field per Layer component");
        assertEquals(Arrays.stream(ModelSpec.class.getRecordComponents()).map(RecordComponent::getName).toList(),
                SpecJson.SPEC_FIELDS.stream().map(SpecJson.Field::name).toList(), "one JSON field per ModelSpec component");
    }

    @Test
    void unreadableJsonIsOneClearError() {
        assertEquals("model spec JSON is empty or lacks 'arch'/'layers'",
                assertThrows(IllegalArgumentException.class, () -> SpecJson.read("{}")).getMessage());
        assertEquals("unknown layer kind [WARP]", assertThrows(IllegalArgumentException.class,
                () -> SpecJson.read("{\"arch\": \"x\", \"layers\": [{\"kind\": \"WARP\"}]}")).getMessage());
    }
}
