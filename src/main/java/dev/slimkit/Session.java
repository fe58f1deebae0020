package dev.slimkit;

import dev.slimkit.report.Html;

import dev.slimkit.data.ImageData;
import dev.slimkit.model.SlimModel;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The named objects of a notebook session: data sets and models, by the names the magics use
 * ({@code %data fmnist ...} makes {@code Slim.session().data("fmnist")}). Java cells and magics
 * share one session through {@link Slim#session()}. Thread-safe.
 */
public final class Session implements dev.slimkit.recipe.Context {

    private final Map<String, ImageData> data = new LinkedHashMap<>();
    private final Map<String, SlimModel> models = new LinkedHashMap<>();
    private final Map<Class<?>, Object> results = new java.util.HashMap<>();
    private final Map<String, dev.slimkit.quant.QuantizedModel> quantized = new LinkedHashMap<>();

    /** An empty session (tests make their own; notebooks use {@link Slim#session()}). */
    public Session() {}

    /**
     * Checks a session name: a letter or underscore, then letters, digits, '_', '.' or '-'.
     *
     * @throws IllegalArgumentException naming the value and the rule
     */
    public static String checkName(String name) {
        return dev.slimkit.model.Names.check(name);
    }

    /** Stores (or replaces) a data set under {@code name}. */
    public synchronized ImageData putData(String name, ImageData value) {
        data.put(checkName(name), value);
        return value;
    }

    /**
     * Stores (or replaces) a model under {@code name} and gives the model that name (so tables
     * and charts show it). A replaced model is closed (its native memory freed) unless another
     * name still holds it.
     *
     * @throws IllegalStateException when the replaced model is busy with a running step
     */
    public synchronized SlimModel putModel(String name, SlimModel value) {
        checkName(name);
        SlimModel old = models.get(name);
        if (old != null && old != value) {
            old.checkNotBusy();
        }
        models.put(name, value);
        value.rename(name);
        if (old != null && old != value && !models.containsValue(old)) {
            old.close();
        }
        return value;
    }

    /**
     * Removes the model called {@code name} and closes it unless another name holds it.
     *
     * @throws IllegalArgumentException when there is no such model
     * @throws IllegalStateException when it is busy with a running step
     */
    public synchronized void dropModel(String name) {
        SlimModel value = model(name);
        value.checkNotBusy();
        models.remove(name);
        if (!models.containsValue(value)) {
            value.close();
        }
    }

    /**
     * The data set called {@code name}.
     *
     * @throws IllegalArgumentException naming the value, the known names and how to create it
     */
    @Override
    public synchronized ImageData data(String name) {
        ImageData value = data.get(name);
        if (value == null) {
            throw new IllegalArgumentException(
                    "no data named [" + name + "]; known: " + known(data)
                            + "; create it with %data " + safe(name) + " --source fashion-mnist");
        }
        return value;
    }

    /**
     * The model called {@code name}.
     *
     * @throws IllegalArgumentException naming the value, the known names and how to create it
     */
    @Override
    public synchronized SlimModel model(String name) {
        SlimModel value = models.get(name);
        if (value == null && quantized.containsKey(name)) {
            throw new IllegalArgumentException("[" + name + "] is an int8 model: it runs in ONNX Runtime, has no"
                    + " gradients and no DJL form, so it cannot be trained, pruned, trimmed, summarized or quantized"
                    + " again; use its float model [" + quantized.get(name).source() + "], or save it with %quantize"
                    + " --save FILE.onnx");
        }
        if (value == null) {
            throw new IllegalArgumentException(
                    "no model named [" + name + "]; known: " + known(models)
                            + "; create it with %model " + safe(name) + " --arch cnn-small");
        }
        return value;
    }

    public synchronized boolean hasModel(String name) {
        return models.containsKey(name);
    }

    public synchronized boolean hasData(String name) {
        return data.containsKey(name);
    }

    /**
     * Keeps {@code result} as the latest of its kind (a {@code StepResult}, {@code PipelineResult},
     * {@code SweepResult}, ...): the kernel does this for every step, pipeline and sweep a magic
     * runs, so a Java cell can read the figures behind the tables it just saw.
     */
    public synchronized void putResult(Object result) {
        if (result != null) {
            results.put(result.getClass(), result);
        }
    }

    /**
     * The latest result of {@code type} a magic produced, e.g. {@code last(StepResult.class)} after
     * {@code %trim}.
     *
     * @throws IllegalStateException when no magic has produced one yet
     */
    public synchronized <T> T last(Class<T> type) {
        Object r = results.get(type);
        if (r == null) {
            throw new IllegalStateException("no " + type.getSimpleName() + " yet: run a step, %%pipeline or %%sweep"
                    + " magic first");
        }
        return type.cast(r);
    }

    /**
     * Stores (or replaces) an int8 model under {@code name}. Int8 models run in ONNX Runtime and
     * have their own names: a float model and an int8 one may not share a name.
     *
     * @throws IllegalArgumentException when a float model has that name
     */
    public synchronized dev.slimkit.quant.QuantizedModel putQuantized(String name, dev.slimkit.quant.QuantizedModel q) {
        checkName(name);
        if (models.containsKey(name)) {
            throw new IllegalArgumentException("a float model is named [" + name + "]; name the int8 model otherwise"
                    + " (--as NAME)");
        }
        quantized.put(name, q);
        return q;
    }

    /** A snapshot of the int8 models by name. */
    public synchronized Map<String, dev.slimkit.quant.QuantizedModel> allQuantized() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(quantized));
    }

    /** A snapshot of the data sets by name. */
    public synchronized Map<String, ImageData> allData() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    /** A snapshot of the models by name. */
    public synchronized Map<String, SlimModel> allModels() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(models));
    }

    private static String known(Map<String, ?> map) {
        return map.isEmpty() ? "none" : String.join(", ", map.keySet());
    }

    private static String safe(String name) {
        return name == null || name.isBlank() ? "NAME" : name;
    }

    /** What {@code %slimkit} shows: version, engine, device, threads, this session's objects and every command. */
    public Html overview() {
        Session session = this;
        dev.slimkit.measure.Devices d = Slim.devices();
        StringBuilder html = new StringBuilder("<div><b>slimkit ").append(Slim.VERSION).append("</b> · DJL ")
                .append(ai.djl.engine.Engine.getDjlVersion()).append(" · libtorch ").append(d.libtorchVersion()).append(" (")
                .append(d.flavor()).append(d.cudaBuild() ? ", CUDA build" : ", CPU build").append(") · device ")
                .append(d.defaultDevice()).append(" · GPUs: ").append(d.gpuCount()).append(" · ")
                .append(dev.slimkit.measure.Latency.threads()).append(" threads</div>");
        d.gpus().forEach(g -> html.append("<div>").append(Html.escape(g.toString())).append("</div>"));
        if (d.warning() != null) {
            html.append("<div><b>warning:</b> ").append(Html.escape(d.warning())).append("</div>");
        }
        html.append("<div>data: ").append(names(session.allData().keySet())).append(" · models: ")
                .append(names(session.allModels().keySet())).append(" · int8 models: ")
                .append(names(session.allQuantized().keySet())).append("</div>")
                .append("<table><thead><tr><th>command</th><th>what it does</th></tr></thead><tbody>");
        for (dev.slimkit.recipe.Grammar m : dev.slimkit.recipe.Commands.ALL) {
            html.append("<tr><td style=\"text-align:left\"><code>").append(Html.escape(m.usage().lines().findFirst().orElse("")))
                    .append("</code></td><td style=\"text-align:left\">").append(Html.escape(m.summary())).append("</td></tr>");
        }
        return Html.of(html.append("</tbody></table><div>Each command prints its options with <code>--help</code>.</div>").toString());
    }

    private static String names(java.util.Collection<String> names) {
        return names.isEmpty() ? "none" : Html.escape(String.join(", ", names));
    }
}
