package dev.slimkit.report;

/** A piece of HTML for the notebook (rendered as {@code text/html}, with a plain-text fallback). */
public record Html(String html, String text) {

    /** HTML whose plain-text form is the HTML with tags stripped. */
    public static Html of(String html) {
        return new Html(html, html.replaceAll("<[^>]+>", " ").replaceAll("\\s+", " ").strip());
    }

    /** {@code s} with &amp;, &lt; and &gt; escaped, for text inside HTML. */
    public static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    @Override
    public String toString() {
        return text;
    }
}
