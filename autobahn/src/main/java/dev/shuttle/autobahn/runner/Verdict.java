package dev.shuttle.autobahn.runner;

/**
 * The outcome names of Autobahn|Testsuite, spelled as its reports spell them. {@code behavior}
 * takes OK, NON-STRICT, INFORMATIONAL, UNIMPLEMENTED or FAILED; {@code behaviorClose} takes OK,
 * INFORMATIONAL, WRONG CODE, UNCLEAN, FAILED BY CLIENT or FAILED.
 */
public final class Verdict {
    public static final String OK = "OK";
    public static final String NON_STRICT = "NON-STRICT";
    public static final String INFORMATIONAL = "INFORMATIONAL";
    public static final String UNIMPLEMENTED = "UNIMPLEMENTED";
    public static final String FAILED = "FAILED";
    /** behaviorClose: the peer's close code is not one the case allows (the suite shows it as non-strict). */
    public static final String WRONG_CODE = "WRONG CODE";
    /** behaviorClose: the case requires a clean closing handshake and there was none (shown as failed). */
    public static final String UNCLEAN = "UNCLEAN";
    /** behaviorClose: the fuzzer, as a client, had to drop TCP itself (shown as "almost"). */
    public static final String FAILED_BY_CLIENT = "FAILED BY CLIENT";

    private Verdict() {
    }

    /**
     * Whether a case fails the gate: the suite's report shows it as "Fail", in the behaviour
     * column or in the close column (FAILED or UNCLEAN there). The gate is one notch stricter
     * than the report's colours: FAILED BY CLIENT also fails, because the fuzzer only drops TCP
     * itself when the peer broke the protocol or never closed its end.
     */
    public static boolean failsGate(String behavior, String behaviorClose) {
        return FAILED.equals(behavior) || FAILED.equals(behaviorClose) || UNCLEAN.equals(behaviorClose)
                || FAILED_BY_CLIENT.equals(behaviorClose);
    }
}
