package dev.shuttle.websocket.metrics;

/**
 * Writes the Prometheus text exposition format 0.0.4: {@code # HELP} and {@code # TYPE} once per
 * family, then its samples. Label values are escaped ({@code \\}, {@code \"}, {@code \n}), so a
 * room key a peer chose cannot break a line or forge a sample.
 */
final class PrometheusWriter {
    private final StringBuilder out = new StringBuilder(4096);

    /** Starts a metric family. */
    PrometheusWriter family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ');
        escape(help, false);
        out.append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    /** A sample without labels. */
    PrometheusWriter sample(String name, long value) {
        out.append(name).append(' ').append(value).append('\n');
        return this;
    }

    /** A sample with labels given as name, value, name, value, … */
    PrometheusWriter sample(String name, long value, String... labels) {
        labels(name, labels).append(' ').append(value).append('\n');
        return this;
    }

    /** A sample with labels and a floating-point value. */
    PrometheusWriter sample(String name, double value, String... labels) {
        labels(name, labels).append(' ').append(format(value)).append('\n');
        return this;
    }

    private StringBuilder labels(String name, String... labels) {
        out.append(name);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(labels[i]).append("=\"");
                escape(labels[i + 1], true);
                out.append('"');
            }
            out.append('}');
        }
        return out;
    }

    /** A floating-point value as Prometheus reads it: +Inf, -Inf, NaN or a decimal. */
    static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private void escape(String s, boolean quotes) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '"' -> out.append(quotes ? "\\\"" : "\"");
                default -> out.append(ch);
            }
        }
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
