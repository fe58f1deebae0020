package dev.slimkit.bench;

import dev.slimkit.Slim;
import dev.slimkit.StepResult;
import dev.slimkit.data.ImageData;
import dev.slimkit.measure.Latency;
import dev.slimkit.model.ModelStats;
import dev.slimkit.model.SlimModel;
import dev.slimkit.report.Charts;
import dev.slimkit.report.ComparisonRow;
import dev.slimkit.report.Tables;
import dev.slimkit.schedule.Schedule;
import dev.slimkit.train.Evaluation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The headless quickstart: trains {@code cnn-small} on Fashion-MNIST, evaluates it, saves and
 * reloads it, compares it with a half-width model, and writes the charts (PNG) and tables (HTML)
 * to a folder. Arguments: {@code [outDir] [epochs] [trainLimit]}; defaults {@code out/quickstart 1
 * all}.
 */
public final class Demo {

    private Demo() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "out/quickstart");
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int limit = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        ImageData data = Slim.data("fashion-mnist");
        if (limit > 0) {
            data = data.limit(limit);
        }
        System.out.printf(Locale.ROOT, "data: %s (%.2f s)%n", data, (System.nanoTime() - t0) / 1e9);
        List<ComparisonRow> rows = new ArrayList<>();
        StringBuilder html = new StringBuilder("<html><head><meta charset=\"utf-8\"><title>slimkit quickstart</title></head><body>");
        try (SlimModel model = Slim.model("cnn-small", data, 1.0, 0);
                SlimModel narrow = Slim.model("cnn-small", data, 0.5, 0)) {
            ModelStats stats = Slim.stats(model);
            html.append(Tables.toHtml(Tables.summary(stats, "cnn-small summary")));
            Charts.savePng(Charts.layerParams(stats, "cnn-small parameters per layer"), out.resolve("layers.png"));
            StepResult result =
                    Slim.train(model, data).epochs(epochs).schedule(Schedule.cosine(1, 0)).listener(new ConsoleProgress(System.out, 100)).run();
            Evaluation eval = result.evaluationAfter();
            System.out.printf(Locale.ROOT, "cnn-small test accuracy after %d epoch(s): %.4f (%.1f s)%n",
                    epochs, eval.accuracy(), result.seconds());
            Charts.savePng(Charts.trainingCurves(model.history(), "cnn-small training"), out.resolve("training.png"));
            Charts.savePng(Charts.confusion(eval, data.classNames(), "cnn-small confusion (test)"), out.resolve("confusion.png"));
            html.append(Tables.toHtml(Tables.evaluation(eval, data.classNames(), "cnn-small test evaluation")));

            Path saved = out.resolve("cnn-small.slim");
            long bytes = Slim.save(model, saved);
            try (SlimModel loaded = Slim.load(saved)) {
                double reloaded = Slim.evaluate(loaded, data).accuracy();
                System.out.printf(Locale.ROOT, "saved %d bytes to %s; reloaded accuracy %.4f%n", bytes, saved, reloaded);
                if (reloaded != eval.accuracy()) {
                    throw new IllegalStateException("reloaded model differs: " + reloaded + " vs " + eval.accuracy());
                }
            }
            Slim.train(narrow, data).epochs(epochs).schedule(Schedule.cosine(1, 0)).run();
            for (SlimModel m : List.of(model, narrow)) {
                ModelStats s = Slim.stats(m);
                Latency.Stats b1 = Slim.latency(m, 1);
                Latency.Stats b32 = Slim.latency(m, 32);
                double acc = Slim.evaluate(m, data).accuracy();
                String label = m == model ? "cnn-small" : "cnn-small width 0.5";
                rows.add(new ComparisonRow(label, s.params(), s.nonzeroParams(), s.macs(), b1.medianMs(), b32.medianMs(), acc));
                System.out.printf(Locale.ROOT, "%s: %,d params, %,d MACs, %s; %s; accuracy %.4f%n",
                        label, s.params(), s.macs(), b1, b32, acc);
            }
            html.append(Tables.toHtml(Tables.comparison(rows, "comparison")));
            for (String png : List.of("training.png", "confusion.png", "layers.png")) {
                html.append("<p><img src=\"").append(png).append("\"></p>");
            }
        }
        html.append("</body></html>");
        Files.writeString(out.resolve("report.html"), html);
        System.out.println("wrote " + out.toAbsolutePath() + "/{report.html,training.png,confusion.png,layers.png,cnn-small.slim}");
    }
}
