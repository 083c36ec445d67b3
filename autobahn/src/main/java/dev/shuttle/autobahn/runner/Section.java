package dev.shuttle.autobahn.runner;

import java.util.ArrayList;
import java.util.List;

/**
 * One section of the catalog ("1 Framing", "6 UTF-8 Handling"...). Sections register in
 * {@link Catalog#SECTIONS}; those that need permessage-deflate (12, 13) give each case's offers
 * and accept rule, and report UNIMPLEMENTED when the peer does not take the extension.
 */
public abstract class Section {
    private final List<CaseDef> cases = new ArrayList<>();

    public abstract String number();

    public abstract String title();

    /** What the case negotiates (offers as a client, accept rule as a server), or null: no extension. */
    public Pmd.Spec deflate(CaseDef c) {
        return null;
    }

    public final List<CaseDef> cases() {
        if (cases.isEmpty()) {
            define();
        }
        return cases;
    }

    /** Adds every case of the section, in the suite's order, with {@link #add}. */
    protected abstract void define();

    protected final void add(String id, String description, String expectation, CaseScript.Behaviour behaviour) {
        cases.add(new CaseDef(id, description, expectation, () -> behaviour));
    }

    protected final void add(String id, String description, String expectation,
                             java.util.function.Supplier<CaseScript.Behaviour> behaviour) {
        cases.add(new CaseDef(id, description, expectation, behaviour));
    }
}
