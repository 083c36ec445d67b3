package dev.shuttle.autobahn.runner.cases;

import static dev.shuttle.autobahn.runner.Verdict.NON_STRICT;
import static dev.shuttle.autobahn.runner.Verdict.OK;
import static dev.shuttle.autobahn.runner.Wire.utf8;

import dev.shuttle.autobahn.runner.CaseScript;
import dev.shuttle.autobahn.runner.Event;
import dev.shuttle.autobahn.runner.Section;
import dev.shuttle.autobahn.runner.Wire;

/** Section 3: any RSV bit without a negotiated extension fails the connection (RFC 6455 §5.2). */
public final class ReservedBits extends Section {
    private static final String HELLO = "Hello, world!";

    @Override
    public String number() {
        return "3";
    }

    @Override
    public String title() {
        return "Reserved Bits";
    }

    @Override
    protected void define() {
        alone("3.1", "Send small text message with <b>RSV = 1</b>.", Wire.TEXT, 1, utf8(HELLO));
        afterEcho("3.2", "Send small text message, then send again with <b>RSV = 2</b>, then send Ping.", 2, 0, false);
        afterEcho("3.3", "Send small text message, then send again with <b>RSV = 3</b>, then send Ping. "
                + "Octets are sent in frame-wise chops.", 3, 0, true);
        afterEcho("3.4", "Send small text message, then send again with <b>RSV = 4</b>, then send Ping. "
                + "Octets are sent in octet-wise chops.", 4, 1, false);
        alone("3.5", "Send small binary message with <b>RSV = 5</b>.", Wire.BINARY, 5,
                new byte[] {0x00, (byte) 0xff, (byte) 0xfe, (byte) 0xfd, (byte) 0xfc, (byte) 0xfb, 0x00, (byte) 0xff});
        alone("3.6", "Send Ping with <b>RSV = 6</b>.", Wire.PING, 6, utf8(HELLO));
        alone("3.7", "Send Close with <b>RSV = 7</b>.", Wire.CLOSE, 7, new byte[0]);
    }

    private void alone(String id, String description, int opcode, int rsv, byte[] payload) {
        add(id, description, "The connection is failed immediately, since RSV must be 0.",
                CaseScript.onOpen((s, p) -> {
                    s.expect(OK).expectFailure(1002);
                    p.sendFrame(opcode, payload, true, rsv, 0, false);
                    p.killAfter(1);
                }));
    }

    private void afterEcho(String id, String description, int rsv, int chop, boolean sync) {
        add(id, description, "Echo for first message is received, but then connection is failed immediately, "
                        + "since RSV must be 0, when no extension defining RSV meaning has been negotiated. The Pong is not received.",
                CaseScript.onOpen((s, p) -> {
                    s.expect(OK, Event.text(HELLO)).expect(NON_STRICT).expectFailure(1002);
                    p.sendFrame(Wire.TEXT, utf8(HELLO), true, 0, chop, sync);
                    p.sendFrame(Wire.TEXT, utf8(HELLO), true, rsv, chop, sync);
                    p.sendFrame(Wire.PING, new byte[0], true, 0, chop, sync);
                    p.killAfter(1);
                }));
    }
}
