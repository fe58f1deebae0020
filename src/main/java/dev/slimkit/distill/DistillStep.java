package dev.slimkit.distill;

import dev.slimkit.data.ImageData;
import dev.slimkit.data.ImageSplit;
import dev.slimkit.measure.ComparisonRow;
import dev.slimkit.model.Architectures;
import dev.slimkit.model.ModelStats;
import dev.slimkit.model.SlimModel;
import dev.slimkit.schedule.Schedule;
import dev.slimkit.step.Probe;
import dev.slimkit.step.Step;
import dev.slimkit.step.StepResult;
import dev.slimkit.train.BatchLoss;
import dev.slimkit.train.Evaluator;
import dev.slimkit.train.Interrupted;
import java.util.List;
import java.util.Locale;

/**
 * The distillation step: {@code Slim.distill(teacher).student("cnn-small").width(0.25).data(d)
 * .temperature(4).alpha(0.7).epochs(3).control(true).run()}. Trains the student with {@link
 * DistillationLoss}; with {@link #control(boolean) control} also trains an identical copy of the
 * untrained student from scratch (same initial weights, data order and budget) for comparison.
 * The result compares teacher, distilled student and control (params, MACs, latency, accuracy)
 * and reports teacher-student agreement. Defaults: T = 4, α = 0.7, width 1, 1 epoch, latency
 * measured, teacher logits cached. A fresh student is named {@code TEACHER-student}, its control
 * {@code STUDENT-scratch}.
 *
 * <p><b>Transfer set.</b> With {@link #unlabelled(ImageData)} the student also learns from images
 * without labels (Hinton et al.'s transfer set): every epoch is one shuffled pass over the labelled
 * training images and the unlabelled ones together, so each batch mixes them in proportion; the
 * soft term is averaged over all images of a batch, the hard term over its labelled ones. The
 * control then trains on the labelled images alone for as many optimizer steps as the distilled
 * student took (more epochs of fewer images: the same compute, the same labels).
 *
 * <p><b>Teacher cache.</b> The teacher never changes and batches are not augmented, so its logits
 * are computed once for every training image (labelled and unlabelled) before the first epoch and
 * looked up per batch; the result reports the cache's size and time. {@link #cacheTeacher(boolean)
 * cacheTeacher(false)} runs the teacher on every batch instead (same loss, to float rounding).
 */
public final class DistillStep extends Step<DistillStep> {

    private SlimModel studentModel;
    private String studentArch;
    /** Width multiplier of a fresh student unless told otherwise. */
    public static final double DEFAULT_WIDTH = 1.0;

    /** Softening temperature unless told otherwise. */
    public static final double DEFAULT_TEMPERATURE = 4;

    /** Weight of the soft term unless told otherwise. */
    public static final double DEFAULT_ALPHA = 0.7;

    /** Epochs of distillation unless told otherwise. */
    public static final int DEFAULT_EPOCHS = 1;

    private double width = DEFAULT_WIDTH;
    private boolean widthSet;
    private long studentSeed = 0;
    private Schedule temperature = Schedule.constant(DEFAULT_TEMPERATURE);
    private Schedule alpha = Schedule.constant(DEFAULT_ALPHA);
    private boolean control;
    private SlimModel student;
    private SlimModel controlModel;
    private ImageData unlabelled;
    private boolean cacheTeacher = true;
    private int controlEpochs;
    private double cacheSeconds;
    private int cachedImages;

    /** Starts a distillation from {@code teacher} (which is only read). */
    public DistillStep(SlimModel teacher) {
        super("distill", teacher, DEFAULT_EPOCHS, 1, true);
    }

    /** Distils into a fresh model of a built-in architecture (see {@link Architectures#NAMES}). */
    public DistillStep student(String arch) {
        if (!Architectures.NAMES.contains(arch)) {
            throw new IllegalArgumentException("unknown architecture [" + arch + "]; choose one of "
                    + String.join(", ", Architectures.NAMES));
        }
        this.studentArch = arch;
        this.studentModel = null;
        return this;
    }

    /** Distils into an existing model (trained in place, or a copy with {@link #as}). */
    public DistillStep student(SlimModel model) {
        this.studentModel = model;
        this.studentArch = null;
        return this;
    }

    /** Width multiplier of a fresh student (default 1). */
    public DistillStep width(double value) {
        if (!(value > 0) || value > 64) {
            throw new IllegalArgumentException("width(...) must be in (0, 64], got [" + value + "]; pass e.g. 0.25");
        }
        width = value;
        widthSet = true;
        return this;
    }

    /** Seed of a fresh student's initial weights (default 0). */
    public DistillStep studentSeed(long value) {
        studentSeed = value;
        return this;
    }

    public DistillStep temperature(double t) {
        temperature = Schedule.constant(DistillationLoss.checkTemperature(t));
        return this;
    }

    /** A temperature that follows a schedule over training progress. */
    public DistillStep temperature(Schedule t) {
        temperature = t;
        return this;
    }

    public DistillStep alpha(double a) {
        alpha = Schedule.constant(DistillationLoss.checkAlpha(a));
        return this;
    }

