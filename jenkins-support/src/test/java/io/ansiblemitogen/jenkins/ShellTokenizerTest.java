package io.ansiblemitogen.jenkins;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.junit.Test;

public class ShellTokenizerTest {
    @Test
    public void splitsOnWhitespace() {
        assertEquals(List.of("--flush-cache", "-e", "a=1"), ShellTokenizer.tokenize("  --flush-cache\t-e  a=1 \n"));
    }

    @Test
    public void keepsQuotedArgumentsTogether() {
        assertEquals(List.of("--ssh-extra-args=-o StrictHostKeyChecking=no", "x y"),
                ShellTokenizer.tokenize("--ssh-extra-args=\"-o StrictHostKeyChecking=no\" 'x y'"));
    }

    @Test
    public void singleQuotesAreLiteral() {
        assertEquals(List.of("a\\\"$b"), ShellTokenizer.tokenize("'a\\\"$b'"));
    }

    @Test
    public void doubleQuotesHonourTheShellEscapesOnly() {
        assertEquals(List.of("say \"hi\" \\n $x"), ShellTokenizer.tokenize("\"say \\\"hi\\\" \\n \\$x\""));
    }

    @Test
    public void backslashEscapesOutsideQuotes() {
        assertEquals(List.of("a b", "c"), ShellTokenizer.tokenize("a\\ b c"));
        assertEquals(List.of("ab"), ShellTokenizer.tokenize("a\\\nb"));
    }

    @Test
    public void emptyQuotesMakeAnEmptyArgument() {
        assertEquals(List.of("-e", ""), ShellTokenizer.tokenize("-e ''"));
    }

    @Test
    public void adjacentPartsJoin() {
        assertEquals(List.of("--tags=a b,c"), ShellTokenizer.tokenize("--tags='a b',c"));
    }

    @Test
    public void nullAndBlankGiveNothing() {
        assertTrue(ShellTokenizer.tokenize(null).isEmpty());
        assertTrue(ShellTokenizer.tokenize("   ").isEmpty());
    }

    @Test
    public void unclosedQuotesAreErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShellTokenizer.tokenize("--x 'abc"));
        assertTrue(e.getMessage(), e.getMessage().contains("unclosed single quote"));
        assertThrows(IllegalArgumentException.class, () -> ShellTokenizer.tokenize("\"abc"));
        assertThrows(IllegalArgumentException.class, () -> ShellTokenizer.tokenize("abc\\"));
    }
}
