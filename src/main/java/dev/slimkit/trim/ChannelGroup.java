package dev.slimkit.trim;

import java.util.List;

/**
 * Channels that must be removed together: the output channels of one producer layer (a conv's
 * filters or a linear layer's units), the batch norms that normalize them, and the inputs of the
 * layers that consume them. Removing channel {@code c} removes producer row {@code c}, entry
 * {@code c} of each batch norm, and the matching input slice of each consumer.
 *
 * @param producer path of the conv or linear layer whose outputs are cut
 * @param norms paths of the batch norms on those channels
 * @param consumers layers reading those channels
 * @param width current number of channels
 */
public record ChannelGroup(String producer, List<String> norms, List<Consumer> consumers, int width) {

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
        norms = List.copyOf(norms);
        consumers = List.copyOf(consumers);
    }

    /** E.g. {@code conv2.out ⇒ bn2, fc1.in (×49)}. */
    public String describe() {
        StringBuilder s = new StringBuilder(producer).append(".out ⇒ ");
        List<String> parts = new java.util.ArrayList<>(norms);
        consumers.forEach(c -> parts.add(c.toString()));
        return s.append(String.join(", ", parts)).toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
