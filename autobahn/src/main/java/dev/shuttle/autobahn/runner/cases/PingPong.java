package dev.shuttle.autobahn.runner.cases;

import static dev.shuttle.autobahn.runner.Verdict.OK;
import static dev.shuttle.autobahn.runner.Wire.PING;
import static dev.shuttle.autobahn.runner.Wire.PONG;
import static dev.shuttle.autobahn.runner.Wire.utf8;

import java.util.ArrayList;
import java.util.List;

import dev.shuttle.autobahn.runner.CaseScript;
import dev.shuttle.autobahn.runner.Event;
import dev.shuttle.autobahn.runner.Section;
import dev.shuttle.autobahn.runner.Wire;

/** Section 2: pings are answered with the same payload, oversized pings fail, unsolicited pongs are ignored. */
public final class PingPong extends Section {
    @Override
    public String number() {
        return "2";
    }

    @Override
    public String title() {
        return "Pings/Pongs";
    }

    @Override
    protected void define() {
        pong("2.1", "Send ping without payload.", new byte[0], 0);
        pong("2.2", "Send ping with small text payload.", utf8("Hello, world!"), 0);
        pong("2.3", "Send ping with small binary (non UTF-8) payload.",
                new byte[] {0x00, (byte) 0xff, (byte) 0xfe, (byte) 0xfd, (byte) 0xfc, (byte) 0xfb, 0x00, (byte) 0xff}, 0);
        pong("2.4", "Send ping with binary payload of 125 octets.", Wire.repeat(new byte[] {(byte) 0xfe}, 125), 0);
        add("2.5", "Send ping with binary payload of 126 octets.",
                "Connection is failed immediately (1002/Protocol Error), since control frames are only allowed to have payload up to and including 125 octets.",
                CaseScript.onOpen((s, p) -> {
                    s.expect(OK).expectFailure(1002);
                    p.sendFrame(PING, Wire.repeat(new byte[] {(byte) 0xfe}, 126));
                    p.killAfter(1);
                }));
        pong("2.6", "Send ping with binary payload of 125 octets, send in octet-wise chops.",
                Wire.repeat(new byte[] {(byte) 0xfe}, 125), 1);
        add("2.7", "Send unsolicited pong without payload. Verify nothing is received. Clean close with normal code.",
                "Nothing.", CaseScript.onOpen((s, p) -> {
                    s.expect(OK).expectNormalClose();
                    p.sendFrame(PONG, new byte[0]);
                    p.closeAfter(1);
                }));
        add("2.8", "Send unsolicited pong with payload. Verify nothing is received. Clean close with normal code.",
                "Nothing.", CaseScript.onOpen((s, p) -> {
                    s.expect(OK).expectNormalClose();
                    p.sendFrame(PONG, utf8("unsolicited pong payload"));
                    p.closeAfter(1);
                }));
        add("2.9", "Send unsolicited pong with payload. Send ping with payload. Verify pong for ping is received.",
                "Nothing in reply to own Pong, but Pong with payload echo'ed in reply to Ping. Clean close with normal code.",
                CaseScript.onOpen((s, p) -> {
                    s.expect(OK, Event.pong("ping payload")).expectNormalClose();
                    p.sendFrame(PONG, utf8("unsolicited pong payload"));
                    p.sendFrame(PING, utf8("ping payload"));
                    p.closeAfter(1);
                }));
        tenPings("2.10", "Send 10 Pings with payload.", 0);
        tenPings("2.11", "Send 10 Pings with payload. Send out octets in octet-wise chops.", 1);
    }

    private void pong(String id, String description, byte[] payload, int chop) {
        add(id, description, "Pong with payload echo'ed is sent in reply to Ping. Clean close with normal code.",
                CaseScript.onOpen((s, p) -> {
                    s.expect(OK, Event.pong(payload)).expectNormalClose();
                    p.sendFrame(PING, payload, true, 0, chop, false);
                    p.closeAfter(chop > 0 ? 2 : 1);
                }));
    }

    private void tenPings(String id, String description, int chop) {
        add(id, description, "Pongs for our Pings with all the payloads. Note: This is not required by the Spec .. "
                        + "but we check for this behaviour anyway. Clean close with normal code.",
                CaseScript.onOpen((s, p) -> {
                    List<Event> pongs = new ArrayList<>();
                    for (int i = 0; i < 10; i++) {
                        pongs.add(Event.pong("payload-" + i));
                    }
                    s.expect(OK, pongs).expectNormalClose();
                    for (int i = 0; i < 10; i++) {
                        p.sendFrame(PING, utf8("payload-" + i), true, 0, chop, false);
                    }
                    p.closeAfter(3);
                }));
    }
}
