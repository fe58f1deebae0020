package dev.slimkit.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.HeatMapStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * slimkit's one chart style, applied by every builder in {@link Charts}: a white plot area with a
 * light solid grid and no box, sans-serif fonts sized for a notebook cell (12 pt ticks, 13 pt axis
 * titles, 15 pt title at 720×420 px), legends outside the plot (below it for a few short names,
 * to its right otherwise) so they never cover data, and a palette that survives greyscale
 * printing: the colours alternate dark and light, and each series also gets its own marker shape
 * and dash pattern.
 *
 * <p>XChart hands out colours, markers and strokes when a series is added, so a chart must be
 * styled right after it is built: use {@link #xy}, {@link #category} and {@link #heatMap}, which
 * do both.
 */
public final class ChartStyle {

    /** Default chart size in pixels, about a notebook cell's width. */
    public static final int WIDTH = 720;

    public static final int HEIGHT = 420;

    /**
     * Series colours: Okabe–Ito's colour-blind-safe set, ordered so neighbours differ in lightness
     * (blue, orange, near-black, pink, green, sky blue, vermillion).
     */
    public static final Color[] PALETTE = {
        new Color(0x0072B2), new Color(0xE69F00), new Color(0x333333), new Color(0xCC79A7),
        new Color(0x009E73), new Color(0x56B4E9), new Color(0xD55E00)
    };

    /** One marker per series, in the palette's order, so series differ without colour. */
    public static final Marker[] MARKERS = {
        SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE, SeriesMarkers.TRIANGLE_UP, SeriesMarkers.DIAMOND,
        SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.CROSS, SeriesMarkers.PLUS
    };

    /** One stroke per series: solid, dashed, dotted, dash-dot, repeating. */
    public static final BasicStroke[] LINES = {
        stroke(), stroke(6f, 4f), stroke(2f, 3f), stroke(8f, 3f, 2f, 3f),
        stroke(), stroke(6f, 4f), stroke(2f, 3f)
    };

    /** The light grey of grid lines and the plot's edge. */
    public static final Color GRID = new Color(0xE6E6E6);

    /** Text colour: near black. */
    public static final Color TEXT = new Color(0x222222);

    /** The heatmap's range, white to the palette's blue: light means few, dark means many. */
    public static final Color[] HEAT = {Color.WHITE, new Color(0xBDD7E7), new Color(0x0072B2), new Color(0x08306B)};

    static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    static final Font AXIS_TITLE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    static final Font ANNOTATION_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    /** Legend names up to this many characters in total still fit in one row below the plot. */
    static final int LEGEND_ROW_CHARS = 70;

    private ChartStyle() {}

    /** A styled, empty XY chart of the default size. */
    public static XYChart xy(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        apply(chart);
        return chart;
    }

    /** A styled, empty bar chart of the default size; long category names are turned 45°. */
    public static CategoryChart category(String title, String xTitle, String yTitle) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        apply(chart);
        return chart;
    }

    /** A styled, empty heatmap. */
    public static HeatMapChart heatMap(String title, String xTitle, String yTitle, int width, int height) {
        HeatMapChart chart = new HeatMapChartBuilder().width(width).height(height).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        apply(chart);
        return chart;
    }

    /**
     * Applies the style to {@code chart}'s styler. Call before adding series (colours, markers and
     * strokes are handed out as series are added).
     */
    public static void apply(Chart<?, ?> chart) {
        Styler s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderVisible(false);
        s.setChartFontColor(TEXT);
        s.setChartTitleFont(TITLE_FONT);
        s.setChartTitleBoxVisible(false);
        s.setChartTitlePadding(8);
        s.setChartPadding(12);
        s.setLegendFont(LEGEND_FONT);
        s.setLegendBorderColor(Color.WHITE);
        s.setLegendBackgroundColor(Color.WHITE);
        s.setLegendPadding(6);
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setSeriesColors(PALETTE);
        s.setSeriesMarkers(MARKERS);
        s.setSeriesLines(LINES);
        s.setMarkerSize(8);
        s.setToolTipsEnabled(false);
        s.setAntiAlias(true);
        s.setAnnotationTextFont(ANNOTATION_FONT);
        s.setAnnotationTextFontColor(TEXT);
        if (s instanceof AxesChartStyler a) {
            a.setAxisTitleFont(AXIS_TITLE_FONT);
            a.setAxisTickLabelsFont(TICK_FONT);
            a.setAxisTickLabelsColor(TEXT);
            a.setAxisTickMarksColor(GRID);
            a.setAxisTicksLineVisible(false);
            a.setAxisTickPadding(6);
            a.setPlotGridLinesVisible(true);
            a.setPlotGridLinesColor(GRID);
            a.setPlotGridLinesStroke(new BasicStroke(1f));
            a.setPlotMargin(4);
            a.setAxisTitlePadding(8);
        }
        if (s instanceof XYStyler xy) {
            xy.setPlotGridVerticalLinesVisible(true);
        }
        if (s instanceof CategoryStyler c) {
            c.setPlotGridVerticalLinesVisible(false);
            c.setAvailableSpaceFill(0.7);
            c.setLabelsFont(ANNOTATION_FONT);
            c.setLabelsFontColor(TEXT);
        }
        if (s instanceof HeatMapStyler h) {
            h.setPlotGridLinesVisible(false);
            h.setRangeColors(HEAT);
            h.setDrawBorder(true);
            h.setValueFont(TICK_FONT);
            h.setLegendVisible(false);
        }
    }

    /**
     * Puts the legend outside the plot where the names fit: one row below the plot for up to four
     * short names, a column to its right otherwise. Hides it for a single series.
     */
    public static void placeLegend(Chart<?, ?> chart) {
        int count = 0;
        int chars = 0;
        for (var series : chart.getSeriesMap().values()) {
            if (series.isShowInLegend()) {
                count++;
                chars += series.getName().length() + 6;
            }
        }
        Styler s = chart.getStyler();
        s.setLegendVisible(count > 1);
        boolean row = count <= 4 && chars <= LEGEND_ROW_CHARS;
        s.setLegendPosition(row ? Styler.LegendPosition.OutsideS : Styler.LegendPosition.OutsideE);
        s.setLegendLayout(row ? Styler.LegendLayout.Horizontal : Styler.LegendLayout.Vertical);
    }

    /**
     * Gives every visible series of an XY chart the dash pattern of its position ({@link #LINES}),
     * so lines differ without colour: XChart's own cycler moves to the next stroke only after
     * the colours run out. Series without a line (scatter, hidden) are left alone.
     */
    public static void dashByPosition(XYChart chart) {
        int i = 0;
        for (XYSeries s : chart.getSeriesMap().values()) {
            if (s.isShowInLegend() && s.getLineStyle() != SeriesLines.NONE
                    && s.getXYSeriesRenderStyle() != XYSeries.XYSeriesRenderStyle.Scatter) {
                s.setLineStyle(LINES[i % LINES.length]);
            }
            i++;
        }
    }

    private static BasicStroke stroke(float... dash) {
        if (dash.length == 0) {
            return new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND);
        }
        return new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, dash, 0f);
    }
}
