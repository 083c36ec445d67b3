package dev.shuttle.autobahn;

import java.net.InetSocketAddress;

import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.undertow.UndertowWebSocket;
import io.undertow.Undertow;

/** The echo server on Undertow core through shuttle-undertow ({@code --transport undertow}). */
final class UndertowEcho {
    private UndertowEcho() {
    }

    static Transports.Running start(WebSocketServer server, String host, int port) {
        Undertow.Builder builder = Undertow.builder()
                .addHttpListener(port, host)
                .setHandler(UndertowWebSocket.handler(server));
        Undertow undertow = UndertowWebSocket.guardRequestHeads(builder, server.options()).build();
        undertow.start();
        int bound = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
        return new Transports.Running() {
            @Override
            public int port() {
                return bound;
            }

            @Override
            public void close() {
                undertow.stop();
            }
        };
    }
}
