package io.ansiblemitogen.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** The CLI behaves as a CLI: --version, help for every command, usage on unknown commands and options. */
public class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @Before
    public void capture() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @After
    public void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    private int run(String... argv) {
        out.reset();
        err.reset();
        return Main.run(List.of(argv));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    public void versionNamesTheEngineAndProtocol() {
        assertEquals(0, run("--version"));
        assertTrue(out(), out().matches("ansible-mitogen \\S+ \\(engine protocol \\d+, Java .+\\)\\n"));
        assertEquals(0, run("version"));
    }

    @Test
    public void everyCommandHasHelpThroughBothSpellings() {
        for (String command : List.of("daemon", "pool", "plugin-path", "env")) {
            assertEquals(command, 0, run(command, "--help"));
            String viaFlag = out();
            assertTrue(viaFlag, viaFlag.startsWith("usage: ansible-mitogen " + command));
            assertEquals(command, 0, run("help", command));
            assertEquals(viaFlag, out());
            assertEquals(command, 0, run(command, "-h"));
            assertEquals(viaFlag, out());
        }
        assertEquals(0, run("help", "playbook"));
        assertTrue(out(), out().contains("ansible-playbook's"));
        assertEquals(0, run("--help"));
        assertTrue(out(), out().contains("ansible-mitogen help [COMMAND]"));
    }

    @Test
    public void unknownCommandsAndOptionsPrintTheUsage() {
        assertEquals(2, run("frobnicate"));
        assertTrue(err(), err().contains("unknown command 'frobnicate'") && err().contains("usage: ansible-mitogen playbook"));
        assertEquals(2, run("help", "frobnicate"));
        assertTrue(err(), err().contains("no command 'frobnicate'"));
        assertEquals(2, run("pool", "--bogus"));
        assertTrue(err(), err().contains("pool: unknown argument '--bogus'")
                && err().contains("usage: ansible-mitogen pool"));
        assertEquals(2, run("env", "extra"));
        assertTrue(err(), err().contains("unknown argument 'extra'") && err().contains("usage: ansible-mitogen env"));
        assertEquals(2, run());
        assertTrue(err(), err().contains("usage:"));
    }
}
