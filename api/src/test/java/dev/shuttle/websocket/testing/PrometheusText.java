package dev.shuttle.websocket.testing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, written from the format's
 * description: it throws on anything the format does not allow (a sample before its family's
 * TYPE, a family split in two, a duplicated series, a bad name or escape, a histogram whose
 * buckets are not cumulative or lack +Inf, a {@code _count} that is not the +Inf bucket, a
 * counter family without the {@code _total} suffix). Tests read figures back with {@link #value}.
 */
public final class PrometheusText {
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** One sample: its name, labels in the order given, and value. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    /** A family: name, type, help and its samples. */
    public record Family(String name, String type, String help, List<Sample> samples) {
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    private PrometheusText() {
    }

    /**
     * Parses a whole exposition.
     *
     * @throws IllegalArgumentException with the line number at the first violation
     */
    public static PrometheusText parse(String text) {
        PrometheusText p = new PrometheusText();
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the exposition must end with a line feed");
        }
        String[] lines = text.split("\n", -1);
        Map<String, String> help = new LinkedHashMap<>();
        Set<String> closed = new HashSet<>();
        Set<String> seriesSeen = new HashSet<>();
        String current = null;
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            int no = i + 1;
            try {
                if (line.isEmpty()) {
                    continue;
                }
                if (line.startsWith("#")) {
                    String[] parts = line.split(" ", 4);
                    if (parts.length >= 3 && parts[0].equals("#") && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
                        String name = parts[2];
                        require(METRIC_NAME.matcher(name).matches(), "bad metric name " + name);
                        if (current != null && !current.equals(name)) {
                            closed.add(current);
                        }
                        require(!closed.contains(name), "family " + name + " appears twice");
                        if (parts[1].equals("HELP")) {
                            require(!help.containsKey(name), "second HELP for " + name);
                            help.put(name, parts.length == 4 ? unescapeHelp(parts[3]) : "");
                            current = name;
                        } else {
                            require(parts.length == 4 && TYPES.contains(parts[3]), "bad TYPE line");
                            require(!p.families.containsKey(name), "second TYPE for " + name);
                            p.families.put(name, new Family(name, parts[3], help.getOrDefault(name, ""), new ArrayList<>()));
                            current = name;
                        }
                    }
                    continue; // other comments are allowed
                }
                Sample s = sample(line);
                Family f = p.familyOf(s.name);
                require(f != null, "sample " + s.name + " before its TYPE");
                require(f.name.equals(current), "sample of " + f.name + " outside its family's block");
                require(seriesSeen.add(s.name + s.labels), "duplicate series " + s.name + s.labels);
                f.samples.add(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + no + ": " + e.getMessage() + ": " + line, e);
            }
        }
        for (Family f : p.families.values()) {
            if (f.type.equals("counter")) {
                require(f.name.endsWith("_total"), "counter " + f.name + " without _total");
            }
            if (f.type.equals("histogram")) {
                checkHistogram(f);
            }
        }
        return p;
    }

    /** {@return the family of that name, or a failure} */
    public Family family(String name) {
        Family f = families.get(name);
        if (f == null) {
            throw new AssertionError("no family " + name + " in " + families.keySet());
        }
        return f;
    }

    /** {@return whether a family of that name is there} */
    public boolean has(String name) {
        return families.containsKey(name);
    }

    /**
     * The value of the one sample with this name and exactly these labels.
     *
     * @param labels name, value, name, value, …
     */
    public double value(String sampleName, String... labels) {
        Map<String, String> want = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            want.put(labels[i], labels[i + 1]);
        }
        for (Family f : families.values()) {
            for (Sample s : f.samples) {
                if (s.name.equals(sampleName) && new TreeMap<>(s.labels).equals(want)) {
                    return s.value;
                }
            }
        }
        throw new AssertionError("no sample " + sampleName + want);
    }

    private Family familyOf(String sampleName) {
        Family f = families.get(sampleName);
        if (f != null && !f.type.equals("histogram") && !f.type.equals("summary")) {
            return f;
        }
        for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
            if (sampleName.endsWith(suffix)) {
                Family h = families.get(sampleName.substring(0, sampleName.length() - suffix.length()));
                if (h != null && (h.type.equals("histogram") || (h.type.equals("summary") && !suffix.equals("_bucket")))) {
                    return h;
                }
            }
        }
        return f != null && f.type.equals("summary") ? f : null;
    }

    private static void checkHistogram(Family f) {
        Map<String, List<Sample>> bySeries = new LinkedHashMap<>();
        Map<String, Double> counts = new LinkedHashMap<>();
        for (Sample s : f.samples) {
            Map<String, String> rest = new TreeMap<>(s.labels);
            if (s.name.endsWith("_bucket")) {
                require(rest.remove("le") != null, "bucket without le");
                bySeries.computeIfAbsent(rest.toString(), k -> new ArrayList<>()).add(s);
            } else if (s.name.endsWith("_count")) {
                counts.put(rest.toString(), s.value);
            } else {
                require(s.name.endsWith("_sum"), "stray sample in histogram " + s.name);
            }
        }
        require(!bySeries.isEmpty(), "histogram " + f.name + " without buckets");
        for (Map.Entry<String, List<Sample>> e : bySeries.entrySet()) {
            double lastLe = Double.NEGATIVE_INFINITY;
            double lastCount = 0;
            for (Sample b : e.getValue()) {
                double le = number(b.labels.get("le"));
                require(le > lastLe, "buckets not in increasing le");
                require(b.value >= lastCount, "buckets not cumulative");
                lastLe = le;
                lastCount = b.value;
            }
            require(lastLe == Double.POSITIVE_INFINITY, "no +Inf bucket");
            Double count = counts.get(e.getKey());
            require(count != null && count == lastCount, "_count is not the +Inf bucket");
        }
    }

    private static Sample sample(String line) {
        int i = 0;
        int n = line.length();
        while (i < n && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        require(METRIC_NAME.matcher(name).matches(), "bad metric name " + name);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < n && line.charAt(i) == '{') {
            i++;
            while (true) {
                require(i < n, "unterminated labels");
                if (line.charAt(i) == '}') {
                    i++;
                    break;
                }
                int eq = line.indexOf('=', i);
                require(eq > i, "label without =");
                String label = line.substring(i, eq);
                require(LABEL_NAME.matcher(label).matches() && !label.startsWith("__"), "bad label name " + label);
                i = eq + 1;
                require(i < n && line.charAt(i) == '"', "label value not quoted");
                i++;
                StringBuilder v = new StringBuilder();
                while (true) {
                    require(i < n, "unterminated label value");
                    char c = line.charAt(i++);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        require(i < n, "dangling escape");
                        char e = line.charAt(i++);
                        switch (e) {
                            case '\\' -> v.append('\\');
                            case '"' -> v.append('"');
                            case 'n' -> v.append('\n');
                            default -> throw new IllegalArgumentException("bad escape \\" + e);
                        }
                    } else {
                        v.append(c);
                    }
                }
                require(labels.put(label, v.toString()) == null, "label " + label + " twice");
                require(i < n, "unterminated labels");
                if (line.charAt(i) == ',') {
                    i++;
                } else {
                    require(line.charAt(i) == '}', "expected , or }");
                }
            }
        }
        require(i < n && line.charAt(i) == ' ', "no space before the value");
        String[] rest = line.substring(i + 1).split(" ", -1);
        require(rest.length == 1 || rest.length == 2, "value then at most a timestamp");
        double value = number(rest[0]);
        if (rest.length == 2) {
            Long.parseLong(rest[1]);
        }
        return new Sample(name, labels, value);
    }

    private static double number(String s) {
        switch (s) {
            case "+Inf", "Inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-Inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "NaN" -> {
                return Double.NaN;
            }
            default -> {
                // Go's ParseFloat syntax, without Java's suffixes (d, f) and hex that Double.parseDouble takes.
                require(s.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?"), "bad number " + s);
                return Double.parseDouble(s);
            }
        }
    }

    private static String unescapeHelp(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                require(i + 1 < s.length(), "dangling escape in HELP");
                char e = s.charAt(++i);
                switch (e) {
                    case '\\' -> out.append('\\');
                    case 'n' -> out.append('\n');
                    default -> throw new IllegalArgumentException("bad escape in HELP \\" + e);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException(what);
        }
    }
}
