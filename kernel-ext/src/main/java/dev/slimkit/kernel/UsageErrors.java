package dev.slimkit.kernel;

import ai.djl.engine.EngineException;
import dev.slimkit.train.Interrupted;
import java.io.UncheckedIOException;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what the core API throws at a magic into one {@link UsageError} line that starts with the
 * magic ({@code %trim: ...}) and names options as flags: core messages name Java setters
 * ({@code data(...)}, {@code freeze(backbone)}), the kernel shows {@code --data}, {@code --freeze
 * backbone}. Remembers the latest message, because IJava rethrows a magic's exception as a new
 * exception that keeps only the text. Owned by the extension.
 */
public final class UsageErrors {

    private static final Pattern SETTER = Pattern.compile("(?<![\\w.])([a-z][A-Za-z0-9]*)\\((\\.\\.\\.|true|[A-Za-z0-9]+)\\)");

    private volatile String latest;

    /** Runs one call of a magic, translating its errors for {@code magic} (e.g. {@code %trim}). */
    public <T> T call(String magic, Supplier<T> action) {
        try {
            return action.get();
        } catch (UsageError e) {
            throw remember(e);
        } catch (dev.slimkit.recipe.RecipeError e) {
            String text = e.getMessage();
            throw remember(new UsageError(text.startsWith(magic + ":") ? text : magic + ": " + text));
        } catch (IllegalArgumentException | IllegalStateException | Interrupted | EngineException e) {
            throw remember(new UsageError(line(magic, e.getMessage())));
        } catch (UncheckedIOException e) {
            throw remember(new UsageError(line(magic, e.getCause() != null ? e.getCause().getMessage() : e.getMessage())));
        }
    }

    /** Runs one call of a magic that returns nothing. */
    public void run(String magic, Runnable action) {
        call(magic, () -> {
            action.run();
            return null;
        });
    }

    /** The latest usage error's message, or null. */
    public String latest() {
        return latest;
    }

    /** Remembers {@code e} as the latest usage error and returns it. */
    public UsageError remember(UsageError e) {
        latest = e.getMessage();
        return e;
    }

    /** {@code message} as a magic's line: prefixed with the magic, setters shown as flags. */
    static String line(String magic, String message) {
        String text = message == null ? "failed" : message.lines().findFirst().orElse("failed");
        Matcher m = SETTER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String flag = "--" + flagName(m.group(1));
            String value = m.group(2);
            m.appendReplacement(out, Matcher.quoteReplacement(value.equals("...") || value.equals("true")
                    ? flag : flag + " " + value));
        }
        m.appendTail(out);
        String body = out.toString();
        return body.startsWith(magic + ":") ? body : magic + ": " + body;
    }

    /** A setter's flag: camel case to kebab case ({@code epochsPerCut} → {@code --epochs-per-cut}). */
    static String flagName(String setter) {
        return setter.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
    }
}
