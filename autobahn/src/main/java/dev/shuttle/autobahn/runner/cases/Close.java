package dev.shuttle.autobahn.runner.cases;

import static dev.shuttle.autobahn.runner.Verdict.NON_STRICT;
import static dev.shuttle.autobahn.runner.Verdict.OK;
import static dev.shuttle.autobahn.runner.Wire.utf8;

import java.util.function.BiConsumer;

import dev.shuttle.autobahn.runner.CaseScript;
import dev.shuttle.autobahn.runner.Event;
import dev.shuttle.autobahn.runner.Fuzzer;
import dev.shuttle.autobahn.runner.Section;
import dev.shuttle.autobahn.runner.Wire;

/**
 * Section 7: the closing handshake (RFC 6455 §5.5.1, §7): nothing after close, close payloads
 * of every length, valid and invalid codes. A wrong close code fails these cases outright.
 */
public final class Close extends Section {
    private static final int[] VALID = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999};
    private static final int[] INVALID = {0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999};
    private static final String HELLO = "Hello World!";
    /** κόσμε, a lone surrogate, "edited": not UTF-8. */
    private static final byte[] BAD_REASON = Utf8Vectors.hex("cebae1bdb9cf83cebcceb5eda080656469746564");

    @Override
    public String number() {
        return "7";
    }

    @Override
    public String title() {
        return "Close Handling";
    }

    @Override
    protected void define() {
        closing("7.1.1", "Send a message followed by a close frame", "Echoed message followed by clean close with normal code.",
                (s, p) -> {
                    s.expect(OK, Event.text(HELLO)).expectNormalClose();
                    p.sendFrame(Wire.TEXT, utf8(HELLO));
                    p.sendClose(1000, null);
                });
        closing("7.1.2", "Send two close frames", "Clean close with normal code. Second close frame ignored.", (s, p) -> {
            s.expect(OK).expectNormalClose();
            p.sendClose(1000, null);
            p.sendFrame(Wire.CLOSE, new byte[0]);
        });
        closing("7.1.3", "Send a ping after close message", "Clean close with normal code, no pong.", (s, p) -> {
            s.expect(OK).expectNormalClose();
            p.sendClose(1000, null);
            p.sendFrame(Wire.PING, new byte[0]);
        });
        closing("7.1.4", "Send text message after sending a close frame.", "Clean close with normal code. Text message ignored.",
                (s, p) -> {
                    s.expect(OK).expectNormalClose();
                    p.sendClose(1000, null);
                    p.sendFrame(Wire.TEXT, utf8(HELLO));
                });
        closing("7.1.5", "Send message fragment1 followed by close then fragment", "Clean close with normal code.", (s, p) -> {
            s.expect(OK).expectNormalClose();
            p.sendFrame(Wire.TEXT, utf8("fragment1"), false, 0, 0, false);
            p.sendClose(1000, null);
            p.sendFrame(Wire.CONTINUATION, utf8("fragment2"), true, 0, 0, false);
        });
        add("7.1.6", "Send 256K message followed by close then a ping",
                "Case outcome depends on implementation defined close behavior. Message and close frame are sent back to back. "
                        + "If the close frame is processed before the text message write is complete (as can happen in asynchronous "
                        + "processing models) the close frame is processed first and the text message may not be received or may "
                        + "only be partially received.",
                CaseScript.graded((s, p) -> {
                    s.suppressClose = true;
                    s.expect(OK, Event.text(HELLO)).expect(NON_STRICT).expectNormalClose();
                    p.sendFrame(Wire.TEXT, Wire.repeat(utf8("BAsd7&jh23"), 256 << 10));
                    p.sendFrame(Wire.TEXT, utf8(HELLO));
                    p.sendClose(1000, null);
                    p.sendFrame(Wire.PING, new byte[0]);
                    p.killAfter(1);
                }, s -> s.informational(null)));
        closing("7.3.1", "Send a close frame with payload length 0 (no close code, no close reason)",
                "Clean close with normal code.", (s, p) -> {
                    s.expect(OK).expectNormalClose();
                    p.sendCloseFrame(null, null);
                });
        closing("7.3.2", "Send a close frame with payload length 1", "Clean close with protocol error or drop TCP.", (s, p) -> {
            s.expect(OK).expectClose(true, false, 1002);
            p.sendCloseFrame(null, utf8("a"));
        });
        closing("7.3.3", "Send a close frame with payload length 2 (regular close with a code)",
                "Clean close with normal code.", (s, p) -> {
                    s.expect(OK).expectNormalClose();
                    p.sendCloseFrame(1000, null);
                });
        closing("7.3.4", "Send a close frame with close code and close reason", "Clean close with normal code.", (s, p) -> {
            s.expect(OK).expectNormalClose();
            p.sendCloseFrame(1000, utf8(HELLO));
        });
        closing("7.3.5", "Send a close frame with close code and close reason of maximum length (123)",
                "Clean close with normal code.", (s, p) -> {
                    s.expect(OK).expectNormalClose();
                    p.sendCloseFrame(1000, Wire.repeat(utf8("*"), 123));
                });
        closing("7.3.6", "Send a close frame with close code and close reason which is too long (124) - total frame payload 126 octets",
                "Clean close with protocol error code or dropped TCP connection.", (s, p) -> {
                    s.expect(OK).expectClose(true, false, 1002);
                    p.sendCloseFrame(1000, Wire.repeat(utf8("*"), 124));
                });
        closing("7.5.1", "Send a close frame with invalid UTF8 payload",
                "Clean close with protocol error or invalid utf8 code or dropped TCP.", (s, p) -> {
                    s.expect(OK).expectClose(true, false, 1002, 1007);
                    p.sendCloseFrame(1000, BAD_REASON);
                });
        for (int i = 0; i < VALID.length; i++) {
            int code = VALID[i];
            closing("7.7." + (i + 1), "Send close with valid close code " + code, "Clean close with normal or echoed code",
                    (s, p) -> {
                        s.expect(OK).expectClose(true, true, 1000, code);
                        p.sendCloseFrame(code, null);
                    });
        }
        for (int i = 0; i < INVALID.length; i++) {
            int code = INVALID[i];
            closing("7.9." + (i + 1), "Send close with invalid close code " + code, "Clean close with protocol error code or drop TCP",
                    (s, p) -> {
                        s.expect(OK).expectClose(true, false, 1002);
                        p.sendCloseFrame(code, null);
                    });
        }
        int n = 1;
        for (int code : new int[] {5000, 65535}) {
            add("7.13." + n++, "Send close with close code " + code, "Actual events are undefined by the spec.",
                    CaseScript.graded((s, p) -> {
                        s.suppressClose = true;
                        s.expect(OK).expectClose(true, false, 1000, code, 1002);
                        p.sendCloseFrame(code, null);
                        p.killAfter(1);
                    }, s -> s.informational("Actual events are undefined by the spec.")));
        }
    }

    /** A close case: suppressClose, killAfter(1), and a wrong close code fails the case. */
    private void closing(String id, String description, String expectation, BiConsumer<CaseScript, Fuzzer> open) {
        add(id, description, expectation, CaseScript.graded((s, p) -> {
            s.suppressClose = true;
            open.accept(s, p);
            p.killAfter(1);
        }, CaseScript::wrongCodeFails));
    }
}
