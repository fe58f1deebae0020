package dev.slimkit.model;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Reads and writes a {@link ModelSpec} as JSON, both directions driven by one field list per
 * record ({@link #SPEC_FIELDS}, {@link #LAYER_FIELDS}), so a field added to {@link Layer} is
 * written and read back by adding one line. Works with Gson 2.8.5 (the version a stock IJava
 * kernel puts first on the class path), which cannot build records by reflection.
 */
public final class SpecJson {

    private SpecJson() {}

    /** One JSON field of a record: its name, how to write it from the record and read it back. */
    record Field<R>(String name, Function<R, JsonElement> write, Function<JsonElement, Object> read) {}

    /** The fields of a layer, in the order of {@link Layer}'s components. */
    static final List<Field<Layer>> LAYER_FIELDS = List.of(
            new Field<>("kind", l -> new JsonPrimitive(l.kind().name()), SpecJson::kind),
            new Field<>("name", l -> string(l.name()), SpecJson::readString),
            new Field<>("out", l -> new JsonPrimitive(l.out()), SpecJson::readInt),
            new Field<>("kernel", l -> new JsonPrimitive(l.kernel()), SpecJson::readInt),
            new Field<>("stride", l -> new JsonPrimitive(l.stride()), SpecJson::readInt),
            new Field<>("padding", l -> new JsonPrimitive(l.padding()), SpecJson::readInt),
            new Field<>("bias", l -> new JsonPrimitive(l.bias()), e -> e != null && e.getAsBoolean()),
            new Field<>("body", l -> writeLayers(l.body()), SpecJson::readLayers),
            new Field<>("shortcut", l -> writeLayers(l.shortcut()), SpecJson::readLayers),
            new Field<>("source", l -> string(l.source()), SpecJson::readString),
            new Field<>("shape", l -> longs(l.shape()), SpecJson::readLongs));

    /** The fields of a spec, in the order of {@link ModelSpec}'s components. */
    static final List<Field<ModelSpec>> SPEC_FIELDS = List.of(
            new Field<>("arch", s -> string(s.arch()), SpecJson::readString),
            new Field<>("channels", s -> new JsonPrimitive(s.channels()), SpecJson::readInt),
            new Field<>("height", s -> new JsonPrimitive(s.height()), SpecJson::readInt),
            new Field<>("width", s -> new JsonPrimitive(s.width()), SpecJson::readInt),
            new Field<>("classes", s -> new JsonPrimitive(s.classes()), SpecJson::readInt),
            new Field<>("widthMultiplier", s -> new JsonPrimitive(s.widthMultiplier()),
                    e -> e == null ? Double.NaN : e.getAsDouble()),
            new Field<>("layers", s -> writeLayers(s.layers()), SpecJson::readLayers));

    /** {@code spec} as pretty-printed JSON. */
    public static String write(ModelSpec spec) {
        return new GsonBuilder().setPrettyPrinting().create().toJson(toObject(spec, SPEC_FIELDS));
    }

    /**
     * Reads a spec (not yet validated: see {@link ModelSpec#fromJson}).
     *
     * @throws IllegalArgumentException when the text is not JSON or a field has the wrong type
     */
    @SuppressWarnings("deprecation") // JsonParser#parse is the form Gson 2.8.5 also has
    public static ModelSpec read(String json) {
        JsonElement root;
        try {
            root = new JsonParser().parse(json);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("model spec JSON is not readable: " + e.getMessage(), e);
        }
        if (root == null || !root.isJsonObject() || !root.getAsJsonObject().has("arch")
                || !root.getAsJsonObject().has("layers")) {
            throw new IllegalArgumentException("model spec JSON is empty or lacks 'arch'/'layers'");
        }
        try {
            Object[] v = values(root.getAsJsonObject(), SPEC_FIELDS);
            @SuppressWarnings("unchecked")
            List<Layer> layers = (List<Layer>) v[6];
            return new ModelSpec((String) v[0], (int) v[1], (int) v[2], (int) v[3], (int) v[4], (double) v[5], layers);
        } catch (IllegalStateException | ClassCastException | UnsupportedOperationException | NumberFormatException e) {
            throw new IllegalArgumentException("model spec JSON is not readable: " + e.getMessage(), e);
        }
    }

    private static <R> JsonObject toObject(R record, List<Field<R>> fields) {
        JsonObject o = new JsonObject();
        for (Field<R> f : fields) {
            JsonElement e = f.write().apply(record);
            if (!e.isJsonNull()) {
                o.add(f.name(), e);
            }
        }
        return o;
    }

    private static <R> Object[] values(JsonObject o, List<Field<R>> fields) {
        Object[] out = new Object[fields.size()];
        for (int i = 0; i < fields.size(); i++) {
            JsonElement e = o.get(fields.get(i).name());
            out[i] = fields.get(i).read().apply(e == null || e.isJsonNull() ? null : e);
        }
        return out;
    }

    private static JsonElement writeLayers(List<Layer> layers) {
        JsonArray a = new JsonArray();
        layers.forEach(l -> a.add(toObject(l, LAYER_FIELDS)));
        return a;
    }

    @SuppressWarnings("unchecked")
    private static List<Layer> readLayers(JsonElement e) {
        List<Layer> out = new ArrayList<>();
        if (e == null) {
            return out;
        }
        for (JsonElement item : e.getAsJsonArray()) {
            Object[] v = values(item.getAsJsonObject(), LAYER_FIELDS);
            out.add(new Layer((Layer.Kind) v[0], (String) v[1], (int) v[2], (int) v[3], (int) v[4], (int) v[5],
                    (boolean) v[6], (List<Layer>) v[7], (List<Layer>) v[8], (String) v[9], (List<Long>) v[10]));
        }
        return out;
    }

    private static Layer.Kind kind(JsonElement e) {
        String name = e == null ? null : e.getAsString();
        try {
            return Layer.Kind.valueOf(name);
        } catch (IllegalArgumentException | NullPointerException ex) {
            throw new IllegalArgumentException("unknown layer kind [" + name + "]");
        }
    }

    private static JsonElement string(String s) {
        return s == null ? JsonNull.INSTANCE : new JsonPrimitive(s);
    }

    private static JsonElement longs(List<Long> values) {
        JsonArray a = new JsonArray();
        values.forEach(a::add);
        return a;
    }

    private static Object readString(JsonElement e) {
        return e == null ? null : e.getAsString();
    }

    private static Object readInt(JsonElement e) {
        return e == null ? 0 : e.getAsInt();
    }

    private static Object readLongs(JsonElement e) {
        List<Long> out = new ArrayList<>();
        if (e != null) {
            e.getAsJsonArray().forEach(x -> out.add(x.getAsLong()));
        }
        return out;
    }
}
