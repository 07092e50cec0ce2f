package io.ansiblemitogen.transport.ssh;

import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.signature.BuiltinSignatures;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The algorithm list options (Ciphers, MACs, KexAlgorithms, HostKeyAlgorithms, PubkeyAcceptedAlgorithms) with
 * ssh_config's forms: {@code a,b} (exactly these), {@code +a} (append), {@code -a} (remove), {@code ^a} (put
 * first). Names must be algorithms MINA implements; wildcards are not supported.
 */
enum Algorithms {
    CIPHERS("Ciphers", n -> supported(BuiltinCiphers.fromFactoryName(n))),
    MACS("MACs", n -> supported(BuiltinMacs.fromFactoryName(n))),
    KEX("KexAlgorithms", n -> {
        BuiltinDHFactories f = BuiltinDHFactories.fromFactoryName(n);
        return f != null && f.isSupported() ? ClientBuilder.DH2KEX.apply(f) : null;
    }),
    HOST_KEYS("HostKeyAlgorithms", n -> supported(BuiltinSignatures.fromFactoryName(n))),
    PUBKEYS("PubkeyAcceptedAlgorithms", n -> supported(BuiltinSignatures.fromFactoryName(n)));

    final String option;
    private final Function<String, Object> factory;

    Algorithms(String option, Function<String, Object> factory) {
        this.option = option;
        this.factory = factory;
    }

    private static Object supported(Object f) {
        if (f instanceof BuiltinCiphers c) {
            return c.isSupported() ? CipherOrder.ours(c) : null;
        }
        if (f instanceof BuiltinMacs m) {
            return m.isSupported() ? m : null;
        }
        if (f instanceof BuiltinSignatures s) {
            return s.isSupported() ? s : null;
        }
        return null;
    }

    /** The factory for {@code name}, or null when MINA does not implement it. */
    Object factory(String name) {
        return factory.apply(name);
    }

    /**
     * The names to offer, in order, given the option's value (null: keep {@code defaults}, returns null).
     * Checked here, before connecting, so a typo is an error naming the option.
     */
    List<String> resolve(String spec, List<String> defaults, String source) throws SshOptionException {
        if (spec == null) {
            return null;
        }
        char op = spec.isEmpty() ? ' ' : spec.charAt(0);
        String list = "+-^".indexOf(op) >= 0 ? spec.substring(1) : spec;
        List<String> names = new ArrayList<>();
        for (String n : list.split(",")) {
            String t = n.strip().toLowerCase(Locale.ROOT);
            if (t.isEmpty()) {
                continue;
            }
            if (t.contains("*") || t.contains("?")) {
                throw new SshOptionException(source + ": ssh option '" + option + "': patterns ('" + t
                        + "') are not supported");
            }
            if (op != '-' && factory(t) == null) {
                throw new SshOptionException(source + ": ssh option '" + option + "': unsupported algorithm '" + t
                        + "'");
            }
            names.add(t);
        }
        Set<String> out = new LinkedHashSet<>();
        switch (op) {
            case '+' -> {
                out.addAll(defaults);
                out.addAll(names);
            }
            case '-' -> {
                out.addAll(defaults);
                names.forEach(out::remove);
            }
            case '^' -> {
                out.addAll(names);
                out.addAll(defaults);
            }
            default -> out.addAll(names);
        }
        if (out.isEmpty()) {
            throw new SshOptionException(source + ": ssh option '" + option + "' leaves no algorithm");
        }
        return List.copyOf(out);
    }

    /** Factories for {@code names}, in order. */
    @SuppressWarnings("unchecked")
    <T> List<T> factories(List<String> names) {
        List<T> out = new ArrayList<>();
        for (String n : names) {
            Object f = factory(n);
            if (f != null) {
                out.add((T) f);
            }
        }
        return out;
    }

    static List<String> names(List<? extends NamedResource> factories) {
        List<String> out = new ArrayList<>();
        factories.forEach(f -> out.add(f.getName()));
        return out;
    }
}
