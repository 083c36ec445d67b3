package dev.shuttle.autobahn.runner.cases;

import static dev.shuttle.autobahn.runner.Verdict.NON_STRICT;
import static dev.shuttle.autobahn.runner.Verdict.OK;
import static dev.shuttle.autobahn.runner.Wire.CONTINUATION;
import static dev.shuttle.autobahn.runner.Wire.TEXT;
import static dev.shuttle.autobahn.runner.Wire.utf8;

import java.util.Arrays;
import java.util.HexFormat;

import dev.shuttle.autobahn.runner.CaseScript;
import dev.shuttle.autobahn.runner.Event;
import dev.shuttle.autobahn.runner.Fuzzer;
import dev.shuttle.autobahn.runner.Section;

/**
 * Section 6: text messages must be valid UTF-8 (RFC 6455 §8.1), checked across fragments and
 * failed fast with 1007 (6.4.x), over the stress-test sequences of {@link Utf8Vectors}.
 */
public final class Utf8 extends Section {
    private static final String MIXED = "Hello-\u00b5@\u00df\u00f6\u00e4\u00fc\u00e0\u00e1-UTF-8!!";
    /** κόσμε, then U+110000 in the UTF-8 integer scheme (invalid at its 2nd octet), then "edited". */
    private static final byte[] FAIL_FAST = cat(Utf8Vectors.KOSME, Utf8Vectors.hex("f4908080"), utf8("edited"));
    /** κόσμε, then a lone surrogate (invalid at its 2nd octet), then "edited". */
    private static final byte[] SURROGATE = cat(Utf8Vectors.KOSME, Utf8Vectors.hex("eda080"), utf8("edited"));
    private static final String ECHO = "The message is echo'ed back to us.";

    @Override
    public String number() {
        return "6";
    }

    @Override
    public String title() {
        return "UTF-8 Handling";
    }

    @Override
    protected void define() {
        add("6.1.1", "Send text message of length 0.", "A message is echo'ed back to us (with empty payload).",
                frames(new byte[0], new byte[][] {{}}));
        add("6.1.2", "Send fragmented text message, 3 fragments each of length 0.",
                "A message is echo'ed back to us (with empty payload).", frames(new byte[0], new byte[][] {{}, {}, {}}));
        add("6.1.3", "Send fragmented text message, 3 fragments, first and last of length 0, middle non-empty.",
                "A message is echo'ed back to us (with payload = payload of middle fragment).",
                frames(utf8("middle frame payload"), new byte[][] {{}, utf8("middle frame payload"), {}}));
        add("6.2.1", "Send a valid UTF-8 text message in one fragment.<br><br>MESSAGE:<br>" + MIXED, ECHO,
                frames(utf8(MIXED), new byte[][] {utf8(MIXED)}));
        add("6.2.2", "Send a valid UTF-8 text message in two fragments, fragmented on UTF-8 code point boundary.", ECHO,
                frames(utf8(MIXED), new byte[][] {utf8("Hello-\u00b5@\u00df\u00f6\u00e4"), utf8("\u00fc\u00e0\u00e1-UTF-8!!")}));
        add("6.2.3", "Send a valid UTF-8 text message in fragments of 1 octet, resulting in frames ending on positions "
                + "which are not code point ends.<br><br>MESSAGE:<br>" + MIXED, ECHO, octetFragments(utf8(MIXED), true));
        add("6.2.4", "Send a valid UTF-8 text message in fragments of 1 octet, resulting in frames ending on positions "
                + "which are not code point ends.<br><br>MESSAGE:<br>" + hex(Utf8Vectors.KOSME), ECHO,
                octetFragments(Utf8Vectors.KOSME, true));
        add("6.3.1", "Send invalid UTF-8 text message unfragmented.<br><br>MESSAGE:<br>" + hex(SURROGATE),
                "The connection is failed immediately, since the payload is not valid UTF-8.",
                CaseScript.onOpen((s, p) -> {
                    s.expect(OK).expectFailure(1007);
                    p.sendMessage(SURROGATE, false);
                    p.killAfter(1);
                }));
        add("6.3.2", "Send invalid UTF-8 text message in fragments of 1 octet, resulting in frames ending on positions "
                        + "which are not code point ends.<br><br>MESSAGE:<br>" + hex(SURROGATE),
                "The connection is failed immediately, since the payload is not valid UTF-8.",
                octetFragments(SURROGATE, false));
        failFast("6.4.1", "Send invalid UTF-8 text message in 3 fragments (frames). First frame payload is valid, then "
                + "wait, then 2nd frame which contains the payload making the sequence invalid, then wait, then 3rd frame with rest.",
                11, 4, false);
        failFast("6.4.2", "Same as Case 6.4.1, but in 2nd frame, we send only up to and including the octet making the "
                + "complete payload invalid.", 12, 1, false);
        failFast("6.4.3", "Same as Case 6.4.1, but we send message not in 3 frames, but in 3 chops of the same message frame.",
                11, 4, true);
        failFast("6.4.4", "Same as Case 6.4.2, but we send message not in 3 frames, but in 3 chops of the same message frame.",
                12, 1, true);
        int sub = 5;
        for (Utf8Vectors.Group g : Utf8Vectors.groups()) {
            int n = 1;
            for (Utf8Vectors.Vector v : g.vectors()) {
                add("6." + sub + "." + n++, (v.valid()
                                ? "Send a text message with payload which is valid UTF-8 in one fragment."
                                : "Send a text message with payload which is not valid UTF-8 in one fragment.")
                                + "<br><br>Payload: 0x" + hex(v.bytes()),
                        v.valid() ? ECHO : "The connection is failed immediately, since the payload is not valid UTF-8.",
                        CaseScript.onOpen((s, p) -> {
                            if (v.valid()) {
                                s.expect(OK, Event.message(v.bytes(), false)).expectNormalClose();
                            } else {
                                s.expect(OK).expectFailure(1007);
                            }
                            p.sendMessage(v.bytes(), false);
                            p.killAfter(0.5);
                        }));
            }
            sub++;
        }
    }

