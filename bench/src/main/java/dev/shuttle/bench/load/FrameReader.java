package dev.shuttle.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A streaming reader of server frames for the load generator: it never buffers a payload, it
 * only walks over it, so one shared read buffer serves every connection of a loop and an idle
 * connection costs a few fields. Headers split across reads are collected byte by byte (at
 * most 10 bytes: server frames carry no mask key). When asked, it decodes the 16-hex-digit
 * timestamp at the start of a data message's payload (see {@link ClientFrames#putStamp}), also
 * when those digits are split across reads. Owned by one loop thread.
 */
public final class FrameReader {
    /** Receives each complete frame. {@code stamp} is -1 when absent or not asked for. */
    public interface Sink {
        void frame(int opcode, boolean fin, long payloadLength, long stamp) throws IOException;
    }

    private final boolean wantStamp;
    private final byte[] head = new byte[10];
    private int headHave;
    private boolean inPayload;
    private boolean fin;
    private int opcode;
    private long length;
    private long left;
    private long stamp;
    private int stampHave;

    public FrameReader(boolean wantStamp) {
        this.wantStamp = wantStamp;
    }

    /** Consumes every byte from the buffer's position to its limit, reporting whole frames to the sink. */
    public void feed(ByteBuffer buf, Sink sink) throws IOException {
        int pos = buf.position();
        int limit = buf.limit();
        while (pos < limit) {
            if (!inPayload) {
                head[headHave++] = buf.get(pos++);
                if (headHave < 2) {
                    continue;
                }
                int len7 = head[1] & 0x7F;
                if ((head[1] & 0x80) != 0) {
                    throw new IOException("masked frame from the server (RFC 6455 §5.1)");
                }
                int need = len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
                if (headHave < need) {
                    continue;
                }
                long len = len7;
                if (need > 2) {
                    len = 0;
                    for (int i = 2; i < need; i++) {
                        len = (len << 8) | (head[i] & 0xFF);
                    }
                }
                fin = (head[0] & 0x80) != 0;
                opcode = head[0] & 0x0F;
                length = len;
                left = len;
                stamp = 0;
                stampHave = 0;
                headHave = 0;
                inPayload = true;
            }
            int n = (int) Math.min(left, limit - pos);
            if (wantStamp && stampHave < ClientFrames.STAMP_LENGTH && stampHave >= 0) {
                int digits = Math.min(n, ClientFrames.STAMP_LENGTH - stampHave);
                for (int i = 0; i < digits; i++) {
                    int v = ClientFrames.hexValue(buf.get(pos + i));
                    if (v < 0) {
                        stampHave = -1;      // not a stamped payload; report none
                        break;
                    }
                    stamp = (stamp << 4) | v;
                    stampHave++;
                }
            }
            pos += n;
            left -= n;
            if (left == 0) {
                inPayload = false;
                boolean stamped = wantStamp && stampHave == ClientFrames.STAMP_LENGTH
                        && (opcode == ClientFrames.OP_TEXT || opcode == ClientFrames.OP_BINARY);
                buf.position(pos);       // the sink may look at the buffer; keep it consistent
                sink.frame(opcode, fin, length, stamped ? stamp : -1);
            }
        }
        buf.position(pos);
    }
}
