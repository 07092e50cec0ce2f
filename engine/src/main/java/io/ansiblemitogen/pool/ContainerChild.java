package io.ansiblemitogen.pool;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ansiblemitogen.agent.AgentChannel;
import io.ansiblemitogen.agent.RemoteContext;
import io.ansiblemitogen.agent.RemoteException;
import io.ansiblemitogen.become.BecomeCommand;
import io.ansiblemitogen.become.BecomeException;
import io.ansiblemitogen.engine.TargetSpec;
import io.ansiblemitogen.transport.ContainerTransport;
import io.ansiblemitogen.transport.ShellWords;
import io.ansiblemitogen.transport.TransportException;
import io.ansiblemitogen.wire.Json;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Starts a container's login interpreter as a child of the interpreter of the host the container runs on: that
 * interpreter runs {@code RUNTIME exec -i [-u USER] NAME ... python -c STAGE1} the way it starts a become user,
 * pipes it its own copy of the core, and routes its frames over the host's channel. So a container behind an
 * SSH host costs no exec channel, and module code the host already holds reaches it from the host
 * ({@code give_zip}, docs/protocol.md), not from the controller.
 */
final class ContainerChild {
    private final TargetConnection host;
    private final TargetSpec container;
    private final ContainerTransport runtime;

    ContainerChild(TargetConnection host, TargetSpec container, ContainerTransport runtime) {
        this.host = host;
        this.container = container;
        this.runtime = runtime;
    }

    /** Whether containers of {@code spec} are started this way: the host before them is an engine interpreter. */
    static boolean applies(TargetSpec spec) {
        if (!("docker".equals(spec.transport()) || "podman".equals(spec.transport())) || spec.via().isEmpty()) {
            return false;
        }
        String hop = spec.via().get(spec.via().size() - 1).transport();
        return "ssh".equals(hop) || "local".equals(hop);
    }

    /**
     * The container's interpreter for {@code python}, or null when the host has no Python of its own to start it
     * with (the caller then runs {@code RUNTIME exec} through the host's connection instead).
     */
    Login start(String python, int timeoutSeconds) throws RemoteException, TransportException {
        String hostPython = host.interpreterFor(null);
        RemoteContext parent;
        try {
            parent = host.context(hostPython, null);
        } catch (RemoteException e) {
            if (TargetConnection.looksLikeNoPython(e.remoteStderr(), hostPython)) {
                return null;
            }
            throw new RemoteException("unreachable", "cannot start an interpreter on " + where() + ": "
                    + e.getMessage(), e);
        }
        AgentChannel ch = parent.channel();
        int id = ch.allocateContextId();
        CompletableFuture<ObjectNode> hello = ch.expectHello(id);
        ch.contexts().started(id, parent.id());
        try {
            parent.call(spawnHeader(id, python, timeoutSeconds), null, (timeoutSeconds + 15) * 1000L);
        } catch (RemoteException e) {
            ch.forgetHello(id);
            ch.contexts().ended(id);
            throw translate(e, python, timeoutSeconds);
        }
        ObjectNode said = ch.awaitHello(id, hello, 10_000);
        return new Login(ch.context(id), false, said);
    }

    private ObjectNode spawnHeader(int id, String python, int timeoutSeconds) throws RemoteException {
        List<String> boot;
        try {
            boot = BecomeCommand.boot(python);
        } catch (BecomeException e) {
            throw new RemoteException("bad_request", e.getMessage());
        }
        String user = container.user();
        ObjectNode h = Json.object().put("op", "spawn").put("id", id).put("method", container.transport())
                .put("user", user == null ? "" : user).put("name", container.transport() + ":" + container.host())
                .put("password_via", "stdin").put("timeout", timeoutSeconds).put("tty", false);
        ArrayNode a = h.putArray("argv");
        runtime.argv(ShellWords.join(boot)).forEach(a::add);
        h.putArray("prompts");
        return h;
    }

    private String where() {
        TargetSpec hop = container.via().get(container.via().size() - 1);
        return container.transport() + " container '" + container.host() + "' on " + hop.displayName();
    }

    /** The parent's spawn errors, in the words of containers: what is missing, where. */
    private RemoteException translate(RemoteException e, String python, int timeoutSeconds) {
        String msg = e.getMessage() == null ? "" : e.getMessage().strip();
        switch (e.type()) {
            case "become_failed" -> {
                if (msg.startsWith("cannot run ")) {
                    return new RemoteException("unreachable", container.transport() + " is not installed on "
                            + container.via().get(container.via().size() - 1).displayName()
                            + ", cannot reach container " + container.host() + " (" + msg + ")");
                }
                String said = msg.replaceFirst("^exited (before Python started|during start-up): ", "");
                if (TargetConnection.looksLikeNoPython(said, python)) {
                    return new RemoteException("unreachable", "no Python at '" + python + "' in " + where() + ": "
                            + said).withRemoteStderr(said + "\n");
                }
                return new RemoteException("unreachable", "cannot start Python in " + where() + ": " + said);
            }
            case "become_timeout" -> {
                return new RemoteException("unreachable", "Python in " + where() + " did not start within "
                        + timeoutSeconds + " s: " + msg);
            }
            case "bad_request" -> {
                return e;
            }
            default -> {
                return new RemoteException(e.type(), "cannot start Python in " + where() + ": " + msg, e);
            }
        }
    }
}
