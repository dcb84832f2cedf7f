package io.github.conv4j.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/** The tests' check that a refusal is clear: the right exception, its message naming what was wrong. */
public final class ExpectedFailure {
    private ExpectedFailure() {}

    /** Runs {@code call}, which must throw {@code type} with a message that mentions every one of {@code mustMention}. */
    public static void fails(Class<? extends Throwable> type, Executable call, String... mustMention) {
        Throwable t = assertThrows(type, call);
        for (String s : mustMention)
            assertTrue(t.getMessage().contains(s), "message '" + t.getMessage() + "' should mention '" + s + "'");
    }
}
