package dev.shuttle.autobahn.runner.cases;

import static dev.shuttle.autobahn.runner.Verdict.NON_STRICT;
import static dev.shuttle.autobahn.runner.Verdict.OK;
import static dev.shuttle.autobahn.runner.Wire.CONTINUATION;
import static dev.shuttle.autobahn.runner.Wire.PING;
import static dev.shuttle.autobahn.runner.Wire.TEXT;
import static dev.shuttle.autobahn.runner.Wire.utf8;

import dev.shuttle.autobahn.runner.CaseScript;
import dev.shuttle.autobahn.runner.Event;
import dev.shuttle.autobahn.runner.Fuzzer;
import dev.shuttle.autobahn.runner.Section;

/**
 * Section 5: fragmented messages, control frames between fragments, continuations with nothing
 * to continue, and fragmented control frames (RFC 6455 §5.4).
 */
public final class Fragmentation extends Section {
    /** How the octets of a case go out: all at once, one write per frame, or one write per octet. */
    private enum Chops {
        ONE(0, false, "sent in one chop"), FRAME(0, true, "sent in per-frame chops"), OCTET(1, false, "sent in octet-wise chops");

        final int chop;
        final boolean sync;
        final String text;

        Chops(int chop, boolean sync, String text) {
            this.chop = chop;
            this.sync = sync;
            this.text = text;
        }
    }

    private static final String FAIL = "The connection is failed immediately, since there is no message to continue.";

    @Override
    public String number() {
        return "5";
    }

    @Override
    public String title() {
        return "Fragmentation";
    }

    @Override
    protected void define() {
        controlFragmented("5.1", "Ping", PING);
        controlFragmented("5.2", "Pong", dev.shuttle.autobahn.runner.Wire.PONG);
        int n = 3;
        for (Chops c : Chops.values()) {
            add("5." + n++, "Send text Message fragmented into 2 fragments" + chopText(c) + ".",
                    "Message is processed and echo'ed back to us.",
                    CaseScript.onOpen((s, p) -> {
                        s.expect(OK, Event.text("fragment1fragment2")).expectNormalClose();
                        send(p, c, TEXT, false, "fragment1");
                        send(p, c, CONTINUATION, true, "fragment2");
                        p.closeAfter(1);
                    }));
        }
        for (Chops c : Chops.values()) {
            add("5." + n++, "Send text Message fragmented into 2 fragments, one ping with payload in-between" + chopText(c) + ".",
                    "A pong is received, then the message is echo'ed back to us.",
                    CaseScript.onOpen((s, p) -> {
                        s.expect(OK, Event.pong("ping payload"), Event.text("fragment1fragment2")).expectNormalClose();
                        send(p, c, TEXT, false, "fragment1");
                        send(p, c, PING, true, "ping payload");
                        send(p, c, CONTINUATION, true, "fragment2");
                        p.closeAfter(1);
                    }));
        }
        for (boolean fin : new boolean[] {true, false}) {
            for (Chops c : Chops.values()) {
                add("5." + n++, "Send unfragmented Text Message after Continuation Frame with FIN = " + fin
                                + ", where there is nothing to continue, " + c.text + ".", FAIL,
                        CaseScript.onOpen((s, p) -> {
                            s.expect(OK).expectFailure(1002);
                            send(p, c, CONTINUATION, fin, "non-continuation payload");
                            send(p, c, TEXT, true, "Hello, world!");
                            p.killAfter(1);
                        }));
            }
        }
        add("5.15", "Send text Message fragmented into 2 fragments, then Continuation Frame with FIN = false where there "
                + "is nothing to continue, then unfragmented Text Message, all sent in one chop.", FAIL,
                CaseScript.onOpen((s, p) -> {
                    s.expect(OK, Event.text("fragment1fragment2")).expect(NON_STRICT).expectFailure(1002);
                    p.sendFrame(TEXT, utf8("fragment1"), false, 0, 0, false);
                    p.sendFrame(CONTINUATION, utf8("fragment2"), true, 0, 0, false);
                    p.sendFrame(CONTINUATION, utf8("fragment3"), false, 0, 0, false);
                    p.sendFrame(TEXT, utf8("fragment4"), true, 0, 0, false);
                    p.killAfter(1);
                }));
        for (boolean fin : new boolean[] {false, true}) {
            add(fin ? "5.17" : "5.16", "Repeated 2x: Continuation Frame with FIN = " + fin
                            + " (where there is nothing to continue), then text Message fragmented into 2 fragments.", FAIL,
                    CaseScript.onOpen((s, p) -> {
                        s.expect(OK).expectFailure(1002);
                        for (int i = 0; i < 2; i++) {
                            p.sendFrame(CONTINUATION, utf8("fragment1"), fin, 0, 0, false);
                            p.sendFrame(TEXT, utf8("fragment2"), false, 0, 0, false);
                            p.sendFrame(CONTINUATION, utf8("fragment3"), true, 0, 0, false);
                        }
                        p.killAfter(1);
                    }));
        }
        add("5.18", "Send text Message fragmented into 2 fragments, with both frame opcodes set to text, sent in one chop.",
                "The connection is failed immediately, since all data frames after the initial data frame must have opcode 0.",
                CaseScript.onOpen((s, p) -> {
                    s.expect(OK).expectFailure(1002);
                    p.sendFrame(TEXT, utf8("fragment1"), false, 0, 0, false);
                    p.sendFrame(TEXT, utf8("fragment2"), true, 0, 0, false);
                    p.killAfter(1);
                }));
        pingsBetween("5.19", false);
        pingsBetween("5.20", true);
    }

