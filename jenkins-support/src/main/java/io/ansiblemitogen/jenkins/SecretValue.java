package io.ansiblemitogen.jenkins;

import java.io.Serializable;
import java.util.Objects;

/**
 * A secret string inside extra vars. The Jenkins adapter turns {@code hudson.util.Secret} values into these so
 * that the plain-Java side knows what to keep off the command line and mask in the console.
 */
public final class SecretValue implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String plainText;

    public SecretValue(String plainText) {
        this.plainText = Objects.requireNonNull(plainText, "plainText");
    }

    public String plainText() {
        return plainText;
    }

    /** Never the secret: a stray log line or exception message must not leak it. */
    @Override
    public String toString() {
        return "****";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecretValue s && s.plainText.equals(plainText);
    }

    @Override
    public int hashCode() {
        return plainText.hashCode();
    }
}
