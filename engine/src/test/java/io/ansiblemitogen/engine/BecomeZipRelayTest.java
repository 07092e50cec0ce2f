package io.ansiblemitogen.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.ansiblemitogen.become.TestAccounts;
import io.ansiblemitogen.pool.TargetConnection;
import io.ansiblemitogen.testkit.SshdFixture;
import io.ansiblemitogen.wire.Json;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

/**
 * Become users are children of the login interpreter, and their module code comes from it: the first become user's
 * module brings the ZIP over the wire once (the login interpreter keeps a copy), the second become user's first
 * module costs its digest. Real sshd on loopback, real accounts, sudo as root.
 */
public class BecomeZipRelayTest {
    private static final String USER_A = "amtestplain";
    private static final String USER_B = "amtestrelay";
    private static SshdFixture sshd;
    private Engine engine;

    @BeforeClass
    public static void start() throws Exception {
        assumeTrue("become tests need root (they create accounts)", TestAccounts.isRoot());
        TestAccounts.user(USER_A, null);
        TestAccounts.user(USER_B, null);
        sshd = new SshdFixture().start();
    }

    @AfterClass
    public static void stop() {
        if (sshd != null) {
            sshd.close();
        }
    }

    @After
    public void tearDown() {
        if (engine != null) {
            engine.close();
        }
    }

    /** A module reporting the account it ran as, padded so that the ZIP dwarfs any header. */
    private static FakeModuleZip whoami() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("ansible/__init__.py", "");
        files.put("ansible/module_utils/__init__.py", "");
        files.put("ansible/module_utils/basic.py", "_ANSIBLE_ARGS = None\n");
        files.put("ansible/modules/__init__.py", "");
        files.put("ansible/modules/whoami.py", "import json, os, pwd\n"
                + "print(json.dumps(dict(user=pwd.getpwuid(os.getuid()).pw_name, pid=os.getpid())))\n");
        StringBuilder pad = new StringBuilder("PAD = '");
        Random r = new Random(7);
        for (int i = 0; i < 16 * 1024; i++) {
            pad.append(String.format("%02x", r.nextInt(256)));
        }
        files.put("ansible/module_utils/padding.py", pad.append("'\n").toString());
        return FakeModuleZip.of(files);
    }

    private static ModuleRequest request(FakeModuleZip zip) {
        return new ModuleRequest("python3", "ansible.modules.whoami", Base64.getEncoder().encodeToString(zip.bytes),
                zip.sha1, "{\"ANSIBLE_MODULE_ARGS\": {}}", "reuse", Map.of(), null);
    }

    private static BecomeSpec sudo(String user) {
        return new BecomeSpec("sudo", user, null, null, "-H -S -n");
    }

    private static String user(ExecResult r) throws Exception {
        assertEquals(new String(r.stderr(), StandardCharsets.UTF_8), 0, r.rc());
        JsonNode j = Json.mapper().readTree(r.stdout());
        return j.path("user").asText();
    }

    @Test
    public void secondBecomeUsersFirstModuleCostsNoZipBytesOnTheWire() throws Exception {
        engine = new Engine(new DefaultTransports());
        TargetSpec t = new TargetSpec("ssh", "becomehost", sshd.host(), sshd.port(), sshd.userName(), null,
                sshd.clientKey().toString(), null, null, sshd.sshCommonArgs(), null, 10, true, "python3", List.of());
        FakeModuleZip zip = whoami();
        // Both become interpreters running before the measurement, so it counts the module task alone.
        for (String u : List.of(USER_A, USER_B)) {
            ExecResult r = engine.execCommand(t, sudo(u), "id -un", null, null);
            assertEquals(u + "\n", new String(r.stdout(), StandardCharsets.UTF_8));
        }
        TargetConnection conn = engine.pool().snapshot().get(0);

        long before = conn.bytesOut();
        assertEquals(USER_A, user(engine.execModule(t, sudo(USER_A), request(zip))));
        long first = conn.bytesOut() - before;
        before = conn.bytesOut();
        assertEquals(USER_B, user(engine.execModule(t, sudo(USER_B), request(zip))));
        long second = conn.bytesOut() - before;
        before = conn.bytesOut();
        assertEquals("root", user(engine.execModule(t, null, request(zip))));
        long login = conn.bytesOut() - before;
        System.out.printf("module ZIP %d B; bytes sent on the SSH channel: first become user %d B, second %d B,"
                + " login user (which kept the copy) %d B%n", zip.bytes.length, first, second, login);

        // Half, not all: the link may compress (the ZIP is deflated already, so not by much).
        assertTrue("the first become user's ZIP crossed the wire: " + first, first > zip.bytes.length / 2);
        assertTrue("the second become user got the ZIP from the login interpreter: " + second + " B (ZIP "
                + zip.bytes.length + " B)", second < zip.bytes.length / 4);
        assertTrue("the login interpreter kept the copy it handed on: " + login, login < zip.bytes.length / 4);
        assertEquals(1, engine.pool().openedCount());
        assertEquals(3, conn.interpreterCount());
    }
}
