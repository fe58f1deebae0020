package dev.slimkit.train;

import java.util.Arrays;

/**
 * How well a model classifies a split: the confusion matrix (rows = true class, columns =
 * predicted class), mean loss, and the figures derived from them. Plain Java data.
 *
 * @param confusion confusion[true][predicted] counts
 * @param loss mean cross-entropy loss (NaN when not measured)
 */
public record Evaluation(int[][] confusion, double loss) {

    /** Copies the matrix and checks it is square. */
    public Evaluation {
        int n = confusion.length;
        int[][] copy = new int[n][];
        for (int i = 0; i < n; i++) {
            if (confusion[i].length != n) {
                throw new IllegalArgumentException(
                        "confusion matrix must be square, row " + i + " has " + confusion[i].length
                                + " columns for " + n + " classes");
            }
            copy[i] = confusion[i].clone();
        }
        confusion = copy;
    }

    /** Builds an evaluation from a confusion matrix alone (loss unknown). */
    public static Evaluation fromConfusion(int[][] confusion) {
        return new Evaluation(confusion, Double.NaN);
    }

    public int numClasses() {
        return confusion.length;
    }

    /** Images evaluated. */
    public long total() {
        long total = 0;
        for (int[] row : confusion) {
            for (int v : row) {
                total += v;
            }
        }
        return total;
    }

    /** Fraction classified right. */
    public double accuracy() {
        long right = 0;
        for (int i = 0; i < confusion.length; i++) {
            right += confusion[i][i];
        }
        long total = total();
        return total == 0 ? 0 : (double) right / total;
    }

    /** Of the images predicted as {@code c}, the fraction that are {@code c} (0 if none). */
    public double precision(int c) {
        long predicted = 0;
        for (int[] row : confusion) {
            predicted += row[c];
        }
        return predicted == 0 ? 0 : (double) confusion[c][c] / predicted;
    }

    /** Of the images of class {@code c}, the fraction predicted as {@code c} (0 if none). */
    public double recall(int c) {
        long actual = Arrays.stream(confusion[c]).asLongStream().sum();
        return actual == 0 ? 0 : (double) confusion[c][c] / actual;
    }

    /** Harmonic mean of precision and recall of class {@code c} (0 if both are 0). */
    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** Images of class {@code c}. */
    public long support(int c) {
        return Arrays.stream(confusion[c]).asLongStream().sum();
    }

    /**
     * One kind of mistake: images of class {@code actual} predicted as {@code predicted}.
     *
     * @param actual the true class
     * @param predicted the class the model chose
     * @param count how many images
     * @param shareOfActual count ÷ the images of the true class
     */
    public record Confusion(int actual, int predicted, int count, double shareOfActual) {}

    /**
     * The {@code k} most frequent mistakes (off-diagonal cells with at least {@code minCount}
     * images), most first, ties in class order: fastai's {@code most_confused}.
     */
    public java.util.List<Confusion> mostConfused(int k, int minCount) {
        java.util.List<Confusion> all = new java.util.ArrayList<>();
        for (int a = 0; a < confusion.length; a++) {
            long support = support(a);
            for (int p = 0; p < confusion.length; p++) {
                if (a != p && confusion[a][p] >= Math.max(1, minCount)) {
                    all.add(new Confusion(a, p, confusion[a][p], (double) confusion[a][p] / support));
                }
            }
        }
        all.sort(java.util.Comparator.comparingInt(Confusion::count).reversed());
        return java.util.List.copyOf(all.subList(0, Math.min(Math.max(0, k), all.size())));
    }

    /** Unweighted mean of the per-class F1 scores. */
    public double macroF1() {
        double sum = 0;
        for (int c = 0; c < confusion.length; c++) {
            sum += f1(c);
        }
        return sum / confusion.length;
    }

    /** A copy of the confusion matrix. */
    @Override
    public int[][] confusion() {
        int[][] copy = new int[confusion.length][];
        for (int i = 0; i < confusion.length; i++) {
            copy[i] = confusion[i].clone();
        }
        return copy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Evaluation e
                && Arrays.deepEquals(confusion, e.confusion)
                && Double.compare(loss, e.loss) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(confusion) * 31 + Double.hashCode(loss);
    }

    @Override
    public String toString() {
        return String.format(
                java.util.Locale.ROOT,
                "Evaluation[accuracy %.4f, loss %.4f, %d images, %d classes]",
                accuracy(),
                loss,
                total(),
                numClasses());
    }
}
