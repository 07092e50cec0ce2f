package io.ansiblemitogen.jenkins;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.Test;

public class SecretFormsTest {
    private static final String PW = "p\"a\\s's$wörd";
    private final SecretMasker masker = new SecretMasker(List.of(PW));

    @Test
    public void jsonEscapedAsPythonWritesIt() {
        assertEquals("ok: {\"msg\": \"****\"}", masker.mask("ok: {\"msg\": \"p\\\"a\\\\s's$wörd\"}"));
        assertEquals("{\"msg\": \"****\"}", masker.mask("{\"msg\": \"p\\\"a\\\\s's$w\\u00f6rd\"}")); // ensure_ascii
        // A module's JSON stdout inside a result: escaped twice.
        assertEquals("\"stdout\": \"{\\\"t\\\": \\\"****\\\"}\"",
                masker.mask("\"stdout\": \"{\\\"t\\\": \\\"p\\\\\\\"a\\\\\\\\s's$wörd\\\"}\""));
        SecretMasker multi = new SecretMasker(List.of("line-one\nline-two"));
        assertEquals("\"msg\": \"****\"", multi.mask("\"msg\": \"line-one\\nline-two\""));
    }

    @Test
    public void shellQuoted() {
        assertEquals("echo '****'", masker.mask("echo 'p\"a\\s'\\''s$wörd'"));
        assertEquals("echo '****'", masker.mask("echo 'p\"a\\s'\"'\"'s$wörd'")); // shlex.quote
        assertEquals("echo \"****\"", masker.mask("echo \"p\\\"a\\\\s's\\$wörd\""));
        assertEquals("echo ****", masker.mask("echo p\\\"a\\\\s\\'s\\$wörd")); // printf %q
    }

    @Test
    public void base64WholeAndInsideALongerText() {
        byte[] b = PW.getBytes(StandardCharsets.UTF_8);
        assertEquals("content: ****", masker.mask("content: " + Base64.getEncoder().encodeToString(b)));
        for (String before : List.of("", "x", "xy", "xyz")) {
            String text = before + PW + "\n";
            String encoded = Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
            String masked = masker.mask(encoded);
            assertTrue(before + ": " + masked, masked.contains(SecretMasker.MASK));
            // What is left around the mask is at most the groups shared with the text around the secret.
            assertTrue(masked, masked.length() - SecretMasker.MASK.length() <= 12);
        }
    }

    @Test
    public void plainTextAndShortCoresAreLeftAlone() {
        SecretMasker shortOne = new SecretMasker(List.of("abcd"));
        assertEquals("abc abcde", new SecretMasker(List.of("zz")).mask("abc abcde"));
        assertEquals("**** YWJj", shortOne.mask("abcd YWJj")); // 'abc' alone is no form of 'abcd'
        assertFalse(SecretForms.of("abcd").contains("YWJj"));
        assertEquals("nothing", new SecretMasker(List.of("", " ")).mask("nothing"));
    }
}
