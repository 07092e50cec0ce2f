package io.ansiblemitogen.become;

import io.ansiblemitogen.engine.BecomeSpec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Which become child a request may share: same parent interpreter, method, user, Python, program and flags, and
 * the same password (by digest: a request presenting another password must not ride on an authenticated child).
 */
public record ChildKey(int parentContext, String method, String user, String python, String exe, String flags,
                       String passwordDigest) {

    public static ChildKey of(int parentContext, String python, BecomeSpec b, String method) {
        return new ChildKey(parentContext, method, b.userOrRoot(), python, b.exe(), b.flags(),
                b.password() == null ? null : sha256(b.password()));
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return method + ":" + user + " (" + python + ") under context " + parentContext;
    }
}
