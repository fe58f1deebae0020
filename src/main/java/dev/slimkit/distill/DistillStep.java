package dev.slimkit.distill;

import dev.slimkit.StepResult;
import dev.slimkit.data.ImageData;
import dev.slimkit.measure.Latency;
import dev.slimkit.model.Architectures;
import dev.slimkit.model.ModelStats;
import dev.slimkit.model.SlimModel;
import dev.slimkit.report.ComparisonRow;
import dev.slimkit.schedule.Schedule;
import dev.slimkit.train.Evaluation;
import dev.slimkit.train.Evaluator;
import dev.slimkit.train.FitListener;
import dev.slimkit.train.FitLoop;
import dev.slimkit.train.FitResult;
import dev.slimkit.train.TrainConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The distillation step: {@code Slim.distill(teacher).student("cnn-small").width(0.25).data(d)
 * .temperature(4).alpha(0.7).epochs(3).control(true).run()}. Trains the student with {@link
 * DistillationLoss}; with {@link #control(boolean) control} also trains an identical copy of the
 * untrained student from scratch (same initial weights, data order and budget) for comparison.
 * The result compares teacher, distilled student and control (params, MACs, latency, accuracy)
 * and reports teacher-student agreement. Setters check their value at once.
 */
public final class DistillStep {

    private final SlimModel teacher;
    private ImageData data;
    private SlimModel studentModel;
    private String studentArch;
    private double width = 1.0;
    private long studentSeed = 0;
    private String name;
    private Schedule temperature = Schedule.constant(4);
    private Schedule alpha = Schedule.constant(0.7);
    private TrainConfig config = TrainConfig.defaults();
    private boolean control;
    private boolean measureLatency = true;
    private final List<FitListener> listeners = new ArrayList<>();
    private java.util.function.Function<SlimModel, FitListener> controlListener;
    private SlimModel student;
    private SlimModel controlModel;

    /** Starts a distillation from {@code teacher} (which is only read). */
    public DistillStep(SlimModel teacher) {
        if (teacher == null) {
            throw new IllegalArgumentException("distill needs a teacher model, got [null]");
        }
        this.teacher = teacher;
    }

    /** Distils into a fresh model of a built-in architecture (see {@link Architectures#NAMES}). */
    public DistillStep student(String arch) {
        if (!Architectures.NAMES.contains(arch)) {
            throw new IllegalArgumentException("unknown architecture [" + arch + "]; choose one of "
                    + String.join(", ", Architectures.NAMES));
        }
        this.studentArch = arch;
        this.studentModel = null;
        this.student = null;
        return this;
    }

    /** Distils into an existing model (trained in place). */
    public DistillStep student(SlimModel model) {
        this.studentModel = model;
        this.studentArch = null;
        this.student = null;
        return this;
    }

    /** Width multiplier of a fresh student (default 1). */
    public DistillStep width(double value) {
        if (!(value > 0) || value > 64) {
            throw new IllegalArgumentException("width multiplier must be in (0, 64], got [" + value + "]; pass e.g. 0.25");
        }
        width = value;
        return this;
    }

    /** Seed of a fresh student's initial weights (default 0). */
    public DistillStep studentSeed(long value) {
        studentSeed = value;
        return this;
    }

    /** The data to distil on (its training split; test split for the figures). */
    public DistillStep data(ImageData value) {
        data = value;
        return this;
    }

    /** Name of the resulting student (default: the student's, or "TEACHER-student"). */
    public DistillStep name(String value) {
        name = value;
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

    public DistillStep epochs(int value) {
        config = config.epochs(value);
        return this;
    }

    public DistillStep learningRate(double value) {
        config = config.learningRate(value);
        return this;
    }

    public DistillStep batchSize(int value) {
        config = config.batchSize(value);
        return this;
    }

    /** Shuffling seed (the control uses the same). */
    public DistillStep seed(long value) {
        config = config.seed(value);
        return this;
    }

    /** Replaces the training configuration (epochs, batch, optimizer, schedule, seed). */
    public DistillStep config(TrainConfig value) {
        config = value;
        return this;
    }

    /** Also train the same student from scratch with the same budget, for comparison. */
    public DistillStep control(boolean value) {
        control = value;
        return this;
    }

    /** Whether to measure latency for the comparison (default true). */
    public DistillStep measureLatency(boolean value) {
        measureLatency = value;
        return this;
    }

    public DistillStep listener(FitListener listener) {
        listeners.add(listener);
        return this;
    }

    /** Makes a listener for the control's training, given the control model (live charts). */
    public DistillStep controlListener(java.util.function.Function<SlimModel, FitListener> factory) {
        controlListener = factory;
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

    /**
     * Checks the set-up without training: data set, student given, class counts agree.
     *
     * @throws IllegalArgumentException naming the value and the fix
     */
    public DistillStep validate() {
        if (data == null) {
            throw new IllegalArgumentException("distill needs data; call data(...) or pass --data");
        }
        if (studentModel == null && studentArch == null) {
            throw new IllegalArgumentException("distill needs a student; pass an architecture (e.g. cnn-small) or a model");
        }
        Evaluator.checkCompatible(teacher, data.train());
        if (studentModel != null && studentModel.spec().classes() != teacher.spec().classes()) {
            throw new IllegalArgumentException(
                    "student [" + studentModel.name() + "] has " + studentModel.spec().classes() + " classes but teacher ["
                            + teacher.name() + "] has [" + teacher.spec().classes() + "]; use a student with "
                            + teacher.spec().classes() + " classes");
        }
        if (studentModel != null) {
            Evaluator.checkCompatible(studentModel, data.train());
        }
        new DistillationLoss(teacher, temperature, alpha); // checks T and α over the schedule
        return this;
    }

    /**
     * Validates and returns the model that will be trained: the given student, or a fresh one
     * built now (so that a caller can watch its history while it trains). Idempotent.
     */
    public SlimModel prepareStudent() {
        validate();
        if (student == null) {
            int[] shape = data.imageShape();
            String resultName = name != null ? name : studentModel != null ? studentModel.name() : teacher.name() + "-student";
            student = studentModel != null ? studentModel
                    : SlimModel.create(resultName, Architectures.spec(studentArch, teacher.spec().classes(), width,
                            shape[0], shape[1], shape[2]), studentSeed);
        }
        return student;
    }

    /** Distils (and trains the control), evaluates, measures and reports. */
    public StepResult run() {
        prepareStudent();
        String resultName = student.name();
        SlimModel untrained = control ? student.copy(resultName + "_scratch") : null;
        ModelStats before = ModelStats.of(student);
        long start = System.nanoTime();
        DistillationLoss loss = new DistillationLoss(teacher, temperature, alpha);
        FitResult fit = FitLoop.fit(student, data, config, loss, listeners);
        List<String> notes = new ArrayList<>();
        Map<String, Double> metrics = new LinkedHashMap<>();
        List<ComparisonRow> rows = new ArrayList<>();
        Evaluation after = null;
        if (fit.interrupted()) {
            notes.add("interrupted after " + fit.batches() + " batches");
            if (untrained != null) {
                untrained.close();
            }
        } else {
            after = Evaluator.evaluate(student, data.test(), 256);
            Evaluation teacherEval = Evaluator.evaluate(teacher, data.test(), 256);
            rows.add(row(teacher, teacherEval.accuracy()));
            rows.add(row(student, after.accuracy()));
            metrics.put("teacher accuracy", teacherEval.accuracy());
            metrics.put("student accuracy", after.accuracy());
            metrics.put("agreement", Evaluator.agreement(teacher, student, data.test(), 256));
            if (untrained != null) {
                controlModel = untrained;
                FitResult scratch = FitLoop.fit(controlModel, data, config,
                        controlListener == null ? List.of() : List.of(controlListener.apply(controlModel)));
                if (scratch.interrupted()) {
                    notes.add("control interrupted after " + scratch.batches() + " batches");
                } else {
                    double acc = Evaluator.evaluate(controlModel, data.test(), 256).accuracy();
                    rows.add(row(controlModel, acc));
                    metrics.put("scratch accuracy", acc);
                    metrics.put("gain over scratch", after.accuracy() - acc);
                    notes.add(String.format(Locale.ROOT, "distilled %.4f vs scratch %.4f (%+.2f points)",
                            after.accuracy(), acc, 100 * (after.accuracy() - acc)));
                }
            }
            ModelStats t = ModelStats.of(teacher);
            ModelStats s = ModelStats.of(student);
            notes.add(t.macs() < 0 || s.macs() < 0
                    ? String.format(Locale.ROOT, "student has %.1f× fewer params than the teacher (MACs of a"
                            + " TorchScript graph are unknown)", (double) t.params() / s.params())
                    : String.format(Locale.ROOT, "student has %.1f× fewer params and %.1f× fewer MACs than the teacher",
                            (double) t.params() / s.params(), (double) t.macs() / s.macs()));
        }
        Map<String, String> recipe = new LinkedHashMap<>();
        recipe.put("config", config.describe());
        recipe.put("loss", "α·T²·KL(softmax(teacher/T) ‖ softmax(student/T)) + (1−α)·CE(labels, student)");
        recipe.put("temperature", temperature.describe());
        recipe.put("alpha", alpha.describe());
        recipe.put("teacher", teacher.name() + " (" + teacher.origin() + ")");
        recipe.put("student", student.spec().arch() + " width " + student.spec().widthMultiplier() + " (seed " + student.seed() + ")");
        recipe.put("data", data.toString());
        return new StepResult("distill", student.name(), before, ModelStats.of(student), null, after,
                fit.epochs(), recipe, notes, (System.nanoTime() - start) / 1e9, fit.interrupted(), rows, metrics);
    }

    private ComparisonRow row(SlimModel model, double accuracy) {
        ModelStats s = ModelStats.of(model);
        double b1 = measureLatency ? Latency.measure(model, 1).medianMs() : Double.NaN;
        double b32 = measureLatency ? Latency.measure(model, 32).medianMs() : Double.NaN;
        return new ComparisonRow(model.name(), s.params(), s.nonzeroParams(), s.macs(), b1, b32, accuracy);
    }
}
