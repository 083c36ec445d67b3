package dev.shuttle.autobahn.runner.cases;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Stand-ins for the suite's five compression test files, generated (seeded, so every run sends
 * the same octets) with the originals' kind and exact size: we do not ship the originals (a
 * Project Gutenberg text, a well-known test image, a paper's PDF). What matters to the cases is
 * the same mix of compressibility: ASCII JSON and HTML, German prose, an 8-bit grayscale bitmap
 * with smooth areas and noise, and a PDF that is mostly already-compressed streams.
 */
final class DeflateData {
    /** One test file: the suite's description, whether it is sent as binary, its octets. */
    record Data(String desc, boolean binary, byte[] bytes) {
        String subCategory() {
            return desc + " (" + (binary ? "binary" : "utf8") + ", " + bytes.length + " bytes)";
        }
    }

    private static final String[] WORDS = {"alpha", "beta", "gamma", "delta", "socket", "frame", "message", "deflate",
        "window", "server", "client", "echo", "payload", "context", "takeover", "octet", "stream", "buffer", "shuttle", "case"};
    private static final String[] GERMAN = {"Habe", "nun", "ach", "Philosophie", "Juristerei", "und", "Medizin", "leider",
        "auch", "Theologie", "durchaus", "studiert", "mit", "heißem", "Bemühn", "Da", "steh", "ich", "armer", "Tor",
        "bin", "so", "klug", "als", "wie", "zuvor", "Mephistopheles", "Faust", "Gretchen", "Straße", "Nacht", "Geist",
        "der", "die", "das", "Welt", "Über", "schön", "Glück", "Hölle", "Wagner", "Studierzimmer"};

    /** (After the word lists: static fields initialise in order.) The order of sections 12.1-12.5, as in the suite's reports. */
    static final Data JSON = new Data("Large JSON data file", false, json(194_056));
    static final Data LENA = new Data("Lena Picture, Bitmap 512x512 bw", true, bitmap());
    static final Data FAUST = new Data("Human readable text, Goethe's Faust I (German)", true, prose(222_218));
    static final Data HTML = new Data("Large HTML file", false, html(263_527));
    static final Data PDF = new Data("A larger PDF", true, pdf(1_042_328));

    private DeflateData() {
    }

    private static byte[] json(int size) {
        Random r = new Random(12_1);
        StringBuilder sb = new StringBuilder("[\n");
        for (int i = 0; sb.length() < size; i++) {
            sb.append("  {\"id\": ").append(i).append(", \"guid\": \"").append(Long.toHexString(r.nextLong()))
                    .append("\", \"active\": ").append(r.nextBoolean()).append(", \"balance\": ")
                    .append(r.nextInt(100_000) / 100.0).append(", \"name\": \"").append(words(r, WORDS, 2))
                    .append("\", \"tags\": [\"").append(words(r, WORDS, 1)).append("\", \"").append(words(r, WORDS, 1))
                    .append("\"], \"about\": \"").append(words(r, WORDS, 8 + r.nextInt(12))).append("\"},\n");
        }
        return cut(sb, size);
    }

    private static byte[] html(int size) {
        Random r = new Random(12_4);
        StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html><head><title>data</title></head><body>\n");
        while (sb.length() < size) {
            sb.append("<div class=\"item item-").append(r.nextInt(50)).append("\"><a href=\"/").append(words(r, WORDS, 1))
                    .append('/').append(r.nextInt(10_000)).append("\">").append(words(r, WORDS, 3)).append("</a><p>")
                    .append(words(r, WORDS, 10 + r.nextInt(30))).append("</p></div>\n");
        }
        return cut(sb, size);
    }

    private static byte[] prose(int size) {
        Random r = new Random(12_3);
        StringBuilder sb = new StringBuilder();
        while (sb.toString().getBytes(StandardCharsets.UTF_8).length < size) {
            for (int line = 0; line < 200; line++) {
                sb.append(line % 7 == 0 ? "\r\n" + words(r, GERMAN, 1).toUpperCase() + ".\r\n" : "")
                        .append(words(r, GERMAN, 4 + r.nextInt(6))).append(r.nextInt(4) == 0 ? "!\r\n" : ",\r\n");
            }
        }
        return java.util.Arrays.copyOf(sb.toString().getBytes(StandardCharsets.UTF_8), size); // sent as binary
    }

    private static byte[] bitmap() {
        int w = 512;
        int h = 512;
        int offset = 54 + 1024;
        byte[] b = new byte[offset + w * h];
        b[0] = 'B';
        b[1] = 'M';
        le(b, 2, b.length);
        le(b, 10, offset);
        le(b, 14, 40);
        le(b, 18, w);
        le(b, 22, h);
        b[26] = 1;
        b[28] = 8;
        le(b, 34, w * h);
        for (int i = 0; i < 256; i++) {
            b[54 + 4 * i] = b[55 + 4 * i] = b[56 + 4 * i] = (byte) i;
        }
        Random r = new Random(12_2);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double v = 128 + 60 * Math.sin(x / 37.0) * Math.cos(y / 23.0) + 40 * Math.sin((x + y) / 91.0);
                b[offset + y * w + x] = (byte) Math.max(0, Math.min(255, (int) v + r.nextInt(9) - 4));
            }
        }
        return b;
    }

    private static byte[] pdf(int size) {
        Random r = new Random(12_5);
        StringBuilder text = new StringBuilder();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(size + 8192);
        out.writeBytes("%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n".getBytes(StandardCharsets.ISO_8859_1));
        for (int obj = 1; out.size() < size; obj++) {
            text.setLength(0);
            text.append(obj).append(" 0 obj\n<< /Length ").append(2048 + r.nextInt(4096))
                    .append(" /Filter /FlateDecode >>\nstream\n");
            out.writeBytes(text.toString().getBytes(StandardCharsets.ISO_8859_1));
            byte[] stream = new byte[2048 + r.nextInt(4096)];
            r.nextBytes(stream); // already-compressed content: incompressible
            out.writeBytes(stream);
            text.setLength(0);
            text.append("\nendstream\nendobj\n").append(obj).append(" 1 obj\n<< /Type /Page /Contents [")
                    .append(words(r, WORDS, 6)).append("] /MediaBox [0 0 612 792] >>\nendobj\n");
            out.writeBytes(text.toString().getBytes(StandardCharsets.ISO_8859_1));
        }
        return java.util.Arrays.copyOf(out.toByteArray(), size);
    }

    private static String words(Random r, String[] from, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append(from[r.nextInt(from.length)]);
        }
        return sb.toString();
    }

    private static byte[] cut(StringBuilder sb, int size) {
        return java.util.Arrays.copyOf(sb.toString().getBytes(StandardCharsets.US_ASCII), size);
    }

    private static void le(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }
}
