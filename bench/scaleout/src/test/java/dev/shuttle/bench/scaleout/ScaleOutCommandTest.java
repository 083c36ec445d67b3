package dev.shuttle.bench.scaleout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

class ScaleOutCommandTest {
    private static ScaleOutCommand parse(String... args) {
        ScaleOutCommand c = new ScaleOutCommand();
        new CommandLine(c).parseArgs(args);
        return c;
    }

    @Test
    void defaultsRunEverySetupOnce() {
        ScaleOutCommand c = parse();
        assertEquals(List.of(Setup.LOCAL, Setup.NATS, Setup.REDIS, Setup.REDIS_HISTORY), c.setups());
        assertEquals(new Settings(30, 3, 5, 20, 64), c.settings());
        assertEquals(List.of(1000), c.rates);
    }

    @Test
    void listsAndNumbers() {
        ScaleOutCommand c = parse("--brokers", "local,NATS", "--members", "12", "--publishers", "2",
                "--rate", "500,2000", "--seconds", "3", "--warmup", "0", "--size", "28");
        assertEquals(List.of(Setup.LOCAL, Setup.NATS), c.setups());
        assertEquals(new Settings(12, 2, 0, 3, 28), c.settings());
        assertEquals(List.of(500, 2000), c.rates);
    }

    @Test
    void badValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> parse("--brokers", "kafka").setups());
        assertThrows(IllegalArgumentException.class, () -> parse("--members", "1").settings());
        assertThrows(IllegalArgumentException.class, () -> parse("--publishers", "31").settings());
        assertThrows(IllegalArgumentException.class, () -> parse("--size", "27").settings());
        assertThrows(IllegalArgumentException.class, () -> parse("--rate", "0").settings());
    }

    @Test
    void payloadRoundTrip() {
        byte[] b = Payload.encode(0x0123456789abcdefL, 7, 123456, 64);
        assertEquals(64, b.length);
        assertEquals(new Payload.Id(0x0123456789abcdefL, 7, 123456), Payload.decode(b));
        assertEquals(-1, Payload.decode("not a payload of ours, at all".getBytes()).publisher());
        assertEquals(-1, Payload.decode(new byte[3]).publisher());
    }
}
