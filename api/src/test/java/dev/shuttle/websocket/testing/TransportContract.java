package dev.shuttle.websocket.testing;

/**
 * The transport contract: every case a server transport must pass, with the same assertions on
 * the built-in listener and on every adapter. Extend it and return the transport's fixture:
 * <pre>{@code
 * class JettyTransportTest extends TransportContract {
 *     protected ServerFixture fixture() { return new JettyFixture(); }
 * }
 * }</pre>
 * The cases live in a chain of abstract classes, one topic each (files of a readable size):
 * {@link EchoCases}, {@link ProtocolErrorCases}, {@link CloseCases}, {@link HandshakeCases},
 * {@link FlowCases}, {@link KeepaliveCases}, {@link StallCases}, {@link RetirementCases}. All run on loopback, each bounded by a timeout, and
 * wait for events (futures, queues) rather than for time.
 */
public abstract class TransportContract extends RetirementCases {
}
