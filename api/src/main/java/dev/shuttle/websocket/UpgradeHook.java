package dev.shuttle.websocket;

import java.util.Map;

/**
 * The application's say on an upgrade request, after the protocol checks passed and before the
 * 101 is sent: authenticate, route by path, attach attributes that the connection then carries
 * ({@link WebSocket#attribute(String)}), or refuse with a status.
 * <pre>{@code
 * .upgradeHook((request, attributes) -> {
 *     String user = tokens.verify(request.header("Authorization"));
 *     if (user == null) throw new UpgradeRejectedException(401, "unknown token");
 *     attributes.put("user", user);
 * })
 * }</pre>
 * It runs on the thread that handles the HTTP request and may block.
 */
@FunctionalInterface
public interface UpgradeHook {
    /**
     * Decides on an upgrade request after the protocol and Origin checks passed.
     *
     * @param request the upgrade request
     * @param attributes put values here to attach them to the connection
     * @throws UpgradeRejectedException to refuse with its status, headers and body
     */
    void onUpgrade(HandshakeRequest request, Map<String, Object> attributes) throws UpgradeRejectedException;
}
