package dev.slimkit.kernel;

/**
 * Where magics send their output: the notebook (through IJava's display) or, in tests, a list.
 * Objects are charts, tables, {@link Html} snippets or plain text; the sink renders them.
 */
public interface DisplaySink {

    /** Shows {@code value} as a new output and returns its display id. */
    String display(Object value);

    /** Replaces the output with display id {@code id} by {@code value}. */
    void update(String id, Object value);
}
