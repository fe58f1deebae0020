package dev.slimkit.data;

import java.util.Locale;
import java.util.Random;

/**
 * Random changes made to each training batch (never to validation or test images): a horizontal flip
 * (half the images) and a padded crop (the image shifted by up to {@code pad} pixels each way, the border
 * filled with 0, the training mean after standardization). The fit loop draws them from its own seeded
 * random source, so the same seed gives the same batches.
 *
 * @param flip flip images left-right with probability 1/2
 * @param pad the largest shift of a padded crop, in pixels; 0 for none
 */
public record Augment(boolean flip, int pad) {

    /** Checks the pad. */
    public Augment {
        if (pad < 0) {
            throw new IllegalArgumentException("crop padding must be >= 0, got [" + pad + "]");
        }
    }

    /** The padded crop's shift for images of {@code height} rows: an eighth of it, at least 1. */
    public static int defaultPad(int height) {
        return Math.max(1, height / 8);
    }

    /**
     * Parses {@code flip}, {@code crop} or {@code flip,crop} for images of {@code height} rows.
     *
     * @throws IllegalArgumentException naming the part that is neither
     */
    public static Augment parse(String text, int height) {
        boolean flip = false;
        boolean crop = false;
        for (String part : (text == null ? "" : text).split(",", -1)) {
            switch (part.strip().toLowerCase(Locale.ROOT)) {
                case "flip" -> flip = true;
                case "crop" -> crop = true;
                default -> throw new IllegalArgumentException("unknown augmentation [" + part.strip()
                        + "]; pass augment(flip), augment(crop) or both as flip,crop");
            }
        }
        return new Augment(flip, crop ? defaultPad(height) : 0);
    }

    /** Changes {@code count} images of {@code c × h × w} values in {@code pixels} in place. */
    void apply(float[] pixels, int count, int c, int h, int w, Random random) {
        int item = c * h * w;
        float[] tmp = new float[item];
        for (int i = 0; i < count; i++) {
            int base = i * item;
            boolean mirror = flip && random.nextBoolean();
            int dy = pad > 0 ? random.nextInt(2 * pad + 1) - pad : 0;
            int dx = pad > 0 ? random.nextInt(2 * pad + 1) - pad : 0;
            if (!mirror && dx == 0 && dy == 0) {
                continue;
            }
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    int sy = y + dy;
                    for (int x = 0; x < w; x++) {
                        int sx = (mirror ? w - 1 - x : x) + dx;
                        tmp[(ch * h + y) * w + x] = sy < 0 || sy >= h || sx < 0 || sx >= w ? 0f
                                : pixels[base + (ch * h + sy) * w + sx];
                    }
                }
            }
            System.arraycopy(tmp, 0, pixels, base, item);
        }
    }

    @Override
    public String toString() {
        return (flip ? "flip" : "") + (flip && pad > 0 ? "," : "") + (pad > 0 ? "crop (pad " + pad + ")" : "");
    }
}