    private void controlFragmented(String id, String name, int opcode) {
        add(id, "Send " + name + " fragmented into 2 fragments.",
                "Connection is failed immediately, since control message MUST NOT be fragmented.",
                CaseScript.onOpen((s, p) -> {
                    s.expect(OK).expectFailure(1002);
                    p.sendFrame(opcode, utf8("fragment1"), false, 0, 0, false);
                    p.sendFrame(CONTINUATION, utf8("fragment2"), true, 0, 0, false);
                    p.killAfter(1);
                }));
    }

    private void pingsBetween(String id, boolean sync) {
        add(id, "A fragmented text message is sent in multiple frames. After sending the first 2 frames of the text "
                        + "message, a Ping is sent. Then we wait 1s, then we send 2 more text fragments, another Ping and "
                        + "then the final text fragment. Everything is legal." + (sync ? " (frame-wise chops)" : ""),
                "The peer immediately answers the first Ping before it has received the last text message fragment. "
                        + "The peer pong's back the Ping's payload exactly, and echo's the payload of the fragmented message back to us.",
                CaseScript.onOpen((s, p) -> {
                    s.expect(OK, Event.pong("pongme 1!"), Event.pong("pongme 2!"),
                            Event.text("fragment1fragment2fragment3fragment4fragment5")).expectNormalClose();
                    p.sendFrame(TEXT, utf8("fragment1"), false, 0, 0, sync);
                    p.sendFrame(CONTINUATION, utf8("fragment2"), false, 0, 0, sync);
                    p.sendFrame(PING, utf8("pongme 1!"), true, 0, 0, sync);
                    p.continueLater(1, () -> {
                        p.sendFrame(CONTINUATION, utf8("fragment3"), false, 0, 0, sync);
                        p.sendFrame(CONTINUATION, utf8("fragment4"), false, 0, 0, sync);
                        p.sendFrame(PING, utf8("pongme 2!"), true, 0, 0, sync);
                        p.sendFrame(CONTINUATION, utf8("fragment5"), true, 0, 0, sync);
                        p.closeAfter(1);
                    });
                }));
    }

    private static String chopText(Chops c) {
        return switch (c) {
            case ONE -> "";
            case FRAME -> ", octets are sent in frame-wise chops";
            case OCTET -> ", octets are sent in octet-wise chops";
        };
    }

    private static void send(Fuzzer p, Chops c, int opcode, boolean fin, String payload) {
        p.sendFrame(opcode, utf8(payload), fin, 0, c.chop, c.sync);
    }
}
