package dev.shuttle.autobahn.runner;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * permessage-deflate (RFC 7692) as the fuzzer speaks it, for sections 12 and 13: the suite's
 * offers and server accept rules, the checks of a server's answer, and the fuzzer's own codec on
 * {@code java.util.zip}. Written for the runner; it shares no code with the engine under test.
 */
public final class Pmd {
    public static final String NAME = "permessage-deflate";
    /** Inflated messages above this are a broken peer (the catalog's largest is 128 KiB). */
    private static final int MAX_INFLATED = 32 << 20;
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    private Pmd() {
    }

    /**
     * One client offer, in the suite's terms: {@code accept*} are what the client lets the server
     * ask of it ({@code client_no_context_takeover}, {@code client_max_window_bits}),
     * {@code request*} what it asks of the server (0 bits: no request).
     */
    public record Offer(boolean acceptNoContextTakeover, boolean acceptMaxWindowBits,
                        boolean requestNoContextTakeover, int requestMaxWindowBits) {
        /** The suite's default offer: {@code permessage-deflate; client_no_context_takeover; client_max_window_bits}. */
        public static Offer of(boolean requestNoContextTakeover, int requestMaxWindowBits) {
            return new Offer(true, true, requestNoContextTakeover, requestMaxWindowBits);
        }

        public String header() {
            return NAME + (acceptNoContextTakeover ? "; client_no_context_takeover" : "")
                    + (acceptMaxWindowBits ? "; client_max_window_bits" : "")
                    + (requestNoContextTakeover ? "; server_no_context_takeover" : "")
                    + (requestMaxWindowBits != 0 ? "; server_max_window_bits=" + requestMaxWindowBits : "");
        }

        /** As the suite reads a client's offer: it always takes no-context-takeover as acceptable. */
        static Offer parse(Map<String, String> params) {
            boolean mwb = false;
            boolean noCtx = false;
            int request = 0;
            for (Map.Entry<String, String> e : params.entrySet()) {
                switch (e.getKey()) {
                    case "client_max_window_bits" -> mwb = e.getValue() == null || bits(e.getValue()) > 0;
                    case "client_no_context_takeover" -> { }
                    case "server_no_context_takeover" -> noCtx = flag(e.getValue());
                    case "server_max_window_bits" -> request = bits(e.getValue());
                    default -> throw new IllegalArgumentException("unknown parameter " + e.getKey());
                }
            }
            return new Offer(true, mwb, noCtx, request);
        }
    }

    /** The negotiated parameters (0 bits: not limited, 15). */
    public record Params(boolean serverNoContextTakeover, int serverMaxWindowBits,
                         boolean clientNoContextTakeover, int clientMaxWindowBits) {
        /** The response header, in the suite's order. */
        public String header() {
            return NAME + (serverNoContextTakeover ? "; server_no_context_takeover" : "")
                    + (serverMaxWindowBits != 0 ? "; server_max_window_bits=" + serverMaxWindowBits : "")
                    + (clientNoContextTakeover ? "; client_no_context_takeover" : "")
                    + (clientMaxWindowBits != 0 ? "; client_max_window_bits=" + clientMaxWindowBits : "");
        }

        boolean compatibleWith(Offer o) {
            return (!o.requestNoContextTakeover() || serverNoContextTakeover)
                    && (o.requestMaxWindowBits() == 0 || (serverMaxWindowBits != 0 && serverMaxWindowBits <= o.requestMaxWindowBits()))
                    && (clientMaxWindowBits == 0 || o.acceptMaxWindowBits());
        }
    }

    /** What a case of sections 12/13 negotiates: the client's offers, and the server's accept rule (1-7 as 13.1-13.7). */
    public record Spec(List<Offer> offers, int acceptRule) {
        public String offerHeader() {
            return String.join(", ", offers.stream().map(Offer::header).toList());
        }
    }

