package dev.shuttle.examples.chamber;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The pure parts: the metadata line's targets, and where a relayed text frame may end. */
class MetadataTest {
    private static Set<String> targets(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return Metadata.targets(b, b.length);
    }

    @Test
    void targetItems() {
        assertSame(Metadata.EVERYONE_ELSE, targets(""));
        assertSame(Metadata.EVERYONE_ELSE, targets("Q1:Z"), "items other than T are ignored");
        assertEquals(List.of("22", "18"), List.copyOf(targets("T22,18")));
        assertEquals(List.of("*"), List.copyOf(targets("T*")));
        assertEquals(List.of("**"), List.copyOf(targets("x:T**")));
        assertEquals(List.of("1", "2", "*"), List.copyOf(targets("T1,2:T2,*")), "T items add up, without duplicates");
        assertEquals(List.of(""), List.copyOf(targets("T")), "an empty ID names nobody rather than everyone");
        assertEquals(List.of("3", ""), List.copyOf(targets("T3,")));
    }

    @Test
    void newlineWithinLimits() {
        byte[] b = "ab\ncd".getBytes(StandardCharsets.US_ASCII);
        assertEquals(2, Metadata.newline(b, 0, b.length));
        assertEquals(-1, Metadata.newline(b, 0, 2));
    }

    @Test
    void textFramesEndOnCharacterBoundaries() {
        byte[] euro = "a€".getBytes(StandardCharsets.UTF_8); // 61 e2 82 ac
        assertEquals(4, Member.characterBoundary(euro, 0, 4));
        assertEquals(1, Member.characterBoundary(euro, 0, 3), "e2 82 waits for its last byte");
        assertEquals(1, Member.characterBoundary(euro, 0, 2));
        byte[] emoji = "😀".getBytes(StandardCharsets.UTF_8); // 4 bytes
        assertEquals(0, Member.characterBoundary(emoji, 0, 3));
        assertEquals(4, Member.characterBoundary(emoji, 0, 4));
        byte[] two = "é".getBytes(StandardCharsets.UTF_8);
        assertEquals(0, Member.characterBoundary(two, 0, 1));
        assertEquals(2, Member.characterBoundary(two, 0, 2));
        assertEquals(3, Member.characterBoundary("abc".getBytes(StandardCharsets.US_ASCII), 0, 3));
    }
}
