package dev.shuttle.websocket.internal.deflate;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The test peer's own permessage-deflate, straight on java.util.zip (not the codec under test):
 * compress with a sync flush and drop the tail, inflate after appending it (RFC 7692 §7.2).
 */
final class RawDeflate implements AutoCloseable {
    private final Deflater deflater = new Deflater(6, true);
    private final Inflater inflater = new Inflater(true);
    private final boolean takeover;

    RawDeflate(boolean takeover) {
        this.takeover = takeover;
    }

    byte[] compress(byte[] data) {
        if (!takeover) {
            deflater.reset();
        }
        deflater.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        do {
            n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            out.write(buf, 0, n);
        } while (n == buf.length);
        byte[] all = out.toByteArray();
        return Arrays.copyOf(all, all.length - 4);
    }

    byte[] inflate(byte[] payload) throws DataFormatException {
        if (!takeover) {
            inflater.reset();
        }
        byte[] in = Arrays.copyOf(payload, payload.length + 4);
        in[payload.length + 2] = (byte) 0xFF;
        in[payload.length + 3] = (byte) 0xFF;
        inflater.setInput(in);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (true) {
            int n = inflater.inflate(buf);
            out.write(buf, 0, n);
            if (n == 0 && (inflater.needsInput() || inflater.finished())) {
                return out.toByteArray();
            }
        }
    }

    @Override
    public void close() {
        deflater.end();
        inflater.end();
    }
}
