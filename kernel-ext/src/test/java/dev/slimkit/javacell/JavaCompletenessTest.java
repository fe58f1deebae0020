package dev.slimkit.javacell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slimkit.javacell.JavaCompleteness.Result;
import dev.slimkit.javacell.JavaCompleteness.Status;
import org.junit.jupiter.api.Test;

class JavaCompletenessTest {

    private static void assertStatus(Status expected, String cell) {
        assertEquals(expected, JavaCompleteness.classify(cell), () -> "[" + cell + "]: " + JavaCompleteness.check(cell));
    }

    private static void assertResult(Status status, String reason, String cell) {
        assertEquals(new Result(status, reason), JavaCompleteness.check(cell), cell);
    }

    @Test
    void unterminatedStringsAreInvalid() {
        assertResult(Status.INVALID, "unclosed string literal on line 1", "String s = \"abc");
        assertResult(Status.INVALID, "unclosed string literal on line 2", "int x = 1;\nString s = \"abc\nx++;");
        assertResult(Status.INVALID, "unclosed string literal on line 1", "String s = \"abc\\\"");
        assertResult(Status.INVALID, "unclosed string literal on line 1", "System.out.println(\"a\\");
        assertResult(Status.INVALID, "unclosed string literal on line 1", "String s = \"abc\r\nint y;");
        assertStatus(Status.INVALID, "foo(\"");
        assertStatus(Status.INVALID, "\"");
    }

    @Test
    void closedStringsAreLeftToIJava() {
        assertStatus(Status.UNKNOWN, "String s = \"abc\";");
        assertStatus(Status.UNKNOWN, "String s = \"a\\\"b\\\\\";");
        assertStatus(Status.UNKNOWN, "String s = \"\";");
        assertStatus(Status.UNKNOWN, "String s = \"(\" + \"]\" + \"/*\" + \"'\";");
        assertStatus(Status.UNKNOWN, "String s = \"\\t\\b\\n\\r\\f\\s\\'\\0\\12\\377\";");
        assertStatus(Status.UNKNOWN, "String s = \"abc\""); // no semicolon yet: IJava's call
        assertStatus(Status.UNKNOWN, "String s = \"日本語 ✓ \uD83D\uDE00\";");
    }

    @Test
    void illegalEscapesAreInvalid() {
        assertResult(Status.INVALID, "illegal escape character '\\q' on line 1", "String s = \"a\\qb\";");
        assertResult(Status.INVALID, "illegal escape character '\\x' on line 1", "char c = '\\x';");
        assertResult(Status.INVALID, "illegal escape character '\\8' on line 1", "String s = \"\\8\";"); // 8 is not octal
        assertStatus(Status.UNKNOWN, "String s = \"\\\\u\";"); // an escaped backslash, then u: no unicode escape
    }

    @Test
    void characterLiterals() {
        assertStatus(Status.UNKNOWN, "char c = 'a';");
        assertStatus(Status.UNKNOWN, "char c = '\\'';");
        assertStatus(Status.UNKNOWN, "char c = '\\\\';");
        assertStatus(Status.UNKNOWN, "char c = '\\n'; char d = '\\077'; char e = '\"';");
        assertStatus(Status.UNKNOWN, "char c = '(';");
        assertResult(Status.INVALID, "unclosed character literal on line 1", "char c = 'a");
        assertResult(Status.INVALID, "unclosed character literal on line 1", "char c = 'ab';");
        assertResult(Status.INVALID, "unclosed character literal on line 1", "char c = '");
        assertResult(Status.INVALID, "unclosed character literal on line 1", "char c = '\nfoo';");
        assertResult(Status.INVALID, "unclosed character literal on line 1", "char c = '\\");
        assertResult(Status.INVALID, "empty character literal on line 1", "char c = '';");
        assertResult(Status.INVALID, "unclosed character literal on line 1", "char c = '\uD83D\uDE00';"); // two chars
    }

