package dev.slimkit.kernel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A display sink that keeps what magics show, for tests without a kernel. */
final class FakeSink implements DisplaySink {
    final Map<String, Object> outputs = new LinkedHashMap<>();
    final List<String> updates = new ArrayList<>();

    @Override
    public String display(Object value) {
        String id = "d" + outputs.size();
        outputs.put(id, value);
        return id;
    }

    @Override
    public void update(String id, Object value) {
        if (!outputs.containsKey(id)) {
            throw new AssertionError("update of unknown display " + id);
        }
        outputs.put(id, value);
        updates.add(id);
    }

    List<Object> values() {
        return new ArrayList<>(outputs.values());
    }

    <T> List<T> of(Class<T> type) {
        return outputs.values().stream().filter(type::isInstance).map(type::cast).toList();
    }

    void clear() {
        outputs.clear();
        updates.clear();
    }
}
