package dev.slimkit.sweep;

/** Told each time a trial finishes (ran or failed), on the thread that runs the sweep (a live table). */
public interface SweepListener {

    /** A trial finished. */
    void onTrial(SweepResult.Row row);
}
