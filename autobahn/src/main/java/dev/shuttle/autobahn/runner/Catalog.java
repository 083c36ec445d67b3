package dev.shuttle.autobahn.runner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import dev.shuttle.autobahn.runner.cases.Close;
import dev.shuttle.autobahn.runner.cases.Deflate;
import dev.shuttle.autobahn.runner.cases.Fragmentation;
import dev.shuttle.autobahn.runner.cases.Framing;
import dev.shuttle.autobahn.runner.cases.Limits;
import dev.shuttle.autobahn.runner.cases.Misc;
import dev.shuttle.autobahn.runner.cases.Opcodes;
import dev.shuttle.autobahn.runner.cases.PingPong;
import dev.shuttle.autobahn.runner.cases.ReservedBits;
import dev.shuttle.autobahn.runner.cases.Utf8;

/** The case catalog, section by section, as in Autobahn|Testsuite. */
public final class Catalog {
    public static final List<Section> SECTIONS = List.of(
            new Framing(),        // 1
            new PingPong(),       // 2
            new ReservedBits(),   // 3
            new Opcodes(),        // 4
            new Fragmentation(),  // 5
            new Utf8(),           // 6
            new Close(),          // 7
            new Limits(),         // 9
            new Misc(),           // 10
            new Deflate(false),   // 12: permessage-deflate, the default offer
            new Deflate(true)     // 13: permessage-deflate, the catalog's offers and accept rules
    );

    private Catalog() {
    }

    public static List<CaseDef> all() {
        List<CaseDef> all = new ArrayList<>();
        for (Section s : SECTIONS) {
            all.addAll(s.cases());
        }
        all.sort(ORDER);
        return all;
    }

    /** The suite's order: by the numbers of the id. */
    public static final Comparator<CaseDef> ORDER = (a, b) -> Arrays.compare(a.idTuple(), b.idTuple());

    /**
     * The cases matching the suite's patterns ("*", "6.*", "9.1.1"), minus the excluded ones;
     * a '*' matches anything, as in the suite's {@code cases} and {@code exclude-cases}.
     */
    public static List<CaseDef> select(List<String> include, List<String> exclude) {
        Set<CaseDef> chosen = new LinkedHashSet<>();
        for (CaseDef c : all()) {
            if (matches(include, c.id()) && !matches(exclude, c.id())) {
                chosen.add(c);
            }
        }
        return List.copyOf(chosen);
    }

    /** The section a case belongs to. */
    public static Section sectionOf(CaseDef c) {
        for (Section s : SECTIONS) {
            if (s.cases().contains(c)) {
                return s;
            }
        }
        throw new IllegalArgumentException(c.id());
    }

    private static boolean matches(List<String> patterns, String id) {
        for (String p : patterns) {
            String regex = "^" + Pattern.quote(p).replace("*", "\\E.*\\Q") + "$";
            if (Pattern.compile(regex).matcher(id).matches()) {
                return true;
            }
        }
        return false;
    }
}
