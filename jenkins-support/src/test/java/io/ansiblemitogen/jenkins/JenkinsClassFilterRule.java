package io.ansiblemitogen.jenkins;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The rules by which the controller's remoting class filter (core's {@code jenkins.security.ClassFilterImpl},
 * installed for every channel) accepts a class that it reads back from an agent, restated for our tests: arrays,
 * throwables and enums pass; a JDK class passes only if core's {@code whitelisted-classes.txt} names it; any
 * other class passes only if its jar is a plugin or says {@code Jenkins-ClassFilter-Whitelisted: true}.
 *
 * <p>Stricter than Jenkins in one point: Jenkins also accepts any {@code target/classes} directory (so a
 * JenkinsRule test in a reactor build would pass even with a bad jar); here a directory must hold the same
 * manifest that goes into the jar.
 */
final class JenkinsClassFilterRule {
    /** The JDK entries of core's whitelisted-classes.txt that our transfer types could plausibly use. */
    static final Set<String> WHITELISTED_JDK = Set.of("java.lang.Boolean", "java.lang.Byte", "java.lang.Character",
            "java.lang.Double", "java.lang.Enum", "java.lang.Float", "java.lang.Integer", "java.lang.Long",
            "java.lang.Number", "java.lang.Object", "java.lang.Short", "java.lang.String", "java.util.ArrayList",
            "java.util.Arrays$ArrayList", "java.util.Collections$EmptyList", "java.util.Collections$EmptyMap",
            "java.util.Collections$EmptySet", "java.util.Collections$SingletonList",
            "java.util.Collections$SingletonMap", "java.util.Collections$SingletonSet",
            "java.util.Collections$UnmodifiableCollection", "java.util.Collections$UnmodifiableList",
            "java.util.Collections$UnmodifiableMap", "java.util.Collections$UnmodifiableRandomAccessList",
            "java.util.Collections$UnmodifiableSet", "java.util.HashMap", "java.util.HashSet",
            "java.util.LinkedHashMap", "java.util.LinkedHashSet", "java.util.LinkedList", "java.util.Optional",
            "java.util.TreeMap", "java.util.TreeSet", "java.util.UUID");

    private JenkinsClassFilterRule() {
    }

    /** {@code null} if the controller accepts {@code c}, else why not. */
    static String rejection(Class<?> c) throws IOException {
        if (c.isArray() || c.isPrimitive() || Throwable.class.isAssignableFrom(c) || Enum.class.isAssignableFrom(c)) {
            return null;
        }
        CodeSource cs = c.getProtectionDomain().getCodeSource();
        URL loc = cs == null ? null : cs.getLocation();
        if (loc == null) {
            return WHITELISTED_JDK.contains(c.getName()) ? null
                    : c.getName() + " is a JDK class that Jenkins' whitelisted-classes.txt does not name";
        }
        Manifest mf = manifest(loc);
        if (mf == null) {
            return c.getName() + " comes from " + loc + ", which has no manifest";
        }
        Attributes a = mf.getMainAttributes();
        boolean plugin = a.getValue("Short-Name") != null
                && (a.getValue("Plugin-Version") != null || a.getValue("Jenkins-Version") != null);
        if (plugin || "true".equals(a.getValue("Jenkins-ClassFilter-Whitelisted"))) {
            return null;
        }
        return c.getName() + " comes from " + loc
                + ", whose manifest neither is a plugin's nor says Jenkins-ClassFilter-Whitelisted: true";
    }

    private static Manifest manifest(URL loc) throws IOException {
        Path p;
        try {
            p = Path.of(loc.toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        if (Files.isDirectory(p)) {
            Path mf = p.resolve("META-INF/MANIFEST.MF");
            if (!Files.isRegularFile(mf)) {
                return null;
            }
            try (InputStream in = Files.newInputStream(mf)) {
                return new Manifest(in);
            }
        }
        try (JarFile jar = new JarFile(p.toFile(), false)) {
            return jar.getManifest();
        }
    }
}
