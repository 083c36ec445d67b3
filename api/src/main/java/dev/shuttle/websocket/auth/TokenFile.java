package dev.shuttle.websocket.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Tokens from a file, one per line: {@code token} or {@code name token} (whitespace between),
 * {@code #} starts a comment line, blank lines are ignored. The file is looked at again lazily,
 * on an upgrade at most once per {@code checkEveryNanos} (no thread, no timer); it is re-read
 * when its size, modification time or file key (a replacement by rename) changed. A file that
 * disappeared means no tokens (revoking by deleting fails closed); a file that cannot be read
 * keeps the last tokens read. Thread-safe: one upgrade re-reads, the others use the last set.
 */
final class TokenFile {
    /** An operator's file, but still bounded: a token list is kilobytes, not gigabytes. */
    static final long MAX_BYTES = 16L << 20;

    private final Path path;
    private final long checkEveryNanos;
    private final ReentrantLock reloading = new ReentrantLock();
    private volatile TokenSet tokens;
    private volatile long nextCheck;
    /** Guarded by {@link #reloading}. */
    private Object lastStamp;

    TokenFile(Path path, long checkEveryNanos) {
        this.path = Objects.requireNonNull(path, "path");
        this.checkEveryNanos = checkEveryNanos;
        // A missing or unreadable file at start is a configuration error: say so at once.
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            this.tokens = parse(read(a));
            this.lastStamp = stamp(a);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the token file " + path, e);
        }
        this.nextCheck = System.nanoTime() + checkEveryNanos;
    }

    /** The tokens now, re-read first when it is time to look and the file changed. */
    TokenSet tokens() {
        long now = System.nanoTime();
        if (now - nextCheck >= 0 && reloading.tryLock()) {
            try {
                nextCheck = now + checkEveryNanos;
                reloadIfChanged();
            } finally {
                reloading.unlock();
            }
        }
        return tokens;
    }

    private void reloadIfChanged() {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            Object stamp = stamp(a);
            if (!stamp.equals(lastStamp)) {
                tokens = parse(read(a));
                lastStamp = stamp;
                BearerAuth.log.log(System.Logger.Level.INFO, "token file {0} re-read: {1} tokens", path, tokens.size());
            }
        } catch (NoSuchFileException e) {
            if (lastStamp != null) {
                BearerAuth.log.log(System.Logger.Level.WARNING, "token file {0} is gone: no token is accepted from it", path);
            }
            tokens = TokenSet.EMPTY;
            lastStamp = null;
        } catch (IOException | RuntimeException e) {
            // Not the exception's message: a parse failure could quote a line.
            BearerAuth.log.log(System.Logger.Level.WARNING, "token file {0} could not be re-read ({1}); keeping the last tokens",
                    path, e.getClass().getName());
        }
    }

    private static Object stamp(BasicFileAttributes a) {
        return List.of(a.size(), a.lastModifiedTime(), a.fileKey() == null ? "" : a.fileKey());
    }

    private String read(BasicFileAttributes a) throws IOException {
        if (a.size() > MAX_BYTES) {
            throw new IOException("larger than " + MAX_BYTES + " bytes");
        }
        return Files.readString(path, StandardCharsets.UTF_8);
    }

    /** Parses the file's text; a malformed line is skipped and logged by its number only. */
    static TokenSet parse(String text) {
        List<TokenSet.Entry> entries = new ArrayList<>();
        int unnamed = 0;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s+");
            String token = fields[fields.length - 1];
            if (fields.length > 2 || !TokenSyntax.isB64Token(token)) {
                BearerAuth.log.log(System.Logger.Level.WARNING, "token file line {0} skipped: expected \"token\" or \"name token\"", i + 1);
                continue;
            }
            String name = fields.length == 2 ? fields[0] : "token-" + ++unnamed;
            entries.add(new TokenSet.Entry(name, token));
        }
        return TokenSet.of(entries);
    }
}
