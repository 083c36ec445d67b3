package dev.shuttle.websocket.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import dev.shuttle.websocket.testing.PrometheusText;

/** The writer's escaping and number format, and the strictness of the test's parser (it must catch what it is there to catch). */
class PrometheusFormatTest {
    @Test
    void labelValuesAndHelpAreEscaped() {
        String text = new PrometheusWriter()
                .family("x_total", "counter", "a \\ backslash\nand a line")
                .sample("x_total", 3L, "room", "/r?a=\"b\"\\c\nd")
                .toString();
        assertEquals("# HELP x_total a \\\\ backslash\\nand a line\n# TYPE x_total counter\n"
                + "x_total{room=\"/r?a=\\\"b\\\"\\\\c\\nd\"} 3\n", text);
        PrometheusText p = PrometheusText.parse(text);
        assertEquals(3, p.value("x_total", "room", "/r?a=\"b\"\\c\nd"));
        assertEquals("a \\ backslash\nand a line", p.family("x_total").help());
    }

    @Test
    void numbers() {
        assertEquals("+Inf", PrometheusWriter.format(Double.POSITIVE_INFINITY));
        assertEquals("NaN", PrometheusWriter.format(Double.NaN));
        assertEquals("1", PrometheusWriter.format(1.0));
        assertEquals("0.0025", PrometheusWriter.format(0.0025));
        assertEquals(1.0E-4, Double.parseDouble(PrometheusWriter.format(1.0E-4)));
    }

    @Test
    void emptyMetricsParse() {
        PrometheusText p = PrometheusText.parse(new ShuttleMetrics().prometheusText());
        assertEquals(0, p.value("shuttle_handshakes_total", "outcome", "accepted", "status", "101"));
        assertEquals(0, p.value("shuttle_rtt_seconds_count"));
        assertEquals(0, p.value("shuttle_connections_open"));
    }

    @Test
    void parserRejectsWhatTheFormatForbids() {
        String[] bad = {
            "x 1\n",                                                          // no TYPE
            "# TYPE x gauge\nx 1",                                            // no final line feed
            "# TYPE x gauge\nx{a=\"1\"} 1\nx{a=\"1\"} 2\n",                   // duplicate series
            "# TYPE x gauge\n# TYPE y gauge\nx 1\n",                          // sample outside its block
            "# TYPE x gauge\nx{a=\"\\t\"} 1\n",                               // bad escape
            "# TYPE x gauge\nx{a=1} 1\n",                                     // unquoted value
            "# TYPE x gauge\nx 1.5f\n",                                       // not a Go float
            "# TYPE x counter\nx 1\n",                                        // counter without _total
            "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 0\n", // not cumulative
            "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_count 1\nh_sum 0\n", // no +Inf
            "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 2\nh_sum 0\n", // count differs
            "# TYPE x gauge\nx 1\n# TYPE y gauge\ny 1\n# TYPE x gauge\n",     // family twice
        };
        for (String b : bad) {
            assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse(b), b);
        }
    }
}
