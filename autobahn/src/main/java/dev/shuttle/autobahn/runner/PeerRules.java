package dev.shuttle.autobahn.runner;

/**
 * What the fuzzer fails a connection for when the peer under test sends it (RFC 6455 §5.1-5.5,
 * §7.4): the suite checks the echoes it gets as strictly as the peer should check the fuzzer.
 */
final class PeerRules {
    private PeerRules() {
    }

    /**
     * Why this frame breaks the protocol, or null; {@code inMessage}: a fragmented message is
     * open; {@code deflate}: permessage-deflate was negotiated, so RSV1 may mark the first frame
     * of a data message (RFC 7692 §6), and nothing else.
     */
    static String violation(Wire.Frame f, Fuzzer.Role role, boolean inMessage, boolean deflate) {
        if (role == Fuzzer.Role.CLIENT && f.masked()) {
            return "server sent a masked frame";
        }
        if (role == Fuzzer.Role.SERVER && !f.masked()) {
            return "client sent an unmasked frame";
        }
        boolean rsv1Allowed = deflate && (f.opcode() == Wire.TEXT || f.opcode() == Wire.BINARY);
        if (f.rsv() != 0 && !(rsv1Allowed && f.rsv() == 4)) {
            return deflate ? "RSV bits other than RSV1 on the first frame of a data message" : "RSV bits set without a negotiated extension";
        }
        int op = f.opcode();
        if ((op > 2 && op < 8) || op > 10) {
            return "reserved opcode " + op;
        }
        if (f.isControl() && (!f.fin() || f.payload().length > 125)) {
            return "fragmented or oversized control frame";
        }
        if (op == Wire.CONTINUATION && !inMessage) {
            return "continuation frame without a message to continue";
        }
        if ((op == Wire.TEXT || op == Wire.BINARY) && inMessage) {
            return "new data frame inside a fragmented message";
        }
        return null;
    }

    /** RFC 6455 §7.4: the close codes a peer may put on the wire. */
    static boolean validCode(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }
}
