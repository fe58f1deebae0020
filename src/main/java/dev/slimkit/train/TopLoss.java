package dev.slimkit.train;

/**
 * One test image among those a model gets most wrong (see {@link Evaluator#worst}): the ones
 * with the highest cross-entropy loss, the first thing to look at after the accuracy.
 *
 * @param index the image's position in the split
 * @param trueClass its label
 * @param predicted the class the model predicts (highest probability)
 * @param probability the model's softmax probability of {@code predicted}
 * @param loss cross-entropy of the true class: {@code -ln p(trueClass)}
 */
public record TopLoss(int index, int trueClass, int predicted, double probability, double loss) {

    /** How many highest-loss images are shown unless told otherwise ({@code %eval --worst}, {@code Slim.WORST_IMAGES}). */
    public static final int DEFAULT_COUNT = 8;

    /** Whether the prediction is right (a low-confidence right answer can still rank high). */
    public boolean correct() {
        return trueClass == predicted;
    }

    /** The model's probability of the true class, {@code exp(-loss)}. */
    public double trueProbability() {
        return Math.exp(-loss);
    }
}
