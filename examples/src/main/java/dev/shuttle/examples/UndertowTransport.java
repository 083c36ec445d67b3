package dev.shuttle.examples;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.standalone.HttpHandler;
import dev.shuttle.websocket.standalone.HttpResponse;
import dev.shuttle.websocket.undertow.UndertowWebSocket;
import io.undertow.Undertow;
import io.undertow.util.Headers;

/** {@code --transport undertow}: Shuttle's handler on Undertow core, in front of one serving the page. */
final class UndertowTransport {
    private UndertowTransport() {
    }

    static Transports.Running start(WebSocketServer server, HttpHandler pages, InetSocketAddress address) {
        io.undertow.server.HttpHandler page = exchange -> {
            HttpResponse response = pages.handle(new Transports.PageRequest(
                    exchange.getRequestMethod().toString(), exchange.getRequestPath()));
            if (response == null) {
                exchange.setStatusCode(404);
                exchange.endExchange();
                return;
            }
            exchange.setStatusCode(response.status());
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, response.contentType());
            exchange.getResponseSender().send(ByteBuffer.wrap(response.body()));
        };
        Undertow.Builder builder = Undertow.builder()
                .addHttpListener(address.getPort(), address.getHostString())
                .setHandler(UndertowWebSocket.handler(server, page));
        // Undertow takes 1 MiB heads for as long as the peer likes by default: bound them.
        Undertow undertow = UndertowWebSocket.guardRequestHeads(builder, server.options()).build();
        undertow.start();
        int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
        return Transports.running(port, () -> {
            // Undertow's stop() only drops the TCP connections: every client gets 1001 first.
            server.closeAll(CloseCode.GOING_AWAY, "server shutting down", Duration.ofSeconds(2));
            undertow.stop();
        });
    }
}
