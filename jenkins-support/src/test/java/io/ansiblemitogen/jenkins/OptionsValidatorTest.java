package io.ansiblemitogen.jenkins;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class OptionsValidatorTest {
    @Test
    public void minimalOptionsAreValid() {
        OptionsValidator.Result r = OptionsValidator.validate(PlaybookOptions.builder("site.yml").build());
        assertTrue(r.errors().toString(), r.ok());
        assertTrue(r.warnings().isEmpty());
    }

    @Test
    public void everyProblemIsReported() {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("1bad", "x");
        vars.put("ok", Map.of("deep", List.of(1, new Object())));
        PlaybookOptions o = PlaybookOptions.builder("  ").inventory("hosts").inventoryContent("[all]\nh1")
                .forks(-1).verbosity(5).maxInterpreters(0).poolSize(-2).extras("-k").extraVars(vars).build();
        List<String> errors = OptionsValidator.validate(o).errors();
        assertContains(errors, "playbook is required");
        assertContains(errors, "either inventory");
        assertContains(errors, "forks must be 0");
        assertContains(errors, "verbosity must be between 0 and 4");
        assertContains(errors, "maxInterpreters must be 1 or more");
        assertContains(errors, "poolSize must be 1 or more");
        assertContains(errors, "extras must not contain -k");
        assertContains(errors, "'1bad' is not a valid Ansible variable name");
        assertContains(errors, "extraVars.ok.deep[1] has a value of type java.lang.Object");
        assertEquals(errors.toString(), 9, errors.size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptionsValidator.validate(o).throwIfInvalid());
        assertTrue(e.getMessage().contains("forks must be 0"));
    }

    @Test
    public void becomeUserWithoutBecomeIsAWarning() {
        OptionsValidator.Result r = OptionsValidator.validate(
                PlaybookOptions.builder("site.yml").becomeUser("app").build());
        assertTrue(r.ok());
        assertContains(r.warnings(), "becomeUser 'app' is ignored");
    }

    @Test
    public void theOldPluginsHiddenValueFormIsAWarningNamingTheKey() {
        OptionsValidator.Result r = OptionsValidator.validate(PlaybookOptions.builder("site.yml")
                .extraVars(Map.of("db_password", Map.of("value", "x", "hidden", true),
                        "release", Map.of("value", "1"),
                        "limits", Map.of("value", 1, "unit", "s"), "plain", "v"))
                .build());
        assertTrue(r.ok());
        assertEquals(2, r.warnings().size());
        String w = String.join("\n", r.warnings());
        assertTrue(w, w.contains("extraVars 'db_password' has the Ansible plugin's form [value: ..., hidden: ...]"));
        assertTrue(w, w.contains("bind it with withCredentials and write db_password: VARIABLE"));
        assertTrue(w, w.contains("extraVars 'release'"));
        assertFalse(w, w.contains("limits")); // a dict that merely has a 'value' key is a dict
    }

    @Test
    public void fieldChecksReturnNullWhenFine() {
        assertNull(OptionsValidator.checkVerbosity(4));
        assertNull(OptionsValidator.checkVerbosity(null));
        assertNull(OptionsValidator.checkExtras("--flush-cache -e 'a=b c'"));
        assertContains(List.of(OptionsValidator.checkExtras("--x 'open")), "cannot be split");
        assertNull(OptionsValidator.checkPlaybook("x.yml"));
    }

    @Test
    public void blankStringsBecomeUnset() {
        PlaybookOptions o = PlaybookOptions.builder(" site.yml ").limit("  ").tags(" web ").build();
        assertEquals("site.yml", o.playbook());
        assertNull(o.limit());
        assertEquals("web", o.tags());
    }

    private static void assertContains(List<String> messages, String part) {
        assertTrue(part + " not in " + messages, messages.stream().anyMatch(m -> m != null && m.contains(part)));
    }
}
