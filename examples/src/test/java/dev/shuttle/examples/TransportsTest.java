package dev.shuttle.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.shuttle.websocket.testing.JdkClient;

/** The echo example and its page on every {@code --transport}, with the JDK client as the peer. */
class TransportsTest {
    @ParameterizedTest
    @ValueSource(strings = {"builtin", "jetty", "servlet", "undertow", "tomcat"})
    @Timeout(30)
    void echoAndPageOnEachTransport(String transport) throws Exception {
        try (EchoExample example = new EchoExample(); HttpClient http = HttpClient.newHttpClient()) {
            Transports.Running running = example.start(Transports.ALL.get(transport),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            String base = "127.0.0.1:" + running.port() + "/";
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://" + base)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            try (JdkClient c = JdkClient.connect(URI.create("ws://" + base))) {
                c.sendText("over " + transport);
                assertEquals("over " + transport, c.nextText());
            }
        }
    }

    @org.junit.jupiter.api.Test
    void unknownTransportIsAUsageError() {
        Command.UsageException e = org.junit.jupiter.api.Assertions.assertThrows(Command.UsageException.class,
                () -> Command.parse("echo", "--transport", "glassfish"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("unknown transport: 'glassfish'"), e.getMessage());
    }
}
