package dev.slimkit.report;

import dev.slimkit.data.ImageSplit;
import dev.slimkit.train.TopLoss;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A grid of images with captions, for the images behind the numbers: {@link #worst} draws the
 * test images a model gets most wrong (see {@code Evaluator.worst}), each captioned "true →
 * predicted (probability)", in the order given. The result is a plain {@link BufferedImage}
 * (the kernel shows it as {@code image/png}).
 */
public final class ImageGrid {

    /** Default columns of a grid. */
    public static final int COLUMNS = 8;

    /** Default tile width in pixels: the image is scaled up to fit it. */
    public static final int TILE = 88;

    /** Wrong predictions are captioned in this red; right ones with low confidence in text colour. */
    public static final Color WRONG = new Color(0xB2182B);

    private static final Font CAPTION = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    private static final Font TITLE = ChartStyle.TITLE_FONT;
    private static final int PAD = 8;

    private ImageGrid() {}

    /**
     * The caption of one image: {@code "Coat → Shirt (0.97)"}, the predicted class's probability
     * to two decimals.
     *
     * @throws IllegalArgumentException if a class has no name
     */
    public static String caption(TopLoss t, List<String> classNames) {
        return name(classNames, t.trueClass()) + " → " + name(classNames, t.predicted())
                + String.format(Locale.ROOT, " (%.2f)", t.probability());
    }

    /** The captions of {@code images}, in their order. */
    public static List<String> captions(List<TopLoss> images, List<String> classNames) {
        List<String> out = new ArrayList<>();
        for (TopLoss t : images) {
            out.add(caption(t, classNames));
        }
        return out;
    }

    /** {@link #worst(ImageSplit, List, List, String, int, int)} with 8 columns of 88 px tiles. */
    public static BufferedImage worst(ImageSplit split, List<TopLoss> images, List<String> classNames, String title) {
        return worst(split, images, classNames, title, COLUMNS, TILE);
    }

    /**
     * Draws {@code images} of {@code split} in rows of {@code columns}, in the order given, each
     * scaled to {@code tile} pixels wide (pixels stretched from the image's own minimum to its
     * maximum, so normalized data shows), captioned with {@link #caption} below it (in two lines
     * when one does not fit: "true →" then "predicted (p)"; red when the prediction is wrong),
     * under {@code title}.
     *
     * @throws IllegalArgumentException if {@code images} is empty, an index is outside the split,
     *     or columns or tile size is below 1
     */
    public static BufferedImage worst(
            ImageSplit split, List<TopLoss> images, List<String> classNames, String title, int columns, int tile) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images to draw; pass at least one, e.g. Evaluator.worst(model, split, 16)");
        }
        if (columns < 1 || tile < 1) {
            throw new IllegalArgumentException("columns and tile size must be >= 1, got [" + columns + "] and [" + tile + "]");
        }
        for (TopLoss t : images) {
            if (t.index() < 0 || t.index() >= split.size()) {
                throw new IllegalArgumentException("image index [" + t.index() + "] is outside the split of "
                        + split.size() + " images; pass records made from this split");
            }
        }
        int cols = Math.min(columns, images.size());
        int rows = (images.size() + cols - 1) / cols;
        int imageH = (int) Math.round((double) tile * split.height() / split.width());
        FontMetrics cm = metrics(CAPTION);
        FontMetrics tm = metrics(TITLE);
        int captionH = 3 * cm.getHeight();
        int cellW = tile + PAD;
        int cellH = imageH + captionH + PAD;
        int titleH = title == null || title.isEmpty() ? 0 : tm.getHeight() + PAD;
        int width = Math.max(cols * cellW + PAD, title == null ? 0 : tm.stringWidth(title) + 2 * PAD);
        int height = titleH + rows * cellH + PAD;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            if (titleH > 0) {
                g.setColor(ChartStyle.TEXT);
                g.setFont(TITLE);
                g.drawString(title, PAD, PAD + tm.getAscent());
            }
            for (int k = 0; k < images.size(); k++) {
                TopLoss t = images.get(k);
                int x = PAD + (k % cols) * cellW;
                int y = titleH + PAD + (k / cols) * cellH;
                g.drawImage(picture(split, t.index()), x, y, tile, imageH, null);
                g.setColor(ChartStyle.GRID);
                g.drawRect(x, y, tile - 1, imageH - 1);
                g.setFont(CAPTION);
                g.setColor(t.correct() ? ChartStyle.TEXT : WRONG);
                int line = y + imageH + cm.getAscent() + 2;
                for (String part : lines(caption(t, classNames), cm, tile + PAD - 2)) {
                    g.drawString(part, x, line);
                    line += cm.getHeight();
                }
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * Splits a caption so it fits {@code width} pixels: whole, else after the arrow, else also
     * before the probability (at most three lines); a class name still too long is cut with an
     * ellipsis, the probability never.
     */
    static List<String> lines(String caption, FontMetrics fm, int width) {
        if (fm.stringWidth(caption) <= width) {
            return List.of(caption);
        }
        int arrow = caption.indexOf(" → ");
        List<String> parts = new ArrayList<>();
        if (arrow < 0) {
            parts.add(caption);
        } else {
            parts.add(caption.substring(0, arrow + 2));
            String rest = caption.substring(arrow + 3);
            int paren = rest.lastIndexOf(" (");
            if (fm.stringWidth(rest) <= width || paren < 0) {
                parts.add(rest);
            } else {
                parts.add(rest.substring(0, paren));
                parts.add(rest.substring(paren + 1));
            }
        }
        List<String> out = new ArrayList<>();
        for (String p : parts) {
            String s = p;
            while (fm.stringWidth(s) > width && s.length() > 2) {
                s = s.substring(0, s.length() - 2) + "…";
            }
            out.add(s);
        }
        return out;
    }

    /** Image {@code index} of the split as RGB, stretched from its own minimum to its maximum. */
    static BufferedImage picture(ImageSplit split, int index) {
        float[] v = split.image(index);
        int c = split.channels();
        int h = split.height();
        int w = split.width();
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float f : v) {
            min = Math.min(min, f);
            max = Math.max(max, f);
        }
        float range = max > min ? max - min : 1;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int[] rgb = new int[3];
                for (int k = 0; k < 3; k++) {
                    int ch = c >= 3 ? k : 0;
                    rgb[k] = Math.round((v[ch * h * w + y * w + x] - min) / range * 255);
                }
                img.setRGB(x, y, rgb[0] << 16 | rgb[1] << 8 | rgb[2]);
            }
        }
        return img;
    }

    private static String name(List<String> classNames, int c) {
        if (c < 0 || c >= classNames.size()) {
            throw new IllegalArgumentException("class [" + c + "] has no name among " + classNames.size()
                    + " class names; pass the data's classNames()");
        }
        return classNames.get(c);
    }

    private static FontMetrics metrics(Font font) {
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        try {
            return g.getFontMetrics(font);
        } finally {
            g.dispose();
        }
    }
}
