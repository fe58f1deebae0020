package dev.slimkit.recipe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The README's option tables, generated from the declarations: one table per registered step,
 * between {@code <!-- options: NAME -->} and {@code <!-- /options: NAME -->}. {@code main} rewrites
 * them in a README in place; a test checks that the committed README matches.
 */
public final class RecipeDocs {

    private RecipeDocs() {}

    /** The markdown table of {@code kind}'s settings, markers included. */
    public static String table(StepKind<?> kind) {
        StringBuilder out = new StringBuilder();
        out.append("<!-- options: ").append(kind.name()).append(" -->\n");
        out.append("`%").append(kind.name()).append(' ').append(kind.input()).append(" [options]`; stage line `")
                .append(kind.name()).append(" [options]`; Java `Slim.").append(kind.name()).append("(model)`\n\n");
        out.append("| option | value | default | Java | what it does |\n|---|---|---|---|---|\n");
        for (Setting<?> s : kind.settings()) {
            String value = s.kind() == Setting.Kind.FLAG ? "" : s.kind() == Setting.Kind.FRACTION ? s.value() + " or %"
                    : s.value();
            out.append("| `--").append(s.name()).append("` | ").append(cell(value)).append(" | ")
                    .append(s.defaultText() == null ? "" : cell(s.defaultText())).append(" | `")
                    .append(s.javaMethod()).append("` | ").append(cell(s.help()))
                    .append(s.isPipelineOwned() ? " (not on a stage line: the pipeline sets it)" : "")
                    .append(s.requiredHint() != null ? " (required)" : "").append(" |\n");
        }
        for (String[] r : kind.renamedOptions()) {
            out.append("| `--").append(r[0]).append("` | | | | old spelling: answers with one line naming `--")
                    .append(r[1]).append("` |\n");
        }
        out.append("<!-- /options: ").append(kind.name()).append(" -->");
        return out.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    /** {@code readme} with every step's table replaced by the generated one. */
    public static String rewrite(String readme) {
        String out = readme;
        for (StepKind<?> k : Steps.ALL) {
            Pattern p = Pattern.compile("<!-- options: " + Pattern.quote(k.name()) + " -->.*?<!-- /options: "
                    + Pattern.quote(k.name()) + " -->", Pattern.DOTALL);
            out = p.matcher(out).replaceFirst(Matcher.quoteReplacement(table(k)));
        }
        return out;
    }

    /** Rewrites the README given as the only argument in place. */
    public static void main(String[] args) throws IOException {
        Path readme = Path.of(args.length > 0 ? args[0] : "README.md");
        Files.writeString(readme, rewrite(Files.readString(readme, StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }
}
