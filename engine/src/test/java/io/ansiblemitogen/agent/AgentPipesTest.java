package io.ansiblemitogen.agent;

import io.ansiblemitogen.wire.Json;
import org.junit.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * The agent grows the pipes of its link (core.py {@code _grow_pipe}): with Linux's default 64 KB, sshd and the agent
 * switched every two 32 KB packets of a bulk transfer. Checked on a real agent by measuring its pipes from outside.
 */
public class AgentPipesTest {
    /** Prints F_GETPIPE_SZ of every pipe the process holds, opened again through /proc (non-blocking). */
    private static final String MEASURE = String.join("\n",
            "import fcntl, os, sys",
            "pid = sys.argv[1]",
            "for fd in sorted(os.listdir('/proc/%s/fd' % pid), key=int):",
            "    path = '/proc/%s/fd/%s' % (pid, fd)",
            "    try:",
            "        if not os.readlink(path).startswith('pipe:'):",
            "            continue",
            "        f = os.open(path, os.O_RDONLY | os.O_NONBLOCK)",
            "    except OSError:",
            "        continue",
            "    print('%s %d' % (fd, fcntl.fcntl(f, 1032)))",
            "    os.close(f)");

    @Test
    public void theLinksPipesAreGrownBeyondTheDefault() throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", AgentBootstrap.command("python3")).start();
        AgentChannel ch = new AgentChannel("pipes-test", p.getInputStream(), p.getOutputStream(), () -> "",
                LogSink.DISCARD);
        try {
            ch.start(30_000);
            ch.root().call(Json.object().put("op", "ping"), null, 10_000);
            long agent = agentPid(p).orElseThrow(() -> new AssertionError("no agent process under the shell"));
            List<long[]> pipes = pipeSizes(agent);
            long grown = pipes.stream().filter(s -> s[1] >= 256 * 1024).count();
            assertTrue("the link's two pipes are grown, not left at 64 KB: " + describe(pipes), grown >= 2);
        } finally {
            ch.close();
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Optional<Long> agentPid(Process shell) throws Exception {
        List<ProcessHandle> candidates = new ArrayList<>();
        candidates.add(shell.toHandle()); // a shell may exec it, or fork it
        shell.toHandle().descendants().forEach(candidates::add);
        for (ProcessHandle h : candidates) {
            Path cmdline = Path.of("/proc", Long.toString(h.pid()), "cmdline");
            // the interpreter's name may differ (a pyenv shim execs python3.11): the stage 1 is what is ours
            if (Files.exists(cmdline) && new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8)
                    .contains("import base64,zlib;exec(")) {
                return Optional.of(h.pid());
            }
        }
        return Optional.empty();
    }

    private static List<long[]> pipeSizes(long pid) throws Exception {
        Process m = new ProcessBuilder("python3", "-c", MEASURE, Long.toString(pid)).redirectErrorStream(true)
                .start();
        String out = new String(m.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(out, 0, m.waitFor());
        List<long[]> sizes = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            if (!line.isBlank()) {
                String[] f = line.split(" ");
                sizes.add(new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])});
            }
        }
        return sizes;
    }

    private static String describe(List<long[]> pipes) {
        StringBuilder b = new StringBuilder();
        for (long[] s : pipes) {
            b.append("fd ").append(s[0]).append(": ").append(s[1]).append(" B; ");
        }
        return b.toString();
    }
}
