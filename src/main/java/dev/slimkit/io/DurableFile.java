package dev.slimkit.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Replaces a file durably and atomically: the new content goes to a temporary file in the same
 * folder, which is forced to disk ({@link FileChannel#force}), renamed over the target with
 * {@link StandardCopyOption#ATOMIC_MOVE} (never a silent copy) and the folder is then forced too,
 * so that after a crash or power loss the target holds either its old or its new content, whole.
 *
 * <p>A failure at any point before the rename leaves the target as it was and removes the
 * temporary file. A thread whose interrupt flag is set still saves: NIO channels close themselves
 * when their thread is interrupted ({@link ClosedByInterruptException}), so the flag is cleared
 * for the duration of the write and set again afterwards; an interrupt that arrives during the
 * write stops it with one line, the target unchanged. Every failure is a {@link
 * ModelFileException} of one line naming the path and a fix.
 */
final class DurableFile {

    /** The points at which a write can fail; tests inject failures at each. */
    enum Stage {
        CREATE_TEMP,
        WRITE,
        FORCE,
        MOVE,
        SYNC_FOLDER
    }

    /** Called at each stage before it runs; tests use it to throw there. Null in production. */
    interface Faults {
        void at(Stage stage) throws IOException;
    }

    static volatile Faults faults;

    private DurableFile() {}

    /**
     * Writes {@code content} to {@code target} (an absolute path), replacing any file there.
     *
     * @throws ModelFileException one line naming the path and what to do; the old file is intact
     */
    static void write(Path target, byte[] content) throws ModelFileException {
        boolean wasInterrupted = Thread.interrupted();
        try {
            writeNow(target, content);
        } finally {
            if (wasInterrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void writeNow(Path target, byte[] content) throws ModelFileException {
        Path dir = target.getParent();
        Path tmp = null;
        boolean moved = false;
        try {
            if (dir != null && !Files.isDirectory(dir)) {
                Files.createDirectories(dir);
            }
            fault(Stage.CREATE_TEMP);
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                // createTempFile makes owner-only files; a saved model is an ordinary file.
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                fault(Stage.WRITE);
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                fault(Stage.FORCE);
                channel.force(true);
            }
            try {
                fault(Stage.MOVE);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new ModelFileException("cannot save [" + target + "] safely: its file system cannot replace a"
                        + " file atomically (" + reason(e) + "); save to a folder on a local disk; "
                        + unchanged(target), e);
            }
            moved = true;
            fault(Stage.SYNC_FOLDER);
            syncFolder(dir, target);
        } catch (ModelFileException e) {
            throw e;
        } catch (ClosedByInterruptException e) {
            throw new ModelFileException("saving [" + target + "] was interrupted; " + unchanged(target), e);
        } catch (IOException | RuntimeException e) {
            throw explain(e, target, moved);
        } finally {
            if (!moved && tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException | RuntimeException ignored) {
                    // the error being reported matters more than a stray temporary file
                }
            }
        }
    }

    /** Forces the folder's entry for the renamed file to disk; one retry if an interrupt closed it. */
    private static void syncFolder(Path dir, Path target) throws IOException {
        if (dir == null) {
            return;
        }
        boolean interrupted = false;
        for (int attempt = 0; ; attempt++) {
            try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
                folder.force(true);
                if (interrupted) {
                    Thread.currentThread().interrupt(); // the interrupt stays the caller's
                }
                return;
            } catch (ClosedByInterruptException e) {
                if (attempt > 0) {
                    throw new ModelFileException("saved [" + target + "], but an interrupt stopped flushing its folder"
                            + " to disk; the new file may not survive a crash: save again", e);
                }
                // Clear the interrupt, retry once, then set it again for the caller.
                Thread.interrupted();
                interrupted = true;
            }
        }
    }

    /** One line for an I/O failure: the path, the reason and a fix. */
    static ModelFileException explain(Exception e, Path target, boolean moved) {
        String reason = reason(e);
        String lower = reason.toLowerCase(java.util.Locale.ROOT);
        String where = e instanceof FileSystemException fs && fs.getFile() != null ? fs.getFile() : target.toString();
        String tail = moved ? "the new file is in place but may not survive a crash; save again"
                : unchanged(target);
        if (e instanceof AccessDeniedException || lower.contains("permission denied")
                || lower.contains("operation not permitted")) {
            return new ModelFileException("cannot save [" + target + "]: permission denied for [" + where
                    + "]; save to a folder you can write to, or give yourself write permission there (chmod u+w); "
                    + tail, e);
        }
        if (lower.contains("no space left") || lower.contains("disk quota exceeded") || lower.contains("file too large")) {
            return new ModelFileException("cannot save [" + target + "]: the disk is full (" + reason
                    + "); free some space or save to another disk; " + tail, e);
        }
        if (lower.contains("read-only file system")) {
            return new ModelFileException("cannot save [" + target + "]: [" + where
                    + "] is on a read-only file system; save to a writable folder; " + tail, e);
        }
        return new ModelFileException("cannot save [" + target + "]: " + reason
                + (where.equals(target.toString()) ? "" : " (" + where + ")") + "; " + tail, e);
    }

    private static String unchanged(Path target) {
        return Files.exists(target) ? "the old file is unchanged" : "nothing was written";
    }

    private static String reason(Exception e) {
        if (e instanceof FileSystemException fs) {
            return fs.getReason() != null ? fs.getReason() : e.getClass().getSimpleName();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static void fault(Stage stage) throws IOException {
        Faults f = faults;
        if (f != null) {
            f.at(stage);
        }
    }
}
