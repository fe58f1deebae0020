package dev.slimkit.distill;

import ai.djl.ndarray.NDArray;
import dev.slimkit.model.SlimModel;
import dev.slimkit.step.RecoveryTeacher;
import dev.slimkit.schedule.Schedule;
import dev.slimkit.train.BatchLoss;
import dev.slimkit.train.GradMode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hinton's knowledge-distillation loss:
 *
 * <pre>
 * loss = α · T² · KL(softmax(teacher / T) ‖ softmax(student / T)) + (1 − α) · CE(labels, student)
 * </pre>
 *
 * KL is averaged over the batch; T² keeps the soft term's gradients on the scale of the hard
 * term's as T changes. α weighs the soft term (α = 0 is plain cross-entropy, α = 1 pure
 * distillation). Both T and α may follow a {@link Schedule} over training progress. The teacher's
 * logits are computed in {@link #beforeBatch}, outside the gradient tape, in inference mode — or,
 * with {@link #cachedTeacher}, looked up from logits computed once for the whole training split
 * (valid because the teacher never changes and batches are not augmented).
 *
 * <p>With {@link #labelled(boolean[])} some training images carry no label (a transfer set): the
 * soft term is averaged over every image of the batch, the hard term over the batch's labelled
 * images only (a batch without any gets the soft term alone).
 */
public final class DistillationLoss implements BatchLoss {

    /** Names of the recorded loss parts. */
    public static final String SOFT = "soft loss (T²·KL)";

    public static final String HARD = "hard loss (CE)";

    private final SlimModel teacher;
    private final Schedule temperature;
    private final Schedule alpha;
    private final BatchLoss crossEntropy = BatchLoss.crossEntropy();
    private NDArray teacherLogits;
    private float[] cache;
    private boolean[] labelled;
    private NDArray mask;
    private int labelledInBatch;
    private float currentT;
    private float currentAlpha;
    private final Map<String, Double> components = new LinkedHashMap<>();

    /**
     * @param teacher the frozen teacher (only read)
     * @param temperature T over progress; every value must be &gt; 0
     * @param alpha α over progress; every value must be in [0, 1]
     */
    public DistillationLoss(SlimModel teacher, Schedule temperature, Schedule alpha) {
        this.teacher = teacher;
        this.temperature = temperature;
        this.alpha = alpha;
        for (double p : new double[] {0, 0.5, 1}) {
            checkTemperature(temperature.valueAt(p));
            checkAlpha(alpha.valueAt(p));
        }
    }

    /**
     * Hinton's loss with the distill step's defaults (T = {@value DistillStep#DEFAULT_TEMPERATURE},
     * α = {@value DistillStep#DEFAULT_ALPHA}) and a teacher run on every batch: the recovery loss of
     * a fine-tune after a cut, whose teacher is the model before the cut.
     */
    public static DistillationLoss hinton(SlimModel teacher) {
        return new DistillationLoss(teacher, Schedule.constant(DistillStep.DEFAULT_TEMPERATURE),
                Schedule.constant(DistillStep.DEFAULT_ALPHA));
    }

    /**
     * The loss of the fine-tune after a cut (prune, trim): {@link #hinton} with {@code teacher}'s
     * model, or with {@code before} (the model before the cut) for {@link RecoveryTeacher#INPUT}, or
     * plain cross-entropy for {@link RecoveryTeacher#NONE}.
     */
    public static BatchLoss recovery(RecoveryTeacher teacher, SlimModel before) {
        return switch (teacher.choice()) {
            case "input" -> hinton(before);
            case "model" -> hinton(teacher.model());
            default -> BatchLoss.crossEntropy();
        };
    }

    /** How a recovery teacher reads in a recipe ({@code cut}: "cut" or "pruning"; {@code tunes}: any fine-tune). */
    public static String describeRecovery(RecoveryTeacher teacher, boolean tunes, String cut) {
        if (!tunes) {
            return "none (no fine-tune)";
        }
        if (teacher == RecoveryTeacher.NONE) {
            return "none";
        }
        return (teacher == RecoveryTeacher.INPUT ? "the input model before the " + cut : teacher.model().name())
                + " (Hinton KD, T " + fmt(DistillStep.DEFAULT_TEMPERATURE) + ", alpha " + fmt(DistillStep.DEFAULT_ALPHA)
                + ")";
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** @throws IllegalArgumentException unless {@code t > 0} */
    public static double checkTemperature(double t) {
        if (!(t > 0) || Double.isInfinite(t)) {
            throw new IllegalArgumentException("temperature must be > 0, got [" + t + "]; pass e.g. 4");
        }
        return t;
    }

    /** @throws IllegalArgumentException unless {@code a} is in [0, 1] */
    public static double checkAlpha(double a) {
        if (!(a >= 0 && a <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], got [" + a + "]; pass e.g. 0.7");
        }
        return a;
    }

    /**
     * Uses {@code logits} (the teacher's, {@code classes} per image of the training split, as
     * {@link dev.slimkit.train.Evaluator#logits} gives them) instead of running the teacher on
     * every batch.
     */
    public DistillationLoss cachedTeacher(float[] logits) {
        int classes = teacher.spec().classes();
        if (logits.length % classes != 0) {
            throw new IllegalArgumentException("cached logits hold [" + logits.length + "] values, not a multiple of the"
                    + " teacher's " + classes + " classes");
        }
        cache = logits;
        return this;
    }

    /**
     * Marks which images of the training split carry a label (the others get only the soft term).
     * Null: all of them.
     */
    public DistillationLoss labelled(boolean[] value) {
        labelled = value;
        return this;
    }

    @Override
    public void beforeBatch(NDArray images, NDArray labels, int[] order, int from, int to, double progress) {
        if (cache == null) {
            beforeBatch(images, labels, progress);
        } else {
            schedules(progress);
            int classes = teacher.spec().classes();
            float[] rows = new float[(to - from) * classes];
            for (int i = from; i < to; i++) {
                System.arraycopy(cache, order[i] * classes, rows, (i - from) * classes, classes);
            }
            teacherLogits = images.getManager().create(rows, new ai.djl.ndarray.types.Shape(to - from, classes));
        }
        mask = null;
        if (labelled != null) {
            float[] m = new float[to - from];
            labelledInBatch = 0;
            for (int i = from; i < to; i++) {
                if (labelled[order[i]]) {
                    m[i - from] = 1f;
                    labelledInBatch++;
                }
            }
            mask = images.getManager().create(m);
        }
    }

    private void schedules(double progress) {
        currentT = (float) checkTemperature(temperature.valueAt(progress));
        currentAlpha = (float) checkAlpha(alpha.valueAt(progress));
    }

    @Override
    public void beforeBatch(NDArray images, NDArray labels, double progress) {
        schedules(progress);
        GradMode.disableOnThisThread();
        NDArray onTeacher = images.getDevice().equals(teacher.device()) ? images : images.toDevice(teacher.device(), true);
        // Inference mode (BN running statistics), no tape, detached: no gradient can reach the teacher.
        teacherLogits = teacher.forward(onTeacher, false).toDevice(images.getDevice(), false).stopGradient();
    }

    @Override
    public NDArray compute(NDArray logits, NDArray labels, NDArray images) {
        if (teacherLogits == null) {
            throw new IllegalStateException("beforeBatch must run before compute");
        }
        components.clear();
        if (mask != null) {
            return mixedBatch(logits, labels);
        }
        NDArray hard = crossEntropy.compute(logits, labels, images);
        NDArray total;
        if (currentAlpha == 0f) {
            // Exactly cross-entropy: the soft term is not even built.
            total = hard;
        } else {
            NDArray soft = softTerm(logits, teacherLogits, currentT);
            total = mix(soft, hard, currentAlpha);
            components.put(SOFT, (double) soft.getFloat());
        }
        components.put(HARD, (double) hard.getFloat());
        teacherLogits = null;
        return total;
    }

    /** Soft term over the whole batch, hard term over its labelled images. */
    private NDArray mixedBatch(NDArray logits, NDArray labels) {
        NDArray soft = softTerm(logits, teacherLogits, currentT);
        components.put(SOFT, (double) soft.getFloat());
        NDArray total;
        if (labelledInBatch == 0) {
            total = soft.mul(currentAlpha);
        } else {
            NDArray picked = logits.logSoftmax(1).mul(labels.oneHot((int) logits.getShape().get(1))).sum(new int[] {1});
            NDArray hard = picked.mul(mask).sum().neg().div((float) labelledInBatch);
            components.put(HARD, (double) hard.getFloat());
            total = mix(soft, hard, currentAlpha);
        }
        teacherLogits = null;
        return total; // the mask stays for labelledMask(); the next beforeBatch replaces it
    }

    @Override
    public NDArray labelledMask() {
        return mask;
    }

    @Override
    public Map<String, Double> components() {
        return Map.copyOf(components);
    }

    /** {@code α · soft + (1 − α) · hard}. */
    static NDArray mix(NDArray soft, NDArray hard, float alpha) {
        return soft.mul(alpha).add(hard.mul(1f - alpha));
    }

    /** {@code T² · KL(softmax(teacher/T) ‖ softmax(student/T))}, averaged over the batch. */
    public static NDArray softTerm(NDArray studentLogits, NDArray teacherLogits, float t) {
        NDArray logPs = studentLogits.div(t).logSoftmax(1);
        NDArray logPt = teacherLogits.div(t).logSoftmax(1);
        NDArray kl = logPt.exp().mul(logPt.sub(logPs)).sum(new int[] {1}).mean();
        return kl.mul(t * t);
    }
}
