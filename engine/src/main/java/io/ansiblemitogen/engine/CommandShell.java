package io.ansiblemitogen.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Which program runs an {@code exec_command}'s text on the target, as stock's connection would have run it: a named
 * shell ({@code path}: the executable ActionBase or the become plugin wrapped the command in, ANSIBLE_EXECUTABLE for
 * local), the login user's own shell ({@code login}: sshd runs {@code $SHELL -c CMD} for a command that came bare,
 * such as {@code raw} without {@code executable}), or no shell ({@code split}: the words run as they are, as the
 * podman connection does). {@link #DEFAULT} is {@code /bin/sh}, what requests without the field always got.
 */
public record CommandShell(String path, boolean login, boolean split) {
    public static final CommandShell DEFAULT = new CommandShell(null, false, false);

    /** The request's {@code shell} object; {@link #DEFAULT} when absent or null. */
    public static CommandShell fromJson(JsonNode node) throws JsonFields.Malformed {
        JsonFields f = JsonFields.of(node, "shell");
        if (f == null) {
            return DEFAULT;
        }
        String path = f.text("path");
        boolean login = Boolean.TRUE.equals(f.bool("login"));
        boolean split = Boolean.TRUE.equals(f.bool("split"));
        if ((path != null ? 1 : 0) + (login ? 1 : 0) + (split ? 1 : 0) > 1) {
            throw new JsonFields.Malformed("shell"); // one of path, login, split
        }
        if (path != null && (path.isBlank() || path.indexOf('\0') >= 0)) {
            throw new JsonFields.Malformed("shell.path");
        }
        return new CommandShell(path, login, split);
    }

    /** Adds the agent's {@code shell} header field (docs/protocol.md "exec"); nothing for {@link #DEFAULT}. */
    public ObjectNode decorate(ObjectNode header) {
        if (path != null) {
            header.putObject("shell").put("path", path);
        } else if (login) {
            header.putObject("shell").put("login", true);
        } else if (split) {
            header.putObject("shell").put("split", true);
        }
        return header;
    }
}
