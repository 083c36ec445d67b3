package dev.shuttle.websocket.internal.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Origin allow-list (RFC 6455 §4.2.2 item 4, §10.2); a list, when set, decides alone, whatever the Host. */
class OriginTest {

    @ParameterizedTest(name = "origin [{0}] with [{1}] -> {2}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "https://example.com        |                                 | true",
        "https://evil.com           |                                 | false",
        "NULL                       | https://example.com             | true",
        "https://example.com        | https://example.com             | true",
        "HTTPS://Example.COM        | https://example.com             | true",
        "https://example.com        | HTTPS://EXAMPLE.COM             | true",
        "https://example.com:443    | https://example.com             | true",
        "https://example.com        | https://example.com:443         | true",
        "http://example.com:80      | http://example.com              | true",
        "http://example.com         | http://example.com:80/          | true",
        "https://example.com/       | https://example.com             | true",
        "https://example.com:8443   | https://example.com             | false",
        "https://example.com:8443   | https://example.com:8443        | true",
        "http://example.com:443     | http://example.com              | false",
        "http://example.com         | https://example.com             | false",
        "https://evil.com           | https://example.com             | false",
        "https://example.com.evil.com | https://example.com           | false",
        "https://evil.com           | https://example.com,https://evil.com | true",
        "https://evil.com           | *                               | true",
        "null                       | https://example.com             | false",
        "null                       | null                            | true",
        "http://[::1]:80            | http://[::1]                    | true",
        "http://[::1]:8080          | http://[::1]                    | false",
    })
    void allowList(String origin, String allowed, boolean expected) {
        List<String> list = allowed == null ? List.of() : List.of(allowed.split(","));
        // Host example.com: with an empty list the default, same-origin check decides (SameOriginTest has its cases).
        assertEquals(expected, Handshake.originAllowed(origin, "example.com", list));
    }
}
