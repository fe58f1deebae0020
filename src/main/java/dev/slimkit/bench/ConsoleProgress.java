package dev.slimkit.bench;

import dev.slimkit.train.FitListener;
import dev.slimkit.train.History;
import java.io.PrintStream;
import java.util.Locale;

/** Prints training progress to a stream: a line every {@code every} batches and one per epoch. */
public final class ConsoleProgress implements FitListener {

    private final PrintStream out;
    private final int every;

    public ConsoleProgress(PrintStream out, int every) {
        this.out = out;
        this.every = Math.max(1, every);
    }

    @Override
    public void onBatch(BatchProgress p) {
        if (p.batch() % every == 0 || p.batch() == p.batchesPerEpoch()) {
            out.printf(
                    Locale.ROOT,
                    "  epoch %d/%d batch %d/%d loss %.4f acc %.4f (%.0f s, eta %.0f s)%n",
                    p.epoch(), p.epochs(), p.batch(), p.batchesPerEpoch(), p.loss(),
                    p.runningAccuracy(), p.elapsedSeconds(), p.etaSeconds());
        }
    }

    @Override
    public void onEpoch(History.Epoch e, History history) {
        out.printf(
                Locale.ROOT,
                "epoch %d: train loss %.4f acc %.4f, validation loss %.4f acc %.4f, %.1f s%n",
                e.epoch(), e.trainLoss(), e.trainAccuracy(), e.validationLoss(),
                e.validationAccuracy(), e.seconds());
    }
}
