package dev.slimkit.io;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** Test helpers that take a saved model file apart and put it back together, as a forger would. */
final class Zips {

    private Zips() {}

    /** The entries of a zip, in file order. */
    static Map<String, byte[]> entries(byte[] zip) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                out.put(e.getName(), in.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** A zip of {@code entries}, in their order, with valid CRCs and sizes. */
    static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            out.setLevel(java.util.zip.Deflater.BEST_SPEED); // thousands of forgeries: speed over size
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                entry.setTimeLocal(java.time.LocalDateTime.of(2000, 1, 1, 0, 0));
                out.putNextEntry(entry);
                out.write(e.getValue());
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The manifest of a file, edited by {@code edit}, everything else as it was. */
    static byte[] editManifest(byte[] file, Consumer<JsonObject> edit) {
        Map<String, byte[]> entries = entries(file);
        JsonObject manifest = JsonParser.parseString(
                new String(entries.get("manifest.json"), StandardCharsets.UTF_8)).getAsJsonObject();
        edit.accept(manifest);
        entries.put("manifest.json", new GsonBuilder().setPrettyPrinting().create().toJson(manifest)
                .getBytes(StandardCharsets.UTF_8));
        return zip(entries);
    }

    /** The file as an older slimkit wrote it: format 1, no checksums in the manifest. */
    static byte[] withoutChecksums(byte[] file) {
        return editManifest(file, m -> {
            m.remove("sha256");
            m.addProperty("format", 1);
        });
    }

    /**
     * The file with one entry replaced and the manifest's checksum of it updated: a forgery whose
     * checksums all hold.
     */
    static byte[] forge(byte[] file, String name, byte[] content) {
        Map<String, byte[]> entries = entries(file);
        entries.put(name, content);
        byte[] rebuilt = zip(entries);
        return editManifest(rebuilt, m -> {
            if (m.has("sha256")) {
                m.getAsJsonObject("sha256").addProperty(name, Entries.sha256(content));
            }
        });
    }
}
