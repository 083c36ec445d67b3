package dev.shuttle.examples;

import java.net.InetSocketAddress;
import java.time.Duration;

import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.undertow.UndertowWebSocket;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;

/** {@code --transport undertow}: the example on Undertow core, through shuttle-undertow. */
final class UndertowMount {
    private UndertowMount() {
    }

    static Mount.Running start(Example example, InetSocketAddress address) {
        WebSocketServer server = example.server();
        String page = Pages.render(example.title(), example.explanation());
        HttpHandler pages = exchange -> {
            String path = exchange.getRequestPath();
            if (path.equals("/") || path.equals("/index.html")) {
                exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=UTF-8");
                exchange.getResponseSender().send(page);
            } else if (path.equals("/health")) {
                exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=UTF-8");
                exchange.getResponseSender().send("ok");
            } else {
                exchange.setStatusCode(404);
                exchange.endExchange();
            }
        };
        Undertow undertow = Undertow.builder()
                .addHttpListener(address.getPort(), address.getHostString())
                .setHandler(UndertowWebSocket.handler(server, pages))
                .build();
        undertow.start();
        int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
        return new Mount.Running() {
            @Override
            public int port() {
                return port;
            }

            @Override
            public void close() {
                // Undertow's stop() only drops the TCP connections: say goodbye first.
                server.closeAll(1001, "server stopping", Duration.ofSeconds(2));
                undertow.stop();
            }
        };
    }
}
