package io.ansiblemitogen.become;

import io.ansiblemitogen.transport.ShellWords;
import io.ansiblemitogen.engine.BecomeSpec;
import org.junit.Test;

import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/** sudo(8)/su(1) option syntax, and the argument vectors built from it. */
public class FlagsTest {

    private static String conflict(String flags) {
        try {
            SudoFlags.parse(flags);
        } catch (BecomeException e) {
            assertTrue(e.isBadRequest());
            return e.getMessage();
        }
        fail("expected " + flags + " to be refused");
        return null;
    }

    @Test
    public void ansibleDefaultsAreAbsorbed() throws Exception {
        SudoFlags.Parsed p = SudoFlags.parse("-H -S -n");
        assertEquals(List.of("-H"), p.args());
        assertTrue(p.nonInteractive());
        assertNull(p.prompt());
        assertEquals(p, SudoFlags.parse(null));
    }

    @Test
    public void clusteredAttachedAndLongOptions() throws Exception {
        SudoFlags.Parsed p = SudoFlags.parse("-HEn -gwheel --chdir=/tmp -D /srv --preserve-env=PATH,HOME "
                + "-r 'some role' -p 'Pass word:' --set-home");
        assertEquals(List.of("-H", "-E", "-g", "wheel", "--chdir=/tmp", "-D", "/srv", "--preserve-env=PATH,HOME",
                "-r", "some role", "--set-home"), p.args());
        assertTrue(p.nonInteractive());
        assertEquals("Pass word:", p.prompt());
        assertEquals(List.of("-h", "otherhost"), SudoFlags.parse("-hotherhost").args());
    }

    @Test
    public void conflictingOptionsAreNamed() {
        assertTrue(conflict("-H -i").contains("-i (--login)"));
        assertTrue(conflict("-s").contains("-s (--shell)"));
        assertTrue(conflict("-Hb").contains("-b (--background)"));
        assertTrue(conflict("--login").contains("-i (--login)"));
        assertTrue(conflict("-u root").contains("become_user"));
        assertTrue(conflict("-h").contains("--help"));
        assertTrue(conflict("-A").contains("askpass"));
        assertTrue(conflict("-H id").contains("unexpected argument 'id'"));
        assertTrue(conflict("-H 'unbalanced").contains("no closing quotation"));
        assertTrue(conflict("-g").contains("needs a value"));
    }

    @Test
    public void unknownOptionsGoToSudoForItsOwnRefusal() throws Exception {
        // Stock Ansible hands them to sudo, which refuses them with its usage and exit status 1: the task's
        // MODULE FAILURE then shows sudo's words, so the engine passes them on as written, with what follows.
        assertEquals(List.of("-H", "-x"), SudoFlags.parse("-H -S -x").args());
        assertEquals(List.of("-H", "-Zq", "word"), SudoFlags.parse("-HZq word").args());
        assertEquals(List.of("-H", "--frobnicate", "-n"), SudoFlags.parse("-H -S --frobnicate -n").args());
    }

    @Test
    public void suFlags() throws Exception {
        assertEquals(List.of("-", "-s", "/bin/bash", "-m", "--whitelist-environment=A,B", "-s/bin/sh"),
                SuFlags.parse("- -s /bin/bash -m --whitelist-environment=A,B -s/bin/sh"));
        assertEquals(List.of(), SuFlags.parse(""));
        for (String bad : new String[] {"-c id", "--pty", "-P", "root", "--nope"}) {
            try {
                SuFlags.parse(bad);
                fail(bad);
            } catch (BecomeException e) {
                assertTrue(e.isBadRequest());
            }
        }
    }

    @Test
    public void shellWords() {
        assertEquals(List.of("a b", "c\"d", "e$f", "g h", ""), ShellWords.split("'a b' \"c\\\"d\" e\\$f g\\ h ''"));
        assertEquals("'it'\\''s'", ShellWords.quote("it's"));
        assertEquals("/usr/bin/python3", ShellWords.quote("/usr/bin/python3"));
        String cmd = "import os;print('x y')";
        assertEquals(List.of("python3", "-c", cmd), ShellWords.split(ShellWords.join(List.of("python3", "-c", cmd))));
    }

    @Test
    public void sudoCommandLine() throws Exception {
        // Not base64 ('-', '!'): the bootstrap on the command line is base64, and a short password could occur in it.
        String password = "pass-word!";
        BecomeCommand c = BecomeCommand.of(new BecomeSpec("sudo", "app", password, "/opt/bin/sudo", "-H -S -n"),
                "/usr/bin/env python3");
        List<String> a = c.argv();
        int dash = a.indexOf("--");
        assertEquals(List.of("/opt/bin/sudo", "-H", "-S", "-p"), a.subList(0, 4));
        assertFalse("-n is dropped when a password is given", a.subList(0, dash).contains("-n"));
        assertEquals(List.of("-u", "app"), a.subList(dash - 2, dash));
        assertEquals(List.of("/usr/bin/env", "python3", "-c"), a.subList(dash + 1, dash + 4));
        assertTrue(a.get(dash + 4).startsWith("import os;os.write(1,b'AMITO-BOOT-1\\n');"));
        assertEquals(List.of(a.get(4)), c.prompts());
        assertTrue(c.prompts().get(0).startsWith("[sudo via ansible-mitogen, key="));
        assertFalse("the password is never on a command line", String.join(" ", a).contains(password));
        assertTrue(BecomeCommand.of(new BecomeSpec("sudo", null, null, null, null), "python3").argv()
                .containsAll(List.of("-n", "-u", "root")));
        assertEquals(password, c.spawnHeader(5, password, 30).path("password").asText());
    }

    @Test
    public void suCommandLine() throws Exception {
        BecomeCommand c = BecomeCommand.of(new BecomeSpec("ansible.builtin.su", "app", "pw", null, "-"), "python3");
        List<String> a = c.argv();
        assertEquals(List.of("su", "-", "app", "-c"), a.subList(0, 4));
        List<String> inner = ShellWords.split(a.get(4));
        assertEquals(List.of("python3", "-c"), inner.subList(0, 2));
        assertEquals("stdin", c.passwordVia());
    }

    @Test
    public void interpreterLimit() {
        assertEquals(20, InterpreterLimit.parse(null));
        assertEquals(7, InterpreterLimit.parse(" 7 "));
        assertEquals(2, InterpreterLimit.parse("0"));
        assertEquals(20, InterpreterLimit.parse("many"));
    }
}
