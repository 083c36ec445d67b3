package dev.shuttle.websocket.nats;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Room keys as NATS subjects: {@code CHANNEL.TOKEN} where TOKEN is the key's UTF-8 bytes in
 * unpadded base64url. A room key may hold anything ({@code /chat?room=a.b *}), a subject token may
 * not hold dots, spaces or wildcards; base64url's alphabet ({@code A-Z a-z 0-9 - _}) is safe in
 * every token, and one room is exactly one token, so no room's subject can match another's.
 * {@link JetStreamHistory} names its rooms under {@code CHANNEL.history}: one token more than a
 * bridge's, so a bridge's subjects and the history's never match each other.
 */
final class NatsSubjects {
    private final String prefix;

    NatsSubjects(String channel) {
        for (String token : channel.split("\\.", -1)) {
            if (token.isEmpty() || !token.chars().allMatch(c -> c > ' ' && c < 0x7F && c != '*' && c != '>')) {
                throw new IllegalArgumentException("not a NATS subject without wildcards: '" + channel + "'");
            }
        }
        this.prefix = channel + ".";
    }

    /** {@return the wildcard that matches every room's subject, {@code CHANNEL.>}} */
    String all() {
        return prefix + ">";
    }

    String subject(String room) {
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(room.getBytes(StandardCharsets.UTF_8));
    }

    /** {@return the room of a subject, or {@code null} when it is none of ours} */
    String room(String subject) {
        if (subject == null || !subject.startsWith(prefix)) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(subject.substring(prefix.length())), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
