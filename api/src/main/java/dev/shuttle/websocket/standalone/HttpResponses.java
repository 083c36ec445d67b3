package dev.shuttle.websocket.standalone;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Encodes the few HTTP/1.1 responses the listener sends (RFC 9112 §4, §6). Pure. */
final class HttpResponses {
    private static final System.Logger LOG = System.getLogger(HttpResponses.class.getName());

    private HttpResponses() {
    }

    /** The reason phrase of a status (RFC 9110 §15, RFC 6585); empty for one we do not know, which §4 allows. */
    static String reason(int status) {
        return switch (status) {
            case 101 -> "Switching Protocols";
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 304 -> "Not Modified";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 406 -> "Not Acceptable";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 415 -> "Unsupported Media Type";
            case 426 -> "Upgrade Required";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> "";
        };
    }

    /** The 101 answer: status line and the upgrade's headers, no body. */
    static ByteBuffer switchingProtocols(Map<String, String> headers) {
        StringBuilder sb = statusLine(101);
        appendHeaders(sb, headers, true);
        sb.append("\r\n");
        return ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A plain-text answer that ends the connection (errors and refused upgrades). */
    static ByteBuffer text(int status, Map<String, String> headers, String body, boolean sendBody) {
        return complete(status, headers, "text/plain; charset=utf-8",
                body.isEmpty() ? new byte[0] : (body + "\n").getBytes(StandardCharsets.UTF_8), sendBody);
    }

    /**
     * A whole response with Content-Length and {@code Connection: close}: the listener serves one
     * request per connection, so the client never has to guess where the body ends.
     *
     * @param sendBody false for HEAD, which gets the headers a GET would get (RFC 9110 §9.3.2)
     */
    static ByteBuffer complete(int status, Map<String, String> headers, String contentType, byte[] body, boolean sendBody) {
        StringBuilder sb = statusLine(status);
        appendHeaders(sb, headers, false);
        // 204 and 304 never carry a body nor, for 204, a Content-Length (RFC 9110 §8.6).
        boolean bodyAllowed = status != 204 && status != 304;
        if (bodyAllowed) {
            sb.append("Content-Type: ").append(clean(contentType)).append("\r\n");
            sb.append("Content-Length: ").append(body.length).append("\r\n");
        }
        sb.append("Connection: close\r\n\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        int bodyLength = bodyAllowed && sendBody ? body.length : 0;
        ByteBuffer out = ByteBuffer.allocate(head.length + bodyLength);
        out.put(head).put(body, 0, bodyLength).flip();
        return out;
    }

    private static StringBuilder statusLine(int status) {
        return new StringBuilder(256).append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
    }

    /**
     * Appends headers from the application (hook, handler) and the handshake. Framing headers are
     * ours to write, and a name or value that could split the response is dropped, not sent.
     */
    private static void appendHeaders(StringBuilder sb, Map<String, String> headers, boolean upgrade) {
        for (Map.Entry<String, String> h : headers.entrySet()) {
            String name = h.getKey();
            String value = h.getValue();
            if (name == null || value == null || !RequestHeadParser.isToken(name) || !isSafeValue(value)) {
                LOG.log(System.Logger.Level.WARNING, "dropping an invalid response header: {0}", name);
                continue;
            }
            if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")
                    || name.equalsIgnoreCase("Content-Type") || (name.equalsIgnoreCase("Connection") && !upgrade)) {
                continue;
            }
            sb.append(name).append(": ").append(value).append("\r\n");
        }
    }

    private static boolean isSafeValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F || c > 0xFF) {
                return false;
            }
        }
        return true;
    }

    private static String clean(String contentType) {
        return isSafeValue(contentType) ? contentType : "application/octet-stream";
    }
}
