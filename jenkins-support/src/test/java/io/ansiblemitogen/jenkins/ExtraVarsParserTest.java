package io.ansiblemitogen.jenkins;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.Test;

public class ExtraVarsParserTest {
    @Test
    public void jsonObjectKeepsTypes() {
        Map<String, Object> m = ExtraVarsParser.parse("{\"pkgs\": [\"a\", \"b\"], \"n\": 3, \"on\": true,"
                + " \"m\": {\"k\": null}}");
        assertEquals(List.of("a", "b"), m.get("pkgs"));
        assertEquals(3, m.get("n"));
        assertEquals(true, m.get("on"));
        assertTrue(((Map<?, ?>) m.get("m")).containsKey("k"));
        assertEquals(Map.of(), ExtraVarsParser.parse("  "));
    }

    @Test
    public void problemsAreExplained() {
        assertTrue(ExtraVarsParser.check("[1,2]").contains("must be a JSON object"));
        assertTrue(ExtraVarsParser.check("{\"a\": }").contains("not valid JSON"));
        assertTrue(ExtraVarsParser.check("{\"a-b\": 1}").contains("not a valid Ansible variable name"));
        assertNull(ExtraVarsParser.check("{\"a_b\": 1}"));
    }

    @Test
    public void expansionTouchesNamesNotData() {
        PlaybookOptions o = PlaybookOptions.builder("${DIR}/site.yml").limit("${HOSTS}")
                .extraVars(Map.of("price", "${NOT_A_VAR}")).inventoryContent("h ${X}").build()
                .expand(s -> s.replace("${DIR}", "ops").replace("${HOSTS}", "web"));
        assertEquals("ops/site.yml", o.playbook());
        assertEquals("web", o.limit());
        assertEquals("${NOT_A_VAR}", o.extraVars().get("price"));
        assertEquals("h ${X}", o.inventoryContent());
    }
}
