package dev.shuttle.autobahn.runner.cases;

import static dev.shuttle.autobahn.runner.Verdict.NON_STRICT;
import static dev.shuttle.autobahn.runner.Verdict.OK;
import static dev.shuttle.autobahn.runner.Wire.utf8;

import dev.shuttle.autobahn.runner.CaseScript;
import dev.shuttle.autobahn.runner.Event;
import dev.shuttle.autobahn.runner.Section;
import dev.shuttle.autobahn.runner.Wire;

/** Section 4: reserved non-control (3-7) and control (11-15) opcodes fail the connection. */
public final class Opcodes extends Section {
    private static final String HELLO = "Hello, world!";
    private static final byte[] RESERVED_PAYLOAD = utf8("reserved opcode payload");

    @Override
    public String number() {
        return "4";
    }

    @Override
    public String title() {
        return "Opcodes";
    }

    @Override
    protected void define() {
        int[][] groups = {{3, 4, 5, 6, 7}, {11, 12, 13, 14, 15}};
        for (int g = 0; g < 2; g++) {
            String kind = g == 0 ? "non-control" : "control";
            for (int i = 0; i < 5; i++) {
                int opcode = groups[g][i];
                boolean withPayload = i % 2 == 1 || i == 4;
                String id = "4." + (g + 1) + "." + (i + 1);
                String frame = "frame with reserved " + kind + " <b>Opcode = " + opcode + "</b>"
                        + (withPayload ? " and non-empty payload" : "");
                byte[] payload = withPayload ? RESERVED_PAYLOAD : new byte[0];
                if (i < 2) {
                    add(id, "Send " + frame + ".", "The connection is failed immediately.",
                            CaseScript.onOpen((s, p) -> {
                                s.expect(OK).expectFailure(1002);
                                p.sendFrame(opcode, payload);
                                p.killAfter(1);
                            }));
                } else {
                    add(id, "Send small text message, then send " + frame + ", then send Ping.",
                            "Echo for first message is received, but then connection is failed immediately, "
                                    + "since reserved opcode frame is used. A Pong is not received.",
                            CaseScript.onOpen((s, p) -> {
                                s.expect(OK, Event.text(HELLO)).expect(NON_STRICT).expectFailure(1002);
                                p.sendFrame(Wire.TEXT, utf8(HELLO));
                                p.sendFrame(opcode, payload);
                                p.sendFrame(Wire.PING, new byte[0]);
                                p.killAfter(1);
                            }));
                }
            }
        }
    }
}
