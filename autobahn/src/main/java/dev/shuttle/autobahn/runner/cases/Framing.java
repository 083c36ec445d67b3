package dev.shuttle.autobahn.runner.cases;

import static dev.shuttle.autobahn.runner.Verdict.OK;

import dev.shuttle.autobahn.runner.CaseScript;
import dev.shuttle.autobahn.runner.Event;
import dev.shuttle.autobahn.runner.Section;
import dev.shuttle.autobahn.runner.Wire;

/** Section 1: text (1.1.x) and binary (1.2.x) messages at the boundaries of the length encodings. */
public final class Framing extends Section {
    private static final int[] LENGTHS = {0, 125, 126, 127, 128, 65535, 65536};

    @Override
    public String number() {
        return "1";
    }

    @Override
    public String title() {
        return "Framing";
    }

    @Override
    protected void define() {
        for (int sub = 1; sub <= 2; sub++) {
            boolean binary = sub == 2;
            byte fill = binary ? (byte) 0xfe : (byte) '*';
            String kind = binary ? "binary" : "text";
            for (int i = 0; i <= LENGTHS.length; i++) {
                boolean chopped = i == LENGTHS.length;
                int len = chopped ? 65536 : LENGTHS[i];
                byte[] payload = Wire.repeat(new byte[] {fill}, len);
                add("1." + sub + "." + (i + 1),
                        "Send " + kind + " message with payload of length " + len + "."
                                + (chopped ? " Sent out data in chops of 997 octets." : ""),
                        "Receive echo'ed " + kind + " message (with payload as sent). Clean close with normal code.",
                        CaseScript.onOpen((s, p) -> {
                            s.expect(OK, Event.message(payload, binary)).expectNormalClose();
                            p.sendFrame(binary ? Wire.BINARY : Wire.TEXT, payload, true, 0, chopped ? 997 : 0, false);
                            p.killAfter(len > 128 ? 10 : 1);
                        }));
            }
        }
    }
}