    /** A soft-term weight that follows a schedule over training progress. */
    public DistillStep alpha(Schedule a) {
        alpha = a;
        return this;
    }

    /** Also train the same student from scratch with the same budget, for comparison. */
    public DistillStep control(boolean value) {
        control = value;
        return this;
    }

    /**
     * Also distils on {@code value}'s images with the teacher's soft targets only: its unlabelled
     * pool when {@link ImageData#labels} made one, else its training images with their labels
     * ignored ({@link ImageData#transferImages()}). Null: labelled data only.
     */
    public DistillStep unlabelled(ImageData value) {
        unlabelled = value;
        return this;
    }

    /** Whether to compute the teacher's logits once per data set (default) or on every batch. */
    public DistillStep cacheTeacher(boolean value) {
        cacheTeacher = value;
        return this;
    }

    /** The distilled student (after {@link #run()}). */
    public SlimModel student() {
        return student;
    }

    /** The scratch-trained control (after {@link #run()} with control), or null. */
    public SlimModel controlModel() {
        return controlModel;
    }

    /** The name of the control model. */
    public String controlName() {
        return resultName() + "-scratch";
    }

    @Override
    protected String defaultName() {
        return studentModel != null ? studentModel.name() : source.name() + "-student";
    }

    @Override
    protected void check() {
        if (data() == null) {
            throw new IllegalArgumentException("distill needs data; pass data(...)");
        }
        if (studentModel == null && studentArch == null) {
            throw new IllegalArgumentException("distill needs a student; pass student(...) with an architecture"
                    + " (e.g. cnn-small) or a model");
        }
        if (studentModel != null && widthSet) {
            throw new IllegalArgumentException("width(...) applies to a fresh student only; [" + studentModel.name()
                    + "] is a model");
        }
        if (studentModel == source) {
            throw new IllegalArgumentException("the student [" + source.name() + "] is the teacher itself; distil into"
                    + " another model or a fresh architecture such as cnn-small");
        }
        if (studentModel != null && studentModel.spec().classes() != source.spec().classes()) {
            throw new IllegalArgumentException(
                    "student [" + studentModel.name() + "] has " + studentModel.spec().classes() + " classes but teacher ["
                            + source.name() + "] has [" + source.spec().classes() + "]; use a student with "
                            + source.spec().classes() + " classes");
        }
        if (studentModel != null) {
            Evaluator.checkCompatible(studentModel, data().train());
        }
        new DistillationLoss(source, temperature, alpha); // checks T and α over the schedule
        if (unlabelled != null) {
            ImageSplit images = unlabelled.transferImages();
            ImageSplit train = data().train();
            if (images.channels() != train.channels() || images.height() != train.height()
                    || images.width() != train.width()) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "unlabelled(...) images [%s] are %dx%dx%d"
                        + " but data(...) images are %dx%dx%d; pass unlabelled images of the same shape",
                        unlabelled.name(), images.channels(), images.height(), images.width(), train.channels(),
                        train.height(), train.width()));
            }
            if (alpha.valueAt(0) == 0 && alpha.valueAt(0.5) == 0 && alpha.valueAt(1) == 0) {
                throw new IllegalArgumentException("alpha(...) is 0, so the unlabelled(...) images would teach nothing;"
                        + " pass alpha > 0, e.g. 0.7");
            }
        }
    }

    @Override
    protected List<SlimModel> lockedModels() {
        return studentModel == null ? List.of(source) : List.of(source, studentModel);
    }

    /** The student to train: the given one (or its copy under {@link #as}) or a fresh one. */
    private SlimModel makeStudent() {
        if (studentModel != null) {
            return asName() != null && !asName().equals(studentModel.name()) ? studentModel.copy(asName()) : studentModel;
        }
        int[] shape = data().imageShape();
        return SlimModel.create(resultName(), Architectures.spec(studentArch, source.spec().classes(), width,
                shape[0], shape[1], shape[2]), studentSeed);
    }

    @Override
    protected SlimModel probedBefore() {
        if (student == null) {
            student = makeStudent();
        }
        return student;
    }

    @Override
    protected boolean evaluatesBefore() {
        return false;
    }

    @Override
    protected boolean comparesLatency() {
        return false;
    }

    @Override
    protected SlimModel execute(Run run) {
        run.output(student);
        SlimModel untrained = control ? student.copy(controlName()) : null;
        ImageData on = data();
        boolean[] labelled = null;
        if (unlabelled != null) {
            ImageSplit train = data().train();
            ImageSplit extra = unlabelled.transferImages();
            on = new ImageData(data().name() + " + unlabelled " + unlabelled.name(), ImageSplit.concat(train, extra),
                    data().validation().orElse(null), data().test(), data().classNames());
            labelled = new boolean[on.train().size()];
            java.util.Arrays.fill(labelled, 0, train.size(), true);
        }
        DistillationLoss loss = new DistillationLoss(source, temperature, alpha).labelled(labelled);
        try {
            if (cacheTeacher) {
                long t0 = System.nanoTime();
                loss.cachedTeacher(dev.slimkit.train.Evaluator.logits(source, on.train(), Probe.EVALUATION_BATCH));
                cacheSeconds = (System.nanoTime() - t0) / 1e9;
                cachedImages = on.train().size();
            }
            run.fit(student, student, on, epochs(), loss, List.of());
        } catch (Interrupted e) {
            if (untrained != null) {
                untrained.close(); // never trained: nothing to keep
            }
            throw e;
        }
        if (untrained != null) {
            controlModel = run.output(untrained);
            controlEpochs = controlEpochs(on.train().size(), data().train().size());
            run.fit(controlModel, controlEpochs, BatchLoss.crossEntropy(), List.of());
        }
        return student;
    }

    /** Epochs on {@code labelled} images that take at least as many optimizer steps as the step's epochs on {@code all}. */
    private int controlEpochs(int all, int labelled) {
        int batch = config().batchSize();
        long steps = (long) epochs() * ((all + batch - 1) / batch);
        long perEpoch = (labelled + batch - 1) / batch;
        return (int) ((steps + perEpoch - 1) / perEpoch);
    }

    @Override
    protected void report(Run run, Probe.Figures before, Probe.Figures after) {
        StepResult.Builder r = run.result();
        if (cachedImages > 0) {
            int classes = source.spec().classes();
            r.metric("teacher cache images", cachedImages);
            r.metric("teacher cache MiB", cachedImages * (double) classes * Float.BYTES / (1 << 20));
            r.metric("teacher cache seconds", cacheSeconds);
            r.note(run.format("teacher logits computed once for %,d images (%.1f MiB, %.1f s) and reused every epoch",
                    cachedImages, cachedImages * (double) classes * Float.BYTES / (1 << 20), cacheSeconds));
        }
        if (unlabelled != null) {
            int extra = cachedImages > 0 ? cachedImages - data().train().size() : unlabelled.transferImages().size();
            r.metric("unlabelled images", extra);
            if (controlModel != null) {
                r.note(run.format("control trained %d epoch(s) on the %,d labelled images: as many optimizer steps as"
                        + " the student's %d epoch(s) on labelled + unlabelled", controlEpochs, data().train().size(),
                        epochs()));
            }
        }
        Probe.Figures teacher = Probe.measure(source, data(), measuresLatency());
        r.row(row(source, teacher));
        r.row(row(student, after));
        r.metric("teacher accuracy", teacher.evaluation().accuracy());
        r.metric("student accuracy", after.evaluation().accuracy());
        r.metric("agreement", Evaluator.agreement(source, student, data().test(), Probe.EVALUATION_BATCH));
        if (controlModel != null) {
            Probe.Figures scratch = Probe.measure(controlModel, data(), measuresLatency());
            double acc = scratch.evaluation().accuracy();
            r.row(row(controlModel, scratch));
            r.metric("scratch accuracy", acc);
            r.metric("gain over scratch", after.evaluation().accuracy() - acc);
            r.note(run.format("distilled %.4f vs scratch %.4f (%+.2f points)", after.evaluation().accuracy(), acc,
                    100 * (after.evaluation().accuracy() - acc)));
        }
        ModelStats t = teacher.stats();
        ModelStats s = after.stats();
        r.note(t.macs() < 0 || s.macs() < 0
                ? run.format("student has %.1f× fewer params than the teacher (MACs of a TorchScript graph are"
                        + " unknown)", (double) t.params() / s.params())
                : run.format("student has %.1f× fewer params and %.1f× fewer MACs than the teacher",
                        (double) t.params() / s.params(), (double) t.macs() / s.macs()));
    }

    @Override
    protected void recipe(StepResult.Builder r) {
        r.recipe("loss", "α·T²·KL(softmax(teacher/T) ‖ softmax(student/T)) + (1−α)·CE(labels, student)");
        r.recipe("temperature", temperature.describe());
        r.recipe("alpha", alpha.describe());
        r.recipe("teacher", source.name() + " (" + source.origin() + ")");
        r.recipe("student", studentArch != null
                ? studentArch + " width " + width + " (seed " + studentSeed + ")"
                : studentModel.spec().arch() + " width " + studentModel.spec().widthMultiplier() + " (seed "
                        + studentModel.seed() + ")");
        r.recipe("control", !control ? "none" : unlabelled == null ? "same student from scratch, same budget"
                : "same student from scratch on the labelled images, same number of optimizer steps");
        r.recipe("data", data().toString());
        if (unlabelled != null) {
            r.recipe("unlabelled", unlabelled.transferImages().size() + " images of " + unlabelled.name()
                    + " (soft term only, mixed into every batch)");
        }
        r.recipe("teacher logits", cacheTeacher ? "computed once per data set" : "computed every batch");
    }

    private static ComparisonRow row(SlimModel model, Probe.Figures f) {
        return new ComparisonRow(model.name(), f.stats().params(), f.stats().nonzeroParams(), f.stats().macs(),
                f.latencyMs(0), f.latencyMs(1), f.evaluation().accuracy());
    }

}