    /**
     * The suite's server accept rules: 1 any offer; 2 also {@code client_no_context_takeover};
     * 3/4 {@code client_max_window_bits} 8/15 (when offered); 5/6 both; 7 tries 5, then 2, then 1.
     * Null: decline.
     */
    public static Params accept(int rule, List<Offer> offers) {
        if (rule == 7) {
            Params p = accept(5, offers);
            p = p != null ? p : accept(2, offers);
            return p != null ? p : accept(1, offers);
        }
        boolean noCtx = rule == 2 || rule == 5 || rule == 6;
        int bits = rule == 3 || rule == 5 ? 8 : rule == 4 || rule == 6 ? 15 : 0;
        for (Offer o : offers) {
            if ((!noCtx || o.acceptNoContextTakeover()) && (bits == 0 || o.acceptMaxWindowBits())) {
                return new Params(o.requestNoContextTakeover(), o.requestMaxWindowBits(), noCtx, bits);
            }
        }
        return null;
    }

    /** The permessage-deflate offers of a client's {@code Sec-WebSocket-Extensions}; malformed ones are skipped. */
    static List<Offer> offers(String header) {
        List<Offer> offers = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> e : parse(header)) {
            if (e.getKey().equals(NAME)) {
                try {
                    offers.add(Offer.parse(e.getValue()));
                } catch (IllegalArgumentException ignored) {
                    // the suite declines what it cannot parse
                }
            }
        }
        return offers;
    }

    /**
     * Checks a server's answer (RFC 7692 §5, §7): null when it chose no extension; otherwise
     * exactly one well-formed permessage-deflate, and no {@code client_max_window_bits} unless
     * offered. Like the suite, whose client takes any permessage-deflate answer, it does not fail
     * an answer that ignores what an offer asked of the server; {@link #mismatch} says so.
     */
    static Params answer(String header, List<Offer> offers) throws IOException {
        List<Map.Entry<String, Map<String, String>>> exts = parse(header);
        if (exts.isEmpty()) {
            return null;
        }
        if (offers.isEmpty() || exts.size() != 1 || !exts.get(0).getKey().equals(NAME)) {
            throw new IOException("server answered extensions we did not offer: " + header);
        }
        boolean sNoCtx = false;
        boolean cNoCtx = false;
        int sBits = 0;
        int cBits = 0;
        try {
            for (Map.Entry<String, String> e : exts.get(0).getValue().entrySet()) {
                switch (e.getKey()) {
                    case "server_no_context_takeover" -> sNoCtx = flag(e.getValue());
                    case "client_no_context_takeover" -> cNoCtx = flag(e.getValue());
                    case "server_max_window_bits" -> sBits = bits(e.getValue());
                    case "client_max_window_bits" -> cBits = bits(e.getValue());
                    default -> throw new IllegalArgumentException("unknown parameter " + e.getKey());
                }
            }
        } catch (IllegalArgumentException e) {
            throw new IOException("invalid permessage-deflate answer (" + e.getMessage() + "): " + header);
        }
        if (cBits != 0 && offers.stream().noneMatch(Offer::acceptMaxWindowBits)) {
            throw new IOException("client_max_window_bits answered but not offered: " + header);
        }
        return new Params(sNoCtx, sBits, cNoCtx, cBits);
    }

    /** Null when the answer fits one of the offers (RFC 7692 §7.1.1.1, §7.1.2.1), else why not (for the report). */
    static String mismatch(Params p, List<Offer> offers) {
        for (Offer o : offers) {
            if (p.compatibleWith(o)) {
                return null;
            }
        }
        return "RFC 7692 §7.1: the answer '" + p.header() + "' fits none of the offers (a server accepting an offer "
                + "must include the server_no_context_takeover / server_max_window_bits it asked for)";
    }

    /** {@code ext; a; b=1, ext2} as (name, params) in order; a repeated parameter is malformed. */
    static List<Map.Entry<String, Map<String, String>>> parse(String header) {
        List<Map.Entry<String, Map<String, String>>> out = new ArrayList<>();
        if (header == null || header.isBlank()) {
            return out;
        }
        for (String ext : header.split(",")) {
            String[] parts = ext.split(";");
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 1; i < parts.length; i++) {
                String[] kv = parts[i].split("=", 2);
                String key = kv[0].trim().toLowerCase(Locale.ROOT);
                String value = kv.length > 1 ? kv[1].trim().replace("\"", "") : null;
                if (params.containsKey(key)) {
                    value = "repeated";
                }
                params.put(key, value);
            }
            out.add(Map.entry(parts[0].trim().toLowerCase(Locale.ROOT), params));
        }
        return out;
    }

    private static boolean flag(String value) {
        if (value != null) {
            throw new IllegalArgumentException("a flag with a value: " + value);
        }
        return true;
    }

    private static int bits(String value) {
        try {
            int v = Integer.parseInt(value);
            if (v >= 8 && v <= 15) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // below
        }
        throw new IllegalArgumentException("window bits must be 8..15: " + value);
    }

    /**
     * One end's codec. {@code java.util.zip} deflates only with a 32 KiB window, so when our
     * window is limited below 15 bits we send stored (level 0) blocks, which any window decodes.
     */
    public static final class Codec {
        private final boolean resetDeflater;
        private final boolean resetInflater;
        private final int level;
        private Deflater deflater;
        private Inflater inflater;

        Codec(Params p, boolean isServer) {
            int myBits = isServer ? p.serverMaxWindowBits() : p.clientMaxWindowBits();
            resetDeflater = isServer ? p.serverNoContextTakeover() : p.clientNoContextTakeover();
            resetInflater = isServer ? p.clientNoContextTakeover() : p.serverNoContextTakeover();
            level = myBits == 0 || myBits == 15 ? Deflater.DEFAULT_COMPRESSION : Deflater.NO_COMPRESSION;
        }

        /** RFC 7692 §7.2.1: deflate, sync flush, drop the trailing 00 00 ff ff. */
        public byte[] compress(byte[] data) {
            if (deflater == null || resetDeflater) {
                if (deflater != null) {
                    deflater.end();
                }
                deflater = new Deflater(level, true);
            }
            deflater.setInput(data);
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
            byte[] buf = new byte[16 << 10];
            int n;
            do {
                n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
                out.write(buf, 0, n);
            } while (n == buf.length);
            byte[] all = out.toByteArray();
            int len = all.length;
            if (len >= 4 && all[len - 4] == 0 && all[len - 3] == 0 && all[len - 2] == (byte) 0xff && all[len - 1] == (byte) 0xff) {
                len -= 4;
            }
            return java.util.Arrays.copyOf(all, len);
        }

        /** RFC 7692 §7.2.2: append 00 00 ff ff and inflate. */
        public byte[] decompress(byte[] data) throws DataFormatException {
            if (inflater == null || resetInflater) {
                if (inflater != null) {
                    inflater.end();
                }
                inflater = new Inflater(true);
            }
            byte[] input = java.util.Arrays.copyOf(data, data.length + 4);
            System.arraycopy(TAIL, 0, input, data.length, 4);
            inflater.setInput(input);
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length * 3 + 64);
            byte[] buf = new byte[32 << 10];
            while (true) {
                int n = inflater.inflate(buf);
                out.write(buf, 0, n);
                if (out.size() > MAX_INFLATED) {
                    throw new DataFormatException("message inflates beyond " + MAX_INFLATED + " octets");
                }
                if (n == 0 && (inflater.needsInput() || inflater.finished() || inflater.needsDictionary())) {
                    break;
                }
            }
            if (inflater.finished()) {
                inflater.end(); // the peer set BFINAL: the next message starts a new stream
                inflater = null;
            }
            return out.toByteArray();
        }

        void end() {
            if (deflater != null) {
                deflater.end();
            }
            if (inflater != null) {
                inflater.end();
            }
        }
    }
}
