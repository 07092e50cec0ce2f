package io.ansiblemitogen.jenkins;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.Test;

public class ExtraVarsEncoderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    public void listsAndMapsStayIntactWithTheirTypes() throws Exception {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("packages", List.of("nginx", "curl"));
        vars.put("limits", Map.of("nofile", 65536, "ratio", 0.5));
        vars.put("enabled", true);
        vars.put("nothing", null);
        vars.put("nested", List.of(Map.of("name", "a", "ports", List.of(80, 443))));
        JsonNode n = JSON.readTree(ExtraVarsEncoder.toJson(PlaybookOptions.builder("p").extraVars(vars).build()
                .extraVars()));
        assertEquals("curl", n.get("packages").get(1).asText());
        assertTrue(n.get("limits").get("nofile").isInt());
        assertTrue(n.get("limits").get("ratio").isDouble());
        assertTrue(n.get("enabled").isBoolean());
        assertTrue(n.get("nothing").isNull());
        assertEquals(443, n.get("nested").get(0).get("ports").get(1).asInt());
    }

    @Test
    public void secretsAreWrittenPlainAndListedForMasking() throws Exception {
        Map<String, Object> vars = Map.of("db", Map.of("password", new SecretValue("s3cr3t")), "user", "app");
        assertEquals("s3cr3t", JSON.readTree(ExtraVarsEncoder.toJson(vars)).get("db").get("password").asText());
        assertEquals(Set.of("s3cr3t"), ExtraVarsEncoder.secrets(vars));
        assertFalse(new SecretValue("s3cr3t").toString().contains("s3cr3t"));
    }

    @Test
    public void optionsHoldACopyOfTheCallersMap() {
        List<Object> list = new ArrayList<>(List.of("a"));
        Map<String, Object> vars = new LinkedHashMap<>(Map.of("l", list));
        PlaybookOptions o = PlaybookOptions.builder("p").extraVars(vars).build();
        list.add("b");
        vars.put("x", 1);
        assertEquals(Map.of("l", List.of("a")), o.extraVars());
        assertThrows(UnsupportedOperationException.class, () -> o.extraVars().put("y", 2));
    }
}
