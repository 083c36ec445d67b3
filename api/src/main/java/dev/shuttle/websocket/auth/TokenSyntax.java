package dev.shuttle.websocket.auth;

/** RFC 6750 §2.1 {@code b64token}: {@code 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}. */
final class TokenSyntax {
    private TokenSyntax() {
    }

    static boolean isB64Token(String s) {
        int n = s.length();
        int end = n;
        while (end > 0 && s.charAt(end - 1) == '=') {
            end--;
        }
        if (end == 0) {
            return false;
        }
        for (int i = 0; i < end; i++) {
            char ch = s.charAt(i);
            boolean ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')
                    || ch == '-' || ch == '.' || ch == '_' || ch == '~' || ch == '+' || ch == '/';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
