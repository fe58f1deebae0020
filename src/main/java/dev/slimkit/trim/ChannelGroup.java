package dev.slimkit.trim;

import java.util.ArrayList;
import java.util.List;

/**
 * Channels that must be removed together, with the same indices in every member: the output
 * channels of the producer layers (a conv's filters or a linear layer's units), the batch norms
 * that normalize them, and the inputs of the layers that consume them. Removing channel {@code c}
 * removes row {@code c} of every producer, entry {@code c} of each batch norm, and the matching
 * input slice of each consumer. A plain group has one producer; a {@link Kind#RESIDUAL} group
 * holds every layer a residual addition ties to one width (a stage's stem or projection, each
 * block's last conv, and every consumer of the stage's output).
 *
 * @param producer the group's first producer (its name in tables and keep maps)
 * @param producers every conv or linear layer whose outputs are these channels, the first being
 *     {@code producer}
 * @param norms paths of the batch norms on those channels
 * @param consumers layers reading those channels
 * @param width current number of channels
 * @param kind how the group arose
 */
public record ChannelGroup(String producer, List<String> producers, List<String> norms, List<Consumer> consumers,
        int width, Kind kind) {

    /** How a group arose. */
    public enum Kind {
        /** One producer followed by its consumer in a plain chain of layers. */
        SEQUENTIAL,
        /** The inner conv of a residual block (Li et al. 2017), consumed inside the block. */
        BLOCK_INNER,
        /** Channels tied by residual additions: a stage's width. */
        RESIDUAL;

        /** Lower-case name for tables, e.g. {@code residual}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * A layer reading the group's channels.
     *
     * @param path the consuming conv or linear layer
     * @param positions input features per channel: 1 for a conv or a linear layer after a
     *     global pool, H×W for a linear layer after a flatten of a feature map
     */
    public record Consumer(String path, int positions) {
        @Override
        public String toString() {
            return path + ".in" + (positions > 1 ? " (×" + positions + ")" : "");
        }
    }

    public ChannelGroup {
        producers = List.copyOf(producers);
        norms = List.copyOf(norms);
        consumers = List.copyOf(consumers);
        if (producers.isEmpty() || !producers.get(0).equals(producer)) {
            throw new IllegalArgumentException("producers must start with [" + producer + "], got " + producers);
        }
    }

    /** A group of one producer (sequential, or a block's inner conv when its path is nested). */
    public ChannelGroup(String producer, List<String> norms, List<Consumer> consumers, int width) {
        this(producer, List.of(producer), norms, consumers, width,
                producer.contains(".") ? Kind.BLOCK_INNER : Kind.SEQUENTIAL);
    }

    /** E.g. {@code conv2.out ⇒ bn2, fc1.in (×49)}; residual groups list all producers first. */
    public String describe() {
        List<String> outs = producers.stream().map(p -> p + ".out").toList();
        StringBuilder s = new StringBuilder(String.join(" + ", outs)).append(" ⇒ ");
        List<String> parts = new ArrayList<>(norms);
        consumers.forEach(c -> parts.add(c.toString()));
        return s.append(String.join(", ", parts)).toString();
    }

    /** Every layer of the group: producers, norms and consumers. */
    public List<String> members() {
        List<String> out = new ArrayList<>(producers);
        out.addAll(norms);
        consumers.forEach(c -> out.add(c.path()));
        return out;
    }

    @Override
    public String toString() {
        return describe();
    }
}
