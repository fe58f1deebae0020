package dev.slimkit.transfer;

import dev.slimkit.data.ImageSplit;
import dev.slimkit.model.SlimModel;

/**
 * Nearest class mean on frozen features (Mensink et al.): the mean feature vector of each class
 * over the labelled images, and each image classified as the class whose mean is nearest
 * (Euclidean). No training and no learning rate, so it suits a handful of labels per class. The
 * features are the outputs of a model's first top-level layers, in inference mode (for {@code
 * Slim}'s models, all but the head: {@link #onBackbone}).
 *
 * <pre>{@code
 * NearestClassMean ncm = NearestClassMean.onBackbone(base, target.train());
 * double accuracy = ncm.accuracy(target.test());
 * }</pre>
 */
public final class NearestClassMean {

    private final SlimModel model;
    private final int frozen;
    private final float[][] means;

    private NearestClassMean(SlimModel model, int frozen, float[][] means) {
        this.model = model;
        this.frozen = frozen;
        this.means = means;
    }

    /** Class means of the outputs of {@code model}'s layers but the last (the head) over {@code labelled}. */
    public static NearestClassMean onBackbone(SlimModel model, ImageSplit labelled) {
        return fit(model, model.spec().layers().size() - 1, labelled);
    }

    /**
     * Class means of the outputs of {@code model}'s first {@code frozen} top-level layers over
     * {@code labelled}; {@code frozen} 0 uses the pixels themselves.
     *
     * @throws IllegalArgumentException when a class has no labelled image or {@code frozen} is out of range
     */
    public static NearestClassMean fit(SlimModel model, int frozen, ImageSplit labelled) {
        int layers = model.spec().layers().size();
        if (frozen < 0 || frozen >= layers) {
            throw new IllegalArgumentException("nearest class mean needs 0 to " + (layers - 1) + " layers of ["
                    + model.name() + "] as features, got [" + frozen + "]");
        }
        return new NearestClassMean(model, frozen, means(features(model, frozen, labelled)));
    }

    /** The mean of each class's feature vectors, by label. */
    static float[][] means(ImageSplit features) {
        int n = features.itemSize();
        int[] counts = features.classCounts();
        float[][] out = new float[features.numClasses()][n];
        double[][] sums = new double[features.numClasses()][n];
        for (int i = 0; i < features.size(); i++) {
            float[] x = features.image(i);
            double[] s = sums[features.label(i)];
            for (int j = 0; j < n; j++) {
                s[j] += x[j];
            }
        }
        for (int c = 0; c < out.length; c++) {
            if (counts[c] == 0) {
                throw new IllegalArgumentException("class [" + c + "] has no labelled image, so it has no mean;"
                        + " give every class at least one");
            }
            for (int j = 0; j < n; j++) {
                out[c][j] = (float) (sums[c][j] / counts[c]);
            }
        }
        return out;
    }

    private static ImageSplit features(SlimModel model, int frozen, ImageSplit images) {
        return frozen == 0 ? images : FeatureCache.featuresOf(model, frozen, images);
    }

    /** The predicted class of every image of {@code images}. */
    public int[] predict(ImageSplit images) {
        return nearest(means, features(model, frozen, images));
    }

    static int[] nearest(float[][] means, ImageSplit features) {
        int[] out = new int[features.size()];
        for (int i = 0; i < out.length; i++) {
            float[] x = features.image(i);
            double best = Double.POSITIVE_INFINITY;
            for (int c = 0; c < means.length; c++) {
                double d = 0;
                for (int j = 0; j < x.length; j++) {
                    double t = x[j] - means[c][j];
                    d += t * t;
                }
                if (d < best) {
                    best = d;
                    out[i] = c;
                }
            }
        }
        return out;
    }

    /** The fraction of {@code images} classified as labelled. */
    public double accuracy(ImageSplit images) {
        int[] p = predict(images);
        long right = 0;
        for (int i = 0; i < p.length; i++) {
            right += p[i] == images.label(i) ? 1 : 0;
        }
        return p.length == 0 ? Double.NaN : (double) right / p.length;
    }

    /** The class means (a copy), by label. */
    public float[][] means() {
        float[][] out = new float[means.length][];
        for (int c = 0; c < means.length; c++) {
            out[c] = means[c].clone();
        }
        return out;
    }
}