    /** Sends the message as these frames (text, then continuations) and expects {@code echo}. */
    private static CaseScript.Behaviour frames(byte[] echo, byte[][] frames) {
        return CaseScript.onOpen((s, p) -> {
            s.expect(OK, Event.message(echo, false)).expectNormalClose();
            for (int i = 0; i < frames.length; i++) {
                p.sendFrame(i == 0 ? TEXT : CONTINUATION, frames[i], i == frames.length - 1, 0, 0, false);
            }
            p.closeAfter(1);
        });
    }

    private static CaseScript.Behaviour octetFragments(byte[] payload, boolean valid) {
        return CaseScript.onOpen((s, p) -> {
            if (valid) {
                s.expect(OK, Event.message(payload, false)).expectNormalClose();
            } else {
                s.expect(OK).expectFailure(1007);
            }
            p.sendMessage(payload, false, 1);
            if (valid) {
                p.closeAfter(1);
            } else {
                p.killAfter(1);
            }
        });
    }

    /**
     * The fail-fast cases: part 1 (valid), wait 1 s, part 2 (makes it invalid), wait 1 s, part 3.
     * OK when the peer fails after part 2; NON-STRICT when only after the whole message.
     * {@code chops}: the parts are chops of one frame instead of three frames.
     */
    private void failFast(String id, String description, int len1, int len2, boolean chops) {
        byte[] part1 = Arrays.copyOfRange(FAIL_FAST, 0, len1);
        byte[] part2 = Arrays.copyOfRange(FAIL_FAST, len1, len1 + len2);
        byte[] part3 = Arrays.copyOfRange(FAIL_FAST, len1 + len2, FAIL_FAST.length);
        add(id, description + "<br><br>MESSAGE PARTS:<br>PART1 = " + hex(part1) + "<br>PART2 = " + hex(part2)
                        + "<br>PART3 = " + hex(part3),
                "The first " + (chops ? "chop" : "frame") + " is accepted, we expect to timeout on the first wait. The 2nd "
                        + (chops ? "chop" : "frame") + " should be rejected immediately (fail fast on UTF-8). If we timeout, "
                        + "we expect the connection is failed at least then, since the complete message payload is not valid UTF-8.",
                () -> new CaseScript.Behaviour() {
                    private byte[] frame;
                    private int header;

                    @Override
                    public void onOpen(CaseScript s, Fuzzer p) {
                        s.expect(OK, Event.timeout("A")).expect(NON_STRICT, Event.timeout("A"), Event.timeout("B"))
                                .expectFailure(1007);
                        if (chops) {
                            frame = p.encode(TEXT, true, 0, FAIL_FAST);
                            header = frame.length - FAIL_FAST.length;
                        }
                        send(p, 0, part1, false);
                        p.continueLater(1, () -> {
                            if (p.isOpen()) {
                                s.record(Event.timeout("A"));
                                send(p, len1, part2, false);
                                p.continueLater(1, () -> {
                                    if (p.isOpen()) {
                                        s.record(Event.timeout("B"));
                                        send(p, len1 + len2, part3, true);
                                        p.killAfter(1);
                                    }
                                });
                            }
                        });
                    }

                    private void send(Fuzzer p, int offset, byte[] part, boolean last) {
                        if (chops) {
                            int from = offset == 0 ? 0 : header + offset;
                            p.sendRaw(frame, from, header + offset + part.length);
                        } else {
                            p.sendFrame(offset == 0 ? TEXT : CONTINUATION, part, last, 0, 0, false);
                        }
                    }
                });
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static byte[] cat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
