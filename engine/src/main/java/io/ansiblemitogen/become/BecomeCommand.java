package io.ansiblemitogen.become;

import io.ansiblemitogen.transport.ShellWords;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ansiblemitogen.agent.AgentBootstrap;
import io.ansiblemitogen.engine.BecomeSpec;
import io.ansiblemitogen.wire.Json;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * How a parent context starts a become child: the argument vector (become program, its flags, then
 * {@code python -c STAGE1}), the prompts to answer, and where the password goes. Built here, in one place per
 * method, so the agent core stays method-agnostic.
 */
public record BecomeCommand(String method, String user, List<String> argv, List<String> prompts,
                            String passwordVia) {

    /** Printed by the child's stage 1 before it reads the core; must equal BOOT_MARKER in core.py. */
    static final String BOOT_MARKER = "AMITO-BOOT-1";

    private static final SecureRandom RANDOM = new SecureRandom();

    public static BecomeCommand of(BecomeSpec become, String python) throws BecomeException {
        String method = become.method() == null ? "sudo" : become.method();
        if (method.startsWith("ansible.builtin.")) {
            method = method.substring("ansible.builtin.".length());
        }
        String user = become.userOrRoot();
        List<String> boot = boot(python);
        return switch (method) {
            case "sudo" -> sudo(become, user, boot);
            case "su" -> su(become, user, boot);
            case "doas" -> doas(become, user, boot);
            default -> throw new BecomeException("become method '" + become.method()
                    + "' is not supported by the engine (supported: sudo, su, doas)", true);
        };
    }

    private static BecomeCommand sudo(BecomeSpec become, String user, List<String> boot) throws BecomeException {
        SudoFlags.Parsed flags = SudoFlags.parse(become.flags());
        String prompt = notBlank(become.prompt()) ? become.prompt()
                : notBlank(flags.prompt()) ? flags.prompt()
                : "[sudo via ansible-mitogen, key=" + HexFormat.of().formatHex(randomBytes()) + "] password:";
        List<String> argv = new ArrayList<>(exe(become, "sudo"));
        argv.addAll(flags.args());
        argv.add("-S");
        if (flags.nonInteractive() && become.password() == null) {
            argv.add("-n"); // Without a password, fail at once rather than prompt (Ansible drops -n with one).
        }
        // sudo expands %u, %h... in prompts: double every % so it prints exactly what we look for.
        argv.addAll(List.of("-p", prompt.replace("%", "%%"), "-u", user, "--"));
        argv.addAll(boot);
        return new BecomeCommand("sudo", user, List.copyOf(argv), List.of(prompt), "stdin");
    }

    private static BecomeCommand su(BecomeSpec become, String user, List<String> boot) throws BecomeException {
        List<String> argv = new ArrayList<>(exe(become, "su"));
        argv.addAll(SuFlags.parse(become.flags()));
        argv.addAll(List.of(user, "-c", ShellWords.join(boot)));
        // su (through PAM) prints its localised prompt on the terminal and reads the answer from stdin.
        List<String> prompts = notBlank(become.prompt()) ? List.of(become.prompt()) : List.of();
        return new BecomeCommand("su", user, List.copyOf(argv), prompts, "stdin");
    }

    private static BecomeCommand doas(BecomeSpec become, String user, List<String> boot) throws BecomeException {
        DoasFlags.Parsed flags = DoasFlags.parse(become.flags());
        List<String> argv = new ArrayList<>(exe(become, "doas"));
        if (flags.nonInteractive() && become.password() == null) {
            argv.add("-n");
        }
        argv.addAll(List.of("-u", user, "--"));
        argv.addAll(boot);
        // doas reads the password from the terminal only (readpassphrase with RPP_REQUIRE_TTY).
        List<String> prompts = notBlank(become.prompt()) ? List.of(become.prompt()) : List.of();
        return new BecomeCommand("doas", user, List.copyOf(argv), prompts, "tty");
    }

    private static List<String> exe(BecomeSpec become, String fallback) throws BecomeException {
        if (!notBlank(become.exe())) {
            return List.of(fallback);
        }
        try {
            List<String> words = ShellWords.split(become.exe());
            return words.isEmpty() ? List.of(fallback) : words;
        } catch (IllegalArgumentException e) {
            throw new BecomeException("become_exe: " + e.getMessage(), true);
        }
    }

    /** {@code python -c STAGE1}, with the marker that tells the parent sudo/su have finished talking. */
    public static List<String> boot(String python) throws BecomeException {
        List<String> argv;
        try {
            argv = new ArrayList<>(ShellWords.split(python == null || python.isBlank() ? "python3" : python));
        } catch (IllegalArgumentException e) {
            throw new BecomeException("ansible_python_interpreter: " + e.getMessage(), true);
        }
        argv.add("-c");
        argv.add("import os;os.write(1,b'" + BOOT_MARKER + "\\n');" + AgentBootstrap.stage1Python());
        return argv;
    }

    /** The wire protocol's spawn call for context {@code id} (docs/protocol.md). Holds the password. */
    public ObjectNode spawnHeader(int id, String password, int timeoutSeconds) {
        ObjectNode h = Json.object().put("op", "spawn").put("id", id).put("method", method).put("user", user)
                .put("name", method + ":" + user).put("password_via", passwordVia).put("timeout", timeoutSeconds);
        ArrayNode a = h.putArray("argv");
        argv.forEach(a::add);
        ArrayNode p = h.putArray("prompts");
        prompts.forEach(p::add);
        if (password != null) {
            h.put("password", password);
        }
        if ("su".equals(method)) {
            // Stock runs su for every task: a new PAM session, which reads /etc/environment (pam_env) again. The
            // child re-reads the files its PAM service names before each task (core.py PamLoginEnv).
            h.put("pam_service", "su");
        }
        return h;
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return b;
    }
}
