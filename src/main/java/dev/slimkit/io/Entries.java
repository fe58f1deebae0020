package dev.slimkit.io;

import static dev.slimkit.io.ModelIO.*;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.slimkit.model.ModelSpec;
import dev.slimkit.model.History;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reading a model file's entries safely: each entry's bytes up to a cap, checked against its zip
 * size, CRC-32 and the manifest's SHA-256, and the JSON entries (manifest, spec, history) parsed
 * with a depth limit. Every failure is one {@link ModelFileException} line naming the file.
 */
final class Entries {

    private Entries() {}

    /**
     * One entry's bytes, at most {@code cap}: a declared size over the cap fails before anything
     * is inflated, and inflating stops at the cap (a zip bomb fails fast). The bytes must match the
     * size and CRC-32 that the zip records for them.
     */
    static byte[] entry(ZipFile zip, Path file, String name, long cap, String what) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null || entry.isDirectory()) {
            throw new ModelFileException("model file [" + file + "] lacks " + ModelFileException.shown(name)
                    + "; it is not a slimkit model or it is damaged (save with %save or Slim.save)");
        }
        long declared = entry.getSize();
        long limit = Math.min(cap, Integer.MAX_VALUE - 16);
        if (declared > limit) {
            throw tooLarge(file, name, String.valueOf(declared), limit, what);
        }
        if (declared >= 0) {
            limit = declared;
        }
        byte[] buffer = new byte[(int) Math.min(limit + 1, 1 << 20)];
        int length = 0;
        CRC32 crc = new CRC32();
        try (InputStream in = zip.getInputStream(entry)) {
            while (true) {
                if (length == buffer.length) {
                    if (length > limit) {
                        break;
                    }
                    buffer = Arrays.copyOf(buffer, (int) Math.min(limit + 1, (long) buffer.length * 2));
                }
                int n = in.read(buffer, length, buffer.length - length);
                if (n < 0) {
                    break;
                }
                length += n;
            }
        }
        if (length > limit) {
            if (declared >= 0 && declared <= cap) {
                throw corrupt(file, name + " holds more than the " + declared + " bytes its zip entry declares", null);
            }
            throw tooLarge(file, name, "more than " + limit, limit, what);
        }
        if (declared >= 0 && length != declared) {
            throw corrupt(file, name + " holds " + length + " bytes but its zip entry declares " + declared, null);
        }
        crc.update(buffer, 0, length);
        if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
            throw corrupt(file, name + " fails its CRC-32 check", null);
        }
        return length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
    }

    /**
     * Checks that a TorchScript module is a sound zip before PyTorch reads it: every record must
     * match its CRC-32 and the whole must not inflate past a cap. PyTorch does not check the CRC of
     * its stored records, and a damaged pickle can keep its loader busy for seconds; in a file
     * without checksums this is the only guard against damage reaching it.
     */
    static void checkModuleArchive(byte[] module, String layer, Path file) throws ModelFileException {
        String what = "the TorchScript module [" + ModelFileException.shown(layer) + "] in [" + file + "]";
        long cap = Math.addExact(64L << 20, Math.multiplyExact(2L, module.length));
        int records;
        try {
            records = ZipCheck.verify(module, cap);
        } catch (IOException | RuntimeException e) {
            throw new ModelFileException(what + " is damaged: it holds " + message(e) + "; save the model again", e);
        }
        if (records == 0) {
            throw new ModelFileException(what + " is not a TorchScript archive; the file is damaged");
        }
    }

    static ModelFileException tooLarge(Path file, String name, String size, long cap, String what) {
        return new ModelFileException("model file [" + file + "]: " + ModelFileException.shown(name) + " holds "
                + size + " bytes, more than " + what
                + " can need (" + cap + "); the file is damaged or not a slimkit model");
    }

    /** Checks an entry against the manifest's SHA-256 (files without checksums pass). */
    static void verify(Manifest manifest, String name, byte[] bytes, Path file, String mismatch)
            throws ModelFileException {
        if (manifest.sha256() == null) {
            return;
        }
        String expected = manifest.sha256().get(name);
        if (expected == null) {
            throw new ModelFileException("model file [" + file + "] has no checksum for "
                    + ModelFileException.shown(name) + ": the file is damaged");
        }
        if (!expected.equalsIgnoreCase(sha256(bytes))) {
            throw new ModelFileException(mismatch + ": the file is damaged");
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    static JsonObject json(byte[] bytes, Path file, String what) throws ModelFileException {
        String text = new String(bytes, StandardCharsets.UTF_8);
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                if (++depth > MAX_JSON_DEPTH) {
                    throw new ModelFileException("model file [" + file + "] has " + what + " nested more than "
                            + MAX_JSON_DEPTH + " levels deep; the file is damaged or not a slimkit model");
                }
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
        try {
            return JsonRead.object(text);
        } catch (RuntimeException e) {
            throw new ModelFileException("model file [" + file + "] has an unreadable " + what + ": " + message(e), e);
        }
    }

    static Manifest manifest(byte[] bytes, Path file) throws ModelFileException {
        JsonObject o = json(bytes, file, "manifest");
        JsonElement format = o.get("format");
        if (format == null || !format.isJsonPrimitive() || !format.getAsJsonPrimitive().isNumber()) {
            throw new ModelFileException("model file [" + file + "] has no format number in its manifest; it is not a"
                    + " slimkit model or it is damaged");
        }
        double f = format.getAsDouble();
        String reads = "formats " + OLDEST_FORMAT + " to " + FORMAT_VERSION;
        if (f > FORMAT_VERSION) {
            throw new ModelFileException("model file [" + file + "] was written by a newer slimkit (format "
                    + format.getAsString() + "; this one reads " + reads + "); update slimkit to load it");
        }
        if (f != Math.rint(f) || f < OLDEST_FORMAT) {
            throw new ModelFileException("model file [" + file + "] has format [" + format.getAsString()
                    + "]; this slimkit reads " + reads + "; the file is damaged or not a slimkit model");
        }
        try {
            List<String> masked = new ArrayList<>();
            if (o.has("masked") && !o.get("masked").isJsonNull()) {
                for (JsonElement e : o.getAsJsonArray("masked")) {
                    masked.add(e.getAsString());
                }
            }
            Map<String, String> sha = null;
            if (o.has("sha256") && !o.get("sha256").isJsonNull()) {
                sha = new LinkedHashMap<>();
                for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("sha256").entrySet()) {
                    sha.put(e.getKey(), e.getValue().getAsString());
                }
            }
            Provenance provenance = o.has("provenance") && o.get("provenance").isJsonObject()
                    ? JsonRead.provenance(o.getAsJsonObject("provenance"))
                    : new Provenance(null, null, null, null, 0, null, null);
            return new Manifest((int) f, JsonRead.str(o, "name"), provenance, masked, sha);
        } catch (RuntimeException e) {
            throw new ModelFileException("model file [" + file + "] has an unreadable manifest: " + message(e), e);
        }
    }

    static ModelSpec spec(byte[] bytes, Path file) throws ModelFileException {
        json(bytes, file, "spec"); // depth check
        try {
            return ModelSpec.fromJson(new String(bytes, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new ModelFileException("model file [" + file + "] has an invalid spec: " + message(e), e);
        }
    }

    static StoredHistory history(byte[] bytes, Path file) throws ModelFileException {
        JsonObject o = json(bytes, file, "history");
        try {
            Map<String, List<History.Step>> series = new LinkedHashMap<>();
            if (o.has("series") && o.get("series").isJsonObject()) {
                for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("series").entrySet()) {
                    series.put(e.getKey(), JsonRead.steps(e.getValue().getAsJsonArray()));
                }
            }
            return new StoredHistory(JsonRead.epochs(o.getAsJsonArray("epochs")),
                    JsonRead.steps(o.getAsJsonArray("steps")), series);
        } catch (RuntimeException e) {
            throw new ModelFileException("model file [" + file + "] has an unreadable history: " + message(e), e);
        }
    }

}
