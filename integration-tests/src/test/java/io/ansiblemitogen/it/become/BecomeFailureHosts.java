package io.ansiblemitogen.it.become;

import io.ansiblemitogen.testkit.TestAccounts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hosts of the become-failure comparison (become_failures.yml), each a way becoming a user fails, as
 * variables over a login as {@link BecomeOverSshTest#LOGIN}: shared by the 2.14 and the 2.19 suites.
 */
public final class BecomeFailureHosts {
    public static final String NO_SUCH_USER = "amtestnosuchuser";
    public static final String WRONG = "not-the-password";

    /** What each host's first become task must say (msg contains it; 2.19 adds "Task failed: "), stock's words. */
    public static final Map<String, String> EXPECTED_MSG = Map.of("sudowrong", "Incorrect sudo password",
            "sudomissing", "Missing sudo password", "suwrong", "Incorrect su password",
            "sumissing", "Timeout (5s) waiting for privilege escalation prompt:",
            "sudolongflag", "MODULE FAILURE", "sudoshortflag", "MODULE FAILURE", "sudonouser", "MODULE FAILURE",
            "sunouser", "MODULE FAILURE");

    private BecomeFailureHosts() {
    }

    /**
     * The accounts, and a sudoers drop-in at {@code sudoers} letting the login become anyone with its password,
     * asked every time (no cached timestamp hiding a wrong one), without the first-use lecture. Remove it after.
     */
    public static void setUp(Path sudoers) throws IOException {
        TestAccounts.ensureUser(BecomeOverSshTest.LOGIN, BecomeOverSshTest.LOGIN_PASSWORD);
        TestAccounts.ensureUser(BecomeOverSshTest.APP, BecomeOverSshTest.APP_PASSWORD);
        Files.writeString(sudoers, "Defaults:" + BecomeOverSshTest.LOGIN + " timestamp_timeout=0, lecture=never\n"
                + BecomeOverSshTest.LOGIN + " ALL=(ALL) ALL\n");
        Files.setPosixFilePermissions(sudoers, PosixFilePermissions.fromString("r--r-----"));
    }

    /** Alias -> become variables (to put over the login's connection variables). */
    public static Map<String, Map<String, Object>> vars() {
        Map<String, Map<String, Object>> h = new LinkedHashMap<>();
        h.put("sudowrong", become("sudo", WRONG));
        h.put("sudomissing", become("sudo", null));
        h.put("suwrong", become("su", WRONG));
        Map<String, Object> suMissing = become("su", null);
        // Stock waits for su's success marker until its timeout (+2 s); keep that wait short.
        suMissing.put("ansible_ssh_timeout", 3);
        h.put("sumissing", suMissing);
        Map<String, Object> longFlag = become("sudo", BecomeOverSshTest.LOGIN_PASSWORD);
        longFlag.put("ansible_become_flags", "-H -S --no-such-option");
        h.put("sudolongflag", longFlag);
        Map<String, Object> shortFlag = become("sudo", BecomeOverSshTest.LOGIN_PASSWORD);
        shortFlag.put("ansible_become_flags", "-H -S -Z");
        h.put("sudoshortflag", shortFlag);
        Map<String, Object> sudoNoUser = become("sudo", BecomeOverSshTest.LOGIN_PASSWORD);
        sudoNoUser.put("ansible_become_user", NO_SUCH_USER);
        h.put("sudonouser", sudoNoUser);
        Map<String, Object> suNoUser = become("su", BecomeOverSshTest.APP_PASSWORD);
        suNoUser.put("ansible_become_user", NO_SUCH_USER);
        h.put("sunouser", suNoUser);
        return h;
    }

    private static Map<String, Object> become(String method, String password) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("ansible_user", BecomeOverSshTest.LOGIN);
        v.put("ansible_shell_allow_world_readable_temp", true);
        v.put("ansible_become_method", method);
        v.put("ansible_become_user", BecomeOverSshTest.APP);
        if (password != null) {
            v.put("ansible_become_password", password);
        }
        return v;
    }
}
