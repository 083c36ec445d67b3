package dev.shuttle.bench.scaleout;

import java.util.List;
import java.util.Locale;

/**
 * The report: one Markdown row per point; {@code (xN)} is the ratio to the {@code local} row at
 * the same rate (deliveries/s: above 1 is more; p99: above 1 is slower).
 */
final class Table {
    private Table() {
    }

    static String render(List<Point.Result> results) {
        StringBuilder b = new StringBuilder();
        b.append("| setup | instances | rate msg/s | sent | deliveries/s | p50 ms | p99 ms | max ms | lost | dup / bad "
                + "| server drops | CPU this JVM / broker (cores) |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Point.Result r : results) {
            Point.Result base = baseline(results, r.rate());
            boolean ratio = base != null && base != r;
            b.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %.0f%s | %.2f | %.2f%s | %.1f | %d | %d | %d | %.2f / %.2f |%n",
                    r.setup().label, r.setup().instances, r.rate(), r.sent(),
                    r.deliveriesPerSecond(), ratio ? ratio(r.deliveriesPerSecond(), base.deliveriesPerSecond()) : "",
                    ms(r.p50()), ms(r.p99()), ratio ? ratio(r.p99(), base.p99()) : "", ms(r.max()),
                    r.lost(), r.duplicates() + r.malformed(), r.serverDrops(), r.jvmCpu(), r.brokerCpu()));
        }
        return b.toString();
    }

    private static Point.Result baseline(List<Point.Result> results, int rate) {
        for (Point.Result r : results) {
            if (r.setup() == Setup.LOCAL && r.rate() == rate) {
                return r;
            }
        }
        return null;
    }

    private static String ratio(double x, double base) {
        return base == 0 ? "" : String.format(Locale.ROOT, " (x%.2f)", x / base);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
