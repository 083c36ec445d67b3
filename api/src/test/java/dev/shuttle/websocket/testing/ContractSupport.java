package dev.shuttle.websocket.testing;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;

import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.WebSocketHandler;
import dev.shuttle.websocket.WebSocketServer;

/**
 * The base of the {@link TransportContract} chain: the fixture, server start-up and clean-up.
 * The cases are split over several abstract classes (one topic each) that inherit from one
 * another, so that a transport runs all of them by extending {@link TransportContract}.
 */
public abstract class ContractSupport {
    static {
        // When the tests run patched into the named module, Surefire opens only the packages of
        // the selected test classes (e.g. with -Dtest=BuiltinTransportTest); JUnit also needs
        // this package, where the inherited cases live. A no-op on the class path.
        Module module = ContractSupport.class.getModule();
        if (module.isNamed()) {
            module.addOpens(ContractSupport.class.getPackageName(), org.junit.jupiter.api.Test.class.getModule());
        }
    }

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private ServerFixture fixture;

    /** The transport under test; a new fixture per test is fine. */
    protected abstract ServerFixture fixture();

    /** Starts the server on the fixture; it is stopped after the test. */
    protected URI start(WebSocketServer server) throws Exception {
        if (fixture == null) {
            fixture = fixture();
        }
        return fixture.start(server);
    }

    /** {@return the fixture of the server this test started} */
    protected ServerFixture fixtureInUse() {
        if (fixture == null) {
            throw new IllegalStateException("no server started yet");
        }
        return fixture;
    }

    /** Starts a server with this handler and options. */
    protected URI start(WebSocketHandler handler, Options options) throws Exception {
        return start(WebSocketServer.builder().handler(handler).options(options).build());
    }

    protected URI start(WebSocketHandler handler) throws Exception {
        return start(handler, Options.defaults());
    }

    /** Closes the resource after the test (clients, before the server stops). */
    protected <T extends AutoCloseable> T closeLater(T resource) {
        cleanup.add(resource);
        return resource;
    }

    protected RawClient raw(URI uri) throws Exception {
        return closeLater(RawClient.connect(uri));
    }

    protected JdkClient jdk(URI uri, String... subprotocols) throws Exception {
        return closeLater(JdkClient.connect(uri, subprotocols));
    }

    @AfterEach
    void stopServer() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            try {
                cleanup.get(i).close();
            } catch (Exception ignored) {
                // the test's outcome is what matters
            }
        }
        cleanup.clear();
        if (fixture != null) {
            ServerFixture f = fixture;
            fixture = null;
            f.stop();
        }
    }
}
