package dev.shuttle.bench;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} and {@code --flag} command-line options. Every lookup names its default,
 * so the usage text and the code cannot drift apart silently; {@link #checkAllUsed()} turns a
 * misspelt option into an error instead of a run with the default.
 */
public final class Args {
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> used = new HashSet<>();

    public Args(String[] args, int from) {
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("expected an option, got " + a);
            }
            String name = a.substring(2);
            int eq = name.indexOf('=');
            if (eq >= 0) {
                values.put(name.substring(0, eq), name.substring(eq + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                values.put(name, args[++i]);
            } else {
                values.put(name, "true");
            }
        }
    }

    public String string(String name, String def) {
        used.add(name);
        return values.getOrDefault(name, def);
    }

    public int integer(String name, int def) {
        return Integer.parseInt(string(name, Integer.toString(def)));
    }

    public long longValue(String name, long def) {
        return Long.parseLong(string(name, Long.toString(def)));
    }

    public double decimal(String name, double def) {
        return Double.parseDouble(string(name, Double.toString(def)));
    }

    public boolean flag(String name) {
        return Boolean.parseBoolean(string(name, "false"));
    }

    /** Sizes accept k/m suffixes (1024-based): {@code 64k}, {@code 1m}. */
    public long size(String name, long def) {
        String v = string(name, Long.toString(def)).trim().toLowerCase();
        long unit = v.endsWith("k") ? 1024 : v.endsWith("m") ? 1024 * 1024 : 1;
        if (unit > 1) {
            v = v.substring(0, v.length() - 1);
        }
        return Long.parseLong(v) * unit;
    }

    public void checkAllUsed() {
        for (String name : values.keySet()) {
            if (!used.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name);
            }
        }
    }
}
