package dev.slimkit.trim;

import dev.slimkit.data.ImageSplit;
import dev.slimkit.model.SlimModel;
import dev.slimkit.step.Probe;
import dev.slimkit.step.Step;
import dev.slimkit.step.StepResult;
import dev.slimkit.train.BatchNormRecalibration;
import dev.slimkit.train.Evaluator;
import dev.slimkit.train.Interrupted;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One run of a {@link TrimStep}, its one cut loop: {@link TrimStep#cuts} channel cuts, each at k/K
 * of the way to the target (widths from a {@link WidthTarget} or a {@link LatencySearch}, channels
 * ranked by {@link Importance}, cut by {@link Trimmer} and checked for equivalence), or one block
 * removal; blocks go after the last channel cut. With a run, every cut is followed by the accuracy
 * right after it, batch-norm recalibration and fine-tuning; without one it only cuts. Holds what
 * the run measured and reports it.
 */
final class CutLoop {

    private final TrimStep step;
    private final Step<TrimStep>.Run run;
    private final SlimModel source;
    private final LatencySearch latency;
    private final ImageSplit split;
    private final String splitName;
    private final List<Cut> cuts = new ArrayList<>();
    private double equivalenceError = Double.NaN;
    private double accuracyAfterCut = Double.NaN;
    private double accuracyAfterRecalibration = Double.NaN;

    /**
     * A loop for {@code step} on its {@code source} model (only read); {@code run} null: cut only (no
     * evaluation, recalibration or fine-tuning).
     */
    CutLoop(TrimStep step, SlimModel source, Step<TrimStep>.Run run) {
        this.step = step;
        this.run = run;
        this.source = source;
        this.latency = step.latencyTarget > 0
                ? new LatencySearch(source, step.latencyTarget, step.latencyBatch, step.timer, step.roundTo) : null;
        this.split = run == null || step.data() == null ? null : step.data().validation().orElse(step.data().test());
        this.splitName = split == null ? "" : step.data().validation().isPresent() ? "validation" : "test";
    }

    /** Runs the loop; returns the trimmed model (the caller owns it). */
    SlimModel run() {
        SlimModel current = source;
        int rounds = step.cutsChannels() ? step.steps : 1;
        for (int k = 1; k <= rounds; k++) {
            boolean last = k == rounds;
            if (step.cutsChannels()) {
                SlimModel next = cutOnce(current, (double) k / step.steps, last && step.blocks == 0
                        ? step.resultName() : step.resultName() + "-step" + k);
                if (current != source) {
                    current.close();
                }
                current = next;
            }
            if (last) {
                current = dropBlocks(current);
            }
            Cut cut = run == null ? new Cut(k, current.spec().macs(), current.spec().params(), Double.NaN, Double.NaN,
                    Double.NaN, "") : recover(current, k, last);
            if (step.cutsChannels()) {
                cuts.add(cut);
            }
        }
        return current;
    }

    /**
     * One cut of {@code model} towards the target at {@code progress} (k/K of the way), checked for
     * equivalence.
     */
    private SlimModel cutOnce(SlimModel model, double progress, String name) {
        List<ChannelGroup> groups = Groups.cuttable(model.spec(), step.exclude);
        Map<String, float[]> scores = Importance.scores(model, groups, step.criterion,
                step.data() == null ? null : step.data().train(), step.calibrationBatches(), step.config().batchSize(),
                step.config().seed());
        Interrupted.check("trimming");
        Map<String, Integer> counts = latency != null ? latency.counts(model, groups, scores, progress)
                : step.widthTarget().counts(source.spec(), model.spec(), groups, scores, progress);
        Trimmer.Checked trimmed = Trimmer.trimChecked(model, groups, Importance.keep(groups, scores, counts), name,
                TrimStep.TOLERANCE);
        equivalenceError = Double.isNaN(equivalenceError) ? trimmed.error() : Math.max(equivalenceError, trimmed.error());
        if (latency != null) {
            latency.measure(trimmed.model());
        }
        return trimmed.model();
    }

    private SlimModel dropBlocks(SlimModel current) {
        if (step.blocks == 0) {
            return current;
        }
        Set<String> drop = Importance.leastImportantBlocks(current, step.blocks);
        SlimModel dropped = Trimmer.dropBlocks(current, drop, step.resultName());
        if (current != source) {
            current.close();
        }
        return dropped;
    }

    /** After cut {@code k}: accuracy right after it, after recalibration, and after the fine-tune that follows. */
    private Cut recover(SlimModel current, int k, boolean last) {
        if (last) {
            run.output(current);
        }
        source.mask().ifPresent(mask -> Trimmer.keepZeros(current, mask.paths()));
        double cutAcc = accuracy(current);
        double recalAcc = recalibrated(current, k);
        if (last) {
            accuracyAfterCut = cutAcc;
            accuracyAfterRecalibration = recalAcc;
        }
        int e = last ? step.epochs() : step.epochsBetween();
        if (e == 0) {
            return new Cut(k, current.spec().macs(), current.spec().params(), cutAcc, recalAcc, Double.NaN, splitName);
        }
        try {
            run.fit(current, e, step.recoveryLoss(), List.of());
        } catch (Interrupted stop) {
            run.output(current);
            throw stop;
        }
        double tunedAcc = step.cutsChannels() ? accuracy(current) : Double.NaN;
        return new Cut(k, current.spec().macs(), current.spec().params(), cutAcc, recalAcc, tunedAcc, splitName);
    }

    private double accuracy(SlimModel model) {
        return split == null ? Double.NaN : Evaluator.evaluate(model, split, Probe.EVALUATION_BATCH).accuracy();
    }

    /** Re-estimates the batch norms' statistics when on and there are data; the accuracy after, else NaN. */
    private double recalibrated(SlimModel model, int cut) {
        if (!step.recalibrate || step.data() == null) {
            return Double.NaN;
        }
        BatchNormRecalibration.recalibrate(model, step.data().train(), step.recalibrationBatches,
                step.config().batchSize(), step.config().seed() + cut);
        return accuracy(model);
    }

    /** Puts what the run measured into its result: ratios, the check, accuracies, latency, the cut table. */
    void report(Step<TrimStep>.Run run, Probe.Figures before, Probe.Figures after) {
        StepResult.Builder r = run.result();
        r.detail(new TrimDetail(cuts, latency == null ? null : latency.table()));
        r.metric("MACs after / before", (double) after.stats().macs() / before.stats().macs());
        r.metric("params after / before", (double) after.stats().params() / before.stats().params());
        if (!Double.isNaN(equivalenceError)) {
            r.metric("equivalence check max |Δ|", equivalenceError);
        }
        if (!Double.isNaN(accuracyAfterCut)) {
            r.metric("accuracy right after the " + (step.steps > 1 ? "last " : "") + "cut (" + splitName + ")",
                    accuracyAfterCut);
        }
        if (!Double.isNaN(accuracyAfterRecalibration)) {
            r.metric("accuracy after batch-norm recalibration (" + splitName + ")", accuracyAfterRecalibration);
        }
        if (latency != null && latency.table() != null) {
            reportLatency(run, r);
        }
        if (step.measuresLatency()) {
            r.note(run.format("%.2f× fewer MACs, measured %.2f× faster at batch 1 and %.2f× at batch 32",
                    (double) before.stats().macs() / after.stats().macs(), before.latencyMs(0) / after.latencyMs(0),
                    before.latencyMs(1) / after.latencyMs(1)));
        }
    }

    private void reportLatency(Step<TrimStep>.Run run, StepResult.Builder r) {
        double originalMs = latency.originalMs();
        int batch = step.latencyBatch;
        r.metric("latency ms batch " + batch + ": original (table)", originalMs);
        r.metric("latency ms batch " + batch + ": target", originalMs * step.latencyTarget);
        r.metric("latency ms batch " + batch + ": predicted", latency.predictedMs());
        r.metric("latency ms batch " + batch + ": measured", latency.measuredMs());
        LatencyTable table = latency.table();
        r.note(run.format("latency target %.2f at batch %d: the search predicted %.3f ms, measured afresh %.3f ms"
                + " (%.3f of the original's %.3f ms); %d models timed for the table, %d probes measured against"
                + " the original%s", step.latencyTarget, batch, latency.predictedMs(), latency.measuredMs(),
                latency.measuredMs() / originalMs, originalMs, table.measurements(), latency.probes(),
                table.staleCache() == null ? "" : "; " + table.staleCache()));
    }

    /** The cuts, one per channel cut. */
    List<Cut> cuts() {
        return List.copyOf(cuts);
    }

    /** Max |Δ| of the equivalence checks (NaN if no channels were cut). */
    double equivalenceError() {
        return equivalenceError;
    }

    /** The latency search of a latency target, else null. */
    LatencySearch latency() {
        return latency;
    }
}
