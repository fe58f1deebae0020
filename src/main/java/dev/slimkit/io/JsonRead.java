package dev.slimkit.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.slimkit.model.Layer;
import dev.slimkit.model.ModelSpec;
import dev.slimkit.train.History;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads slimkit's JSON (specs, manifests, histories) field by field into its records. Gson's own
 * record support needs Gson 2.10+, but a stock IJava kernel puts its bundled Gson 2.8.5 first on
 * the class path; reading by hand works with either.
 */
public final class JsonRead {

    private JsonRead() {}

    /**
     * Parses JSON text (leniently, so that NaN is accepted).
     *
     * @throws IllegalArgumentException when the text is not JSON
     */
    @SuppressWarnings("deprecation") // JsonParser#parse is the form Gson 2.8.5 also has
    public static JsonObject object(String json) {
        try {
            JsonElement e = new JsonParser().parse(json);
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException("expected a JSON object");
            }
            return e.getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("JSON is not readable: " + e.getMessage(), e);
        }
    }

    /** A spec from its JSON object. */
    public static ModelSpec spec(JsonObject o) {
        return new ModelSpec(str(o, "arch"), integer(o, "channels"), integer(o, "height"), integer(o, "width"),
                integer(o, "classes"), number(o, "widthMultiplier"), layers(o.getAsJsonArray("layers")));
    }

    private static List<Layer> layers(JsonArray array) {
        List<Layer> out = new ArrayList<>();
        if (array == null) {
            return out;
        }
        for (JsonElement e : array) {
            JsonObject l = e.getAsJsonObject();
            String kind = str(l, "kind");
            Layer.Kind k;
            try {
                k = Layer.Kind.valueOf(kind);
            } catch (IllegalArgumentException | NullPointerException ex) {
                throw new IllegalArgumentException("unknown layer kind [" + kind + "]");
            }
            out.add(new Layer(k, str(l, "name"), integer(l, "out"), integer(l, "kernel"), integer(l, "stride"),
                    integer(l, "padding"), l.has("bias") && l.get("bias").getAsBoolean(),
                    layers(l.getAsJsonArray("body")), layers(l.getAsJsonArray("shortcut")),
                    l.has("source") && !l.get("source").isJsonNull() ? l.get("source").getAsString() : null,
                    longs(l.getAsJsonArray("shape"))));
        }
        return out;
    }

    private static List<Long> longs(JsonArray array) {
        List<Long> out = new ArrayList<>();
        if (array != null) {
            array.forEach(e -> out.add(e.getAsLong()));
        }
        return out;
    }

    /** Provenance from its JSON object. */
    static Provenance provenance(JsonObject o) {
        Map<String, String> notes = new LinkedHashMap<>();
        if (o.has("notes") && o.get("notes").isJsonObject()) {
            o.getAsJsonObject("notes").entrySet().forEach(e -> notes.put(e.getKey(), e.getValue().getAsString()));
        }
        return new Provenance(str(o, "slimkitVersion"), str(o, "djlVersion"), str(o, "engine"), str(o, "javaVersion"),
                o.has("seed") ? o.get("seed").getAsLong() : 0, str(o, "created"), notes);
    }

    /** The epochs of a stored history. */
    static List<History.Epoch> epochs(JsonArray array) {
        List<History.Epoch> out = new ArrayList<>();
        if (array != null) {
            for (JsonElement e : array) {
                JsonObject o = e.getAsJsonObject();
                out.add(new History.Epoch(integer(o, "epoch"), number(o, "trainLoss"), number(o, "trainAccuracy"),
                        number(o, "validationLoss"), number(o, "validationAccuracy"), number(o, "learningRate"),
                        number(o, "seconds"), integer(o, "batches")));
            }
        }
        return out;
    }

    /** Per-step values of a stored history. */
    static List<History.Step> steps(JsonArray array) {
        List<History.Step> out = new ArrayList<>();
        if (array != null) {
            for (JsonElement e : array) {
                JsonObject o = e.getAsJsonObject();
                out.add(new History.Step(o.get("step").getAsLong(), number(o, "loss")));
            }
        }
        return out;
    }

    static String str(JsonObject o, String key) {
        return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsString() : null;
    }

    static int integer(JsonObject o, String key) {
        return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsInt() : 0;
    }

    static double number(JsonObject o, String key) {
        return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsDouble() : Double.NaN;
    }
}
