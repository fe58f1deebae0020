package dev.slimkit.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.slimkit.Slim;
import dev.slimkit.step.StepResult;
import dev.slimkit.data.Datasets;
import dev.slimkit.data.ImageData;
import dev.slimkit.model.SlimModel;
import dev.slimkit.schedule.Schedule;
import dev.slimkit.train.FitLoop;
import dev.slimkit.train.TrainConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DistillationTest {

    private static final ImageData DATA = Datasets.synthetic(4, 256, 64, 11);

    /** log-softmax of one row, in double precision. */
    private static double[] logSoftmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : z) {
            sum += Math.exp(v - max);
        }
        double[] out = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            out[i] = z[i] - max - Math.log(sum);
        }
        return out;
    }

    @Test
    void lossMatchesHandComputation() {
        double[][] s = {{1, 2, 3}, {0.5, -1, 0}};
        double[][] t = {{3, 2, 1}, {0, 0, 2}};
        int[] y = {0, 2};
        double temp = 2;
        double kl = 0;
        double ce = 0;
        for (int i = 0; i < 2; i++) {
            double[] ls = logSoftmax(new double[] {s[i][0] / temp, s[i][1] / temp, s[i][2] / temp});
            double[] lt = logSoftmax(new double[] {t[i][0] / temp, t[i][1] / temp, t[i][2] / temp});
            for (int c = 0; c < 3; c++) {
                kl += Math.exp(lt[c]) * (lt[c] - ls[c]);
            }
            ce -= logSoftmax(s[i])[y[i]];
        }
        double soft = temp * temp * kl / 2;
        double hard = ce / 2;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray student = m.create(new float[] {1, 2, 3, 0.5f, -1, 0}, new ai.djl.ndarray.types.Shape(2, 3));
            NDArray teacher = m.create(new float[] {3, 2, 1, 0, 0, 2}, new ai.djl.ndarray.types.Shape(2, 3));
            assertEquals(soft, DistillationLoss.softTerm(student, teacher, 2f).getFloat(), 1e-5);
            // soft term is 0 when student equals teacher, at any T
            assertEquals(0, DistillationLoss.softTerm(teacher, teacher, 7f).getFloat(), 1e-6);
            // the whole loss through a stand-in teacher whose logits we fix
            assertEquals(0.3 * soft + 0.7 * hard, DistillationLoss.mix(
                    DistillationLoss.softTerm(student, teacher, 2f),
                    dev.slimkit.train.BatchLoss.crossEntropy().compute(student, m.create(new long[] {0, 2}), null),
                    0.3f).getFloat(), 1e-5);
        }
    }

    @Test
    void alphaZeroReproducesCrossEntropyTrainingBitForBit() {
        TrainConfig config = TrainConfig.defaults().epochs(1).batchSize(32).seed(5);
        try (SlimModel teacher = SlimModel.create("mlp", 4, 0.5, 9);
                SlimModel plain = SlimModel.create("mlp", 4, 0.25, 3);
                SlimModel distilled = SlimModel.create("mlp", 4, 0.25, 3)) {
            FitLoop.fit(plain, DATA, config, List.of());
            Slim.distill(teacher).student(distilled).data(DATA).alpha(0).temperature(4).config(config)
                    .measureLatency(false).run();
            for (String key : plain.parameters().keySet()) {
                assertArrayEquals(plain.parameters().get(key).getArray().toFloatArray(),
                        distilled.parameters().get(key).getArray().toFloatArray(), 0f, key);
            }
        }
    }

    @Test
    void teacherNeverChangesAndGetsNoGradient() {
        try (SlimModel teacher = SlimModel.create("cnn-small", 4, 0.25, 9)) {
            FitLoop.fit(teacher, DATA, TrainConfig.defaults().batchSize(32), List.of());
            Map<String, float[]> before = new HashMap<>();
            teacher.parameters().forEach((k, p) -> before.put(k, p.getArray().toFloatArray()));
            Map<String, float[]> gradsBefore = gradients(teacher);
            DistillStep step = Slim.distill(teacher).student("mlp").width(0.25).data(DATA).temperature(4).alpha(0.9)
                    .epochs(2).batch(32).control(true).measureLatency(false);
            StepResult r = step.run();
            teacher.parameters().forEach((k, p) -> assertArrayEquals(before.get(k), p.getArray().toFloatArray(), 0f, k));
            assertEquals(gradsBefore.keySet(), gradients(teacher).keySet());
            gradients(teacher).forEach((k, g) -> assertArrayEquals(gradsBefore.get(k), g, 0f, "gradient of " + k));
            assertEquals("cnn-small-student", r.model());
            assertEquals(3, r.comparison().size(), "teacher, distilled, scratch");
            assertTrue(r.metrics().get("agreement") > 0.5, "agreement " + r.metrics().get("agreement"));
            assertTrue(r.accuracy() > 0.8, "student accuracy " + r.accuracy());
            assertTrue(step.student().history().series().containsKey(DistillationLoss.SOFT));
            assertEquals(2, step.controlModel().history().epochCount());
            step.student().close();
            step.controlModel().close();
        }
    }

    /** Gradients the teacher's parameters hold (those with any), by path. */
    private static Map<String, float[]> gradients(SlimModel model) {
        Map<String, float[]> out = new HashMap<>();
        for (Map.Entry<String, Parameter> e : model.parameters().entrySet()) {
            NDArray a = e.getValue().getArray();
            if (a.hasGradient()) {
                out.put(e.getKey(), a.getGradient().toFloatArray());
            }
        }
        return out;
    }

    @Test
    void badSettingsNameTheValue() {
        try (SlimModel teacher = SlimModel.create("mlp", 4, 0.25, 0); SlimModel ten = SlimModel.create("mlp", 10, 0.25, 0)) {
            assertEquals("temperature must be > 0, got [0.0]; pass e.g. 4",
                    assertThrows(IllegalArgumentException.class, () -> Slim.distill(teacher).temperature(0)).getMessage());
            assertEquals("alpha must be in [0, 1], got [1.5]; pass e.g. 0.7",
                    assertThrows(IllegalArgumentException.class, () -> Slim.distill(teacher).alpha(1.5)).getMessage());
            assertEquals("alpha must be in [0, 1], got [2.0]; pass e.g. 0.7",
                    assertThrows(IllegalArgumentException.class,
                            () -> Slim.distill(teacher).student("mlp").data(DATA).alpha(Schedule.linear(0, 2)).validate()).getMessage());
            assertEquals("student [mlp] has 10 classes but teacher [mlp] has [4]; use a student with 4 classes",
                    assertThrows(IllegalArgumentException.class,
                            () -> Slim.distill(teacher).student(ten).data(DATA).validate()).getMessage());
            assertEquals("unknown architecture [vgg]; choose one of mlp, lenet5, cnn-small, resnet20",
                    assertThrows(IllegalArgumentException.class, () -> Slim.distill(teacher).student("vgg")).getMessage());
        }
    }
}