    @Test
    void textBlocks() {
        assertResult(Status.INCOMPLETE, "unclosed text block from line 1", "String s = \"\"\"\n  hello\n");
        assertResult(Status.INCOMPLETE, "unclosed text block from line 1", "String s = \"\"\"");
        assertResult(Status.INCOMPLETE, "unclosed text block from line 1", "String s = \"\"\"   ");
        assertResult(Status.INCOMPLETE, "unclosed text block from line 2", "int x;\nString s = \"\"\"\n a \\\"\"\" b\n");
        assertResult(Status.INCOMPLETE, "unclosed text block from line 1", "String s = \"\"\"\n a\\");
        assertStatus(Status.UNKNOWN, "String s = \"\"\"\n  hello \"quoted\" \"\" \\\"\"\" still\n  \"\"\";");
        assertStatus(Status.UNKNOWN, "String s = \"\"\"\n  joined \\\n  line\n  \"\"\";");
        assertStatus(Status.UNKNOWN, "String s = \"\"\"\r\n  crlf\r\n  \"\"\";");
        assertResult(Status.INVALID, "a text block's opening \"\"\" on line 1 must end its line", "String s = \"\"\"abc\"\"\";");
        assertResult(Status.INVALID, "illegal escape character '\\q' on line 2", "String s = \"\"\"\n \\q\n\"\"\";");
        // Four quotes close the block and open a string that never closes.
        assertResult(Status.INVALID, "unclosed string literal on line 2", "String s = \"\"\"\na\"\"\"\";");
    }

    @Test
    void comments() {
        assertResult(Status.INCOMPLETE, "unclosed comment from line 1", "int x = 1; /* note");
        assertResult(Status.INCOMPLETE, "unclosed comment from line 2", "int x = 1;\n/*\n * more\n");
        assertResult(Status.INCOMPLETE, "unclosed comment from line 1", "/*/");
        assertStatus(Status.UNKNOWN, "/**/ int x = 1;");
        assertStatus(Status.UNKNOWN, "/* \" ' ( ] */ int x = 1;");
        assertStatus(Status.UNKNOWN, "int x = 1; // \" ' ) /*");
        assertStatus(Status.UNKNOWN, "int x = 1 / 2; int y = x /3;");
        // An error before an open comment is reported first, as javac would.
        assertResult(Status.INVALID, "unclosed string literal on line 1", "String s = \"a; /* ...");
        assertResult(Status.INVALID, "')' on line 1 closes nothing", "x); /* ...");
    }

    @Test
    void brackets() {
        assertResult(Status.INVALID, "')' on line 1 closes nothing", "int x = 1);");
        assertResult(Status.INVALID, "'}' on line 1 closes nothing", "}");
        assertResult(Status.INVALID, "']' on line 2 does not match the '(' opened on line 1", "foo(a,\n b];");
        assertResult(Status.INVALID, "')' on line 1 does not match the '{' opened on line 1", "void f() { g(); )");
        assertStatus(Status.UNKNOWN, "void f() {\n  if (x) {\n"); // open: IJava says incomplete
        assertStatus(Status.UNKNOWN, "int[] a = {1, 2, (3)}; a[0] = 1;");
        assertStatus(Status.UNKNOWN, "");
        assertStatus(Status.UNKNOWN, "   \n\t ");
    }

    @Test
    void unicodeEscapesAreTranslatedFirst() {
        // backslash-u0022 is a quote: javac sees String s = "abc
        assertResult(Status.INVALID, "unclosed string literal on line 1", "String s = \\u0022abc");
        assertStatus(Status.UNKNOWN, "String s = \\u0022abc\\u0022;");
        assertStatus(Status.UNKNOWN, "String s = \\uuuu0022abc\\u0022;");
        // backslash-u000a is a line break: it ends a string literal
        assertResult(Status.INVALID, "unclosed string literal on line 1", "String s = \"a\\u000ab\";");
        // an escaped backslash starts no unicode escape
        assertStatus(Status.UNKNOWN, "String s = \"\\\\u0022\";");
        assertResult(Status.INVALID, "illegal unicode escape on line 2", "int x;\n// \\uZZZZ");
        assertResult(Status.INVALID, "illegal unicode escape on line 1", "String s = \"\\u12\";");
        assertStatus(Status.UNKNOWN, "char c = '\\u0041';");
        assertResult(Status.INVALID, "empty character literal on line 1", "char c = '\\u0027';");
    }

    @Test
    void magicsAreNotJava() {
        assertStatus(Status.UNKNOWN, "%data d --source synthetic --classes 0-4");
        assertStatus(Status.UNKNOWN, "  %save m \"my file.slim");
        assertStatus(Status.UNKNOWN, "%load m x.slim\nint x = 1;");
        assertResult(Status.INVALID, "unclosed string literal on line 2", "%data d\nString s = \"abc");
        assertStatus(Status.UNKNOWN, "%%html\n<b>\"unclosed</b>");
        assertStatus(Status.UNKNOWN, "int r = a\n  % b;"); // % then a space: Java's modulo, not a magic
        assertStatus(Status.UNKNOWN, null);
    }

    @Test
    void jupyterSpellings() {
        assertEquals("incomplete", Status.INCOMPLETE.jupyter());
        assertEquals("invalid", Status.INVALID.jupyter());
        assertEquals("unknown", Status.UNKNOWN.jupyter());
    }
}
