package dev.slimkit.kernel;

import dev.slimkit.report.Html;
import dev.slimkit.view.Views;
import dev.slimkit.step.StepResult;
import dev.slimkit.model.ModelStats;
import dev.slimkit.report.Charts;
import dev.slimkit.report.Tables;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.Table;

/**
 * Registers how slimkit's objects look in a notebook: XChart charts as {@code image/png} (SVG on
 * request: {@code display(chart, "image/svg+xml")}), pictures ({@link BufferedImage}, e.g. the
 * grid of a model's worst test images) as {@code image/png}, Tablesaw tables and {@link Html} as {@code
 * text/html}, {@link StepResult} and {@link ModelStats} as HTML tables. Registered once per kernel,
 * keyed by class.
 */
public final class Renderers {

    private Renderers() {}

    /** Adds slimkit's render functions to {@code renderer}. */
    public static void register(Renderer renderer) {
        renderer.createRegistration(Chart.class)
                .preferring(MIMEType.IMAGE_PNG)
                .supporting(MIMEType.IMAGE_SVG)
                .register((chart, ctx) -> {
                    ctx.renderIfRequested(MIMEType.IMAGE_PNG, () -> png(chart));
                    ctx.renderIfRequested(MIMEType.IMAGE_SVG, () -> svg(chart));
                });
        renderer.createRegistration(BufferedImage.class)
                .preferring(MIMEType.IMAGE_PNG)
                .register((image, ctx) -> ctx.renderIfRequested(MIMEType.IMAGE_PNG, () -> png(image)));
        renderer.createRegistration(Table.class)
                .preferring(MIMEType.TEXT_HTML)
                .register((table, ctx) -> ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> Tables.toHtml(table)));
        renderer.createRegistration(Html.class)
                .preferring(MIMEType.TEXT_HTML)
                .register((html, ctx) -> ctx.renderIfRequested(MIMEType.TEXT_HTML, html::html));
        renderer.createRegistration(StepResult.class)
                .preferring(MIMEType.TEXT_HTML)
                .register((result, ctx) -> ctx.renderIfRequested(MIMEType.TEXT_HTML,
                        () -> Tables.toHtml(Views.summary(result))));
        renderer.createRegistration(ModelStats.class)
                .preferring(MIMEType.TEXT_HTML)
                .register((stats, ctx) -> ctx.renderIfRequested(MIMEType.TEXT_HTML,
                        () -> Tables.toHtml(Tables.summary(stats, "model summary"))));
    }

    static String png(Chart<?, ?> chart) {
        try {
            return Base64.getEncoder().encodeToString(Charts.pngBytes(chart));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A picture (e.g. {@code ImageGrid.worst}'s grid of images) as base64 PNG. */
    static String png(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return Base64.getEncoder().encodeToString(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String svg(Chart<?, ?> chart) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
