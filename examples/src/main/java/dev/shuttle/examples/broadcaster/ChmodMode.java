package dev.shuttle.examples.broadcaster;

import java.util.Locale;

import picocli.CommandLine;

/** {@code --unix-listen-chmod}: who may connect to the UNIX socket (connecting needs read and write permission). */
enum ChmodMode {
    OWNER("rw-------"),
    GROUP("rw-rw----"),
    EVERYBODY("rw-rw-rw-");

    private final String permissions;

    ChmodMode(String permissions) {
        this.permissions = permissions;
    }

    /** In {@code PosixFilePermissions.fromString} form. */
    String permissions() {
        return permissions;
    }

    /** Case-insensitive, as wsbroad. */
    static final class Converter implements CommandLine.ITypeConverter<ChmodMode> {
        @Override
        public ChmodMode convert(String value) {
            for (ChmodMode m : values()) {
                if (m.name().equalsIgnoreCase(value)) {
                    return m;
                }
            }
            throw new CommandLine.TypeConversionException(
                    "unknown mode '" + value + "': expected owner, group or everybody");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
