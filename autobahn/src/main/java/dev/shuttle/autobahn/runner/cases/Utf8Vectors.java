package dev.shuttle.autobahn.runner.cases;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import dev.shuttle.autobahn.runner.Wire;

/**
 * The UTF-8 sequences of cases 6.5 to 6.23: Markus Kuhn's UTF-8 decoder stress test
 * (https://www.cl.cam.ac.uk/~mgk25/ucs/examples/UTF-8-test.txt) in the groups and order the
 * suite numbers them, each marked valid or invalid as a complete message.
 */
final class Utf8Vectors {
    record Vector(boolean valid, byte[] bytes) {
    }

    record Group(String title, List<Vector> vectors) {
    }

    /** κόσμε, the valid multi-byte sample of the stress test. */
    static final byte[] KOSME = hex("cebae1bdb9cf83cebcceb5");

    private Utf8Vectors() {
    }

    static List<Group> groups() {
        List<Group> g = new ArrayList<>();
        g.add(group("Some valid UTF-8 sequences", true,
                cat(ascii("hello"), hex("24"), ascii("world")), cat(ascii("hello"), hex("c2a2"), ascii("world")),
                cat(ascii("hello"), hex("e282ac"), ascii("world")), cat(ascii("hello"), hex("f0a4ada2"), ascii("world")),
                KOSME));
        List<Vector> prefixes = new ArrayList<>();
        for (int i = 1; i <= KOSME.length; i++) {
            byte[] prefix = java.util.Arrays.copyOf(KOSME, i);
            prefixes.add(new Vector(Wire.isValidUtf8(prefix), prefix));
        }
        g.add(new Group("All prefixes of a valid UTF-8 string that contains multi-byte code points", prefixes));
        g.add(group("First possible sequence of a certain length", true, hex("00"), hex("c280"), hex("e0a080"), hex("f0908080")));
        g.add(group("First possible sequence length 5/6 (invalid codepoints)", false, hex("f888808080"), hex("fc8480808080")));
        g.add(group("Last possible sequence of a certain length", true, hex("7f"), hex("dfbf"), hex("efbfbf"), hex("f48fbfbf")));
        g.add(group("Last possible sequence length 4/5/6 (invalid codepoints)", false,
                hex("f7bfbfbf"), hex("fbbfbfbfbf"), hex("fdbfbfbfbfbf")));
        g.add(new Group("Other boundary conditions", List.of(valid("ed9fbf"), valid("ee8080"), valid("efbfbd"),
                valid("f48fbfbf"), new Vector(false, hex("f4908080")))));
        g.add(group("Unexpected continuation bytes", false, hex("80"), hex("bf"), hex("80bf"), hex("80bf80"),
                hex("80bf80bf"), hex("80bf80bf80"), hex("80bf80bf80bf"), range(0x80, 0xbf, false)));
        g.add(group("Lonely start characters", false, range(0xc0, 0xdf, true), range(0xe0, 0xef, true),
                range(0xf0, 0xf7, true), range(0xf8, 0xfb, true), range(0xfc, 0xfd, true)));
        byte[][] missing = {hex("c0"), hex("e080"), hex("f08080"), hex("f8808080"), hex("fc80808080"),
                hex("df"), hex("efbf"), hex("f7bfbf"), hex("fbbfbfbf"), hex("fdbfbfbfbf")};
        g.add(group("Sequences with last continuation byte missing", false, missing));
        g.add(group("Concatenation of incomplete sequences", false, cat(missing)));
        g.add(group("Impossible bytes", false, hex("fe"), hex("ff"), hex("fefeffff")));
        g.add(group("Examples of an overlong ASCII character", false,
                hex("c0af"), hex("e080af"), hex("f08080af"), hex("f8808080af"), hex("fc80808080af")));
        g.add(group("Maximum overlong sequences", false,
                hex("c1bf"), hex("e09fbf"), hex("f08fbfbf"), hex("f887bfbfbf"), hex("fc83bfbfbfbf")));
        g.add(group("Overlong representation of the NUL character", false,
                hex("c080"), hex("e08080"), hex("f0808080"), hex("f880808080"), hex("fc8080808080")));
        g.add(group("Single UTF-16 surrogates", false,
                hex("eda080"), hex("edadbf"), hex("edae80"), hex("edafbf"), hex("edb080"), hex("edbe80"), hex("edbfbf")));
        g.add(group("Paired UTF-16 surrogates", false, hex("eda080edb080"), hex("eda080edbfbf"), hex("edadbfedb080"),
                hex("edadbfedbfbf"), hex("edae80edb080"), hex("edae80edbfbf"), hex("edafbfedb080"), hex("edafbfedbfbf")));
        g.add(new Group("Non-character code points (valid UTF-8)", nonCharacters()));
        g.add(group("Unicode specials (i.e. replacement char)", true,
                hex("efbfb9"), hex("efbfba"), hex("efbfbb"), hex("efbfbc"), hex("efbfbd"), hex("efbfbe"), hex("efbfbf")));
        return g;
    }

    /** U+FFFE, U+FFFF and the last two code points of planes 1 to 16: valid UTF-8 by RFC 3629. */
    private static List<Vector> nonCharacters() {
        List<Vector> v = new ArrayList<>(List.of(valid("efbfbe"), valid("efbfbf")));
        int[] leads = {0xf0, 0xf1, 0xf2, 0xf3, 0xf4};
        int[] seconds = {0x8f, 0x9f, 0xaf, 0xbf};
        for (int lead : leads) {
            for (int second : seconds) {
                if (lead == 0xf4 && second != 0x8f) {
                    continue; // beyond U+10FFFF
                }
                for (int last : new int[] {0xbe, 0xbf}) {
                    if (lead == 0xf0 && second == 0x8f) {
                        continue; // overlong
                    }
                    v.add(new Vector(true, new byte[] {(byte) lead, (byte) second, (byte) 0xbf, (byte) last}));
                }
            }
        }
        return v;
    }

    private static Group group(String title, boolean valid, byte[]... sequences) {
        List<Vector> v = new ArrayList<>();
        for (byte[] s : sequences) {
            v.add(new Vector(valid, s));
        }
        return new Group(title, v);
    }

    private static Vector valid(String hex) {
        return new Vector(true, hex(hex));
    }

    /** Bytes from..to-1, each followed by a space when {@code spaced} (the "lonely start" lines). */
    private static byte[] range(int from, int to, boolean spaced) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int b = from; b < to; b++) {
            out.write(b);
            if (spaced) {
                out.write(0x20);
            }
        }
        return out.toByteArray();
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] ascii(String s) {
        return Wire.utf8(s);
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
