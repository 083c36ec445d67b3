package dev.shuttle.examples.chamber;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Membership and presence now that chambers are rooms of a hub: concurrent joins past the
 * chamber's size, abrupt departures, and chambers freed when their members are gone.
 */
class EchoChamberPresenceTest {
    private EchoChamberServer server;
    private final List<RawClient> clients = new ArrayList<>();

    private void start(String... halls) throws IOException {
        server = EchoChamberServer.builder()
                .halls(java.util.Arrays.stream(halls).map(HallSpec::parse).toList())
                .address(new InetSocketAddress("127.0.0.1", 0))
                .start();
    }

    @AfterEach
    void stop() throws Exception {
        for (RawClient c : clients) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private RawClient raw(String target) throws IOException {
        RawClient c = RawClient.connect(server.port(), target);
        synchronized (clients) {
            clients.add(c);
        }
        assertEquals(101, c.status);
        return c;
    }

    @Test
    void concurrentJoinsPastTheSizeNumberEachMemberOnceAndAgreeOnPresence() throws Exception {
        int size = 8;
        int tries = 14;
        start("/:CHAMBER_MAX_CONNECTIONS=" + size);
        List<Future<Object[]>> joins = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < tries; i++) {
                joins.add(pool.submit(() -> {
                    RawClient c = raw("/race");
                    return new Object[] {c, c.next()};
                }));
            }
        }
        Map<Integer, RawClient> byId = new TreeMap<>();
        Map<Integer, String> welcomes = new TreeMap<>();
        int refused = 0;
        for (Future<Object[]> f : joins) {
            Object[] r = f.get(RawClient.WAIT_MILLIS, TimeUnit.MILLISECONDS);
            RawClient c = (RawClient) r[0];
            RawClient.Message first = (RawClient.Message) r[1];
            if (first.isClose()) {
                assertEquals("close 1013 Chamber is full", first.toString());
                refused++;
                continue;
            }
            String welcome = first.text();
            assertTrue(welcome.matches("I\\d+(:H\\d+)*"), welcome);
            int id = Integer.parseInt(welcome.split(":")[0].substring(1));
            assertEquals(null, byId.put(id, c), "ID " + id + " given twice");
            welcomes.put(id, welcome);
        }
        assertEquals(tries - size, refused);
        assertEquals(size, byId.size());
        for (int id = 0; id < size; id++) {
            // IDs in join order: each newcomer lists exactly those before it…
            StringBuilder expected = new StringBuilder("I").append(id);
            for (int before = 0; before < id; before++) {
                expected.append(":H").append(before);
            }
            assertEquals(expected.toString(), welcomes.get(id));
            // …and then hears of each one after it, in the same order.
            RawClient c = byId.get(id);
            for (int after = id + 1; after < size; after++) {
                assertEquals("H" + after, c.nextText(), "member " + id);
            }
        }
        byId.get(0).text("\nend");
        for (int id = 1; id < size; id++) {
            assertEquals("F0\nend", byId.get(id).nextText(), "nothing else in between for member " + id);
        }
    }

    @Test
    void aMemberThatVanishesIsByeToTheOthersAndFreesItsPlace() throws Exception {
        start("/:CHAMBER_MAX_CONNECTIONS=2");
        RawClient a = raw("/pair");
        assertEquals("I0", a.nextText());
        RawClient b = raw("/pair");
        assertEquals("I1:H0", b.nextText());
        assertEquals("H1", a.nextText());
        b.abort(); // no close frame: the hub removes it when the connection ends (1006)
        assertEquals("B1", a.nextText());
        RawClient c = raw("/pair");
        assertEquals("I2:H0", c.nextText(), "the place is free again; IDs go on while the chamber lives");
        assertEquals("H2", a.nextText());
        c.text("T0\nhi");
        assertEquals("F2\nhi", a.nextText());
    }

    @Test
    void chambersEndWithTheirLastMemberSoTheCountStaysBounded() throws Exception {
        start("/:MAX_CHAMBERS=3");
        List<RawClient> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RawClient c = raw("/room" + i);
            assertEquals("I0", c.nextText());
            members.add(c);
        }
        assertEquals("close 1013 Too many chambers", raw("/room3").next().toString());
        assertEquals(3, server.chambers("/"));
        for (RawClient c : members) {
            c.abort();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RawClient.WAIT_MILLIS);
        while (server.chambers("/") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, server.chambers("/"));
        assertEquals("I0", raw("/room3").nextText());
    }
}
