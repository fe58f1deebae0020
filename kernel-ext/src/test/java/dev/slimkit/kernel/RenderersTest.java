package dev.slimkit.kernel;

import dev.slimkit.report.Html;
import dev.slimkit.report.TrainingCharts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimkit.model.History;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class RenderersTest {

    private final Renderer renderer = new Renderer();

    RenderersTest() {
        Renderers.register(renderer);
    }

    @Test
    void chartsRenderAsPngAndSvgOnRequest() {
        var chart = TrainingCharts.trainingCurves(new History(), "t");
        DisplayData png = renderer.render(chart);
        byte[] bytes = Base64.getDecoder().decode((String) png.getData(MIMEType.IMAGE_PNG));
        assertTrue(bytes.length > 100 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G');
        DisplayData svg = renderer.renderAs(chart, "image/svg+xml");
        assertTrue(((String) svg.getData(MIMEType.IMAGE_SVG)).contains("<svg"));
    }

    @Test
    void picturesRenderAsPng() throws Exception {
        BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        image.setRGB(2, 1, 0xB2182B);
        DisplayData png = renderer.render(image);
        byte[] bytes = Base64.getDecoder().decode((String) png.getData(MIMEType.IMAGE_PNG));
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(bytes));
        assertEquals(3, back.getWidth());
        assertEquals(2, back.getHeight());
        assertEquals(0xB2182B, back.getRGB(2, 1) & 0xFFFFFF, "the pixels come back as drawn");
    }

    @Test
    void tablesAndHtmlRenderAsHtml() {
        Table t = Table.create("tbl", StringColumn.create("a", "x<y"));
        assertTrue(((String) renderer.render(t).getData(MIMEType.TEXT_HTML)).contains("x&lt;y"));
        assertTrue(((String) renderer.render(Html.of("<b>hi</b>")).getData(MIMEType.TEXT_HTML)).equals("<b>hi</b>"));
    }
}
