package io.ansiblemitogen.jenkins;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.Test;

/**
 * The Jenkins plugin's forms and help files (jenkins-plugin cannot be built here, but its resources can be
 * read): number fields use classes that Jenkins' hudson-behavior.js validates, every field has exactly one help
 * file that some form shows, and no help file is a copy of another.
 */
public class PluginFormFilesTest {
    /** The INPUT classes hudson-behavior.js registers validators for. */
    private static final Set<String> NUMBER_CLASSES = Set.of("number", "number-required",
            "non-negative-number-required", "positive-number", "positive-number-required");
    private static final Path PLUGIN = Path.of("..", "jenkins-plugin").toAbsolutePath().normalize();
    private static final Path RES = PLUGIN.resolve("src/main/resources/io/jenkins/plugins/ansiblemitogen");
    private static final Pattern FIELD = Pattern.compile("field=\"(\\w+)\"");
    private static final Pattern HELP_ATTR = Pattern.compile("getHelpFile\\('(\\w+)'\\)");

    @Test
    public void everyNumberFieldHasAClassThatJenkinsValidates() throws IOException {
        Pattern number = Pattern.compile("<f:number\\b[^>]*>");
        Pattern clazz = Pattern.compile("clazz=\"([^\"]*)\"");
        int seen = 0;
        for (Path jelly : files(".jelly")) {
            Matcher m = number.matcher(Files.readString(jelly));
            while (m.find()) {
                seen++;
                Matcher c = clazz.matcher(m.group());
                assertTrue(jelly + ": " + m.group() + " has no clazz", c.find());
                assertTrue(jelly + ": clazz '" + c.group(1) + "' is not one of " + NUMBER_CLASSES,
                        NUMBER_CLASSES.contains(c.group(1)));
            }
        }
        assertEquals("forks, verbosity, maxInterpreters, poolSize (playbook form), forks, verbosity (ad-hoc form),"
                + " and the mitogen block's", 9, seen);
    }

    @Test
    public void everyFieldHasOneHelpFileAndEveryHelpFileIsShown() throws IOException {
        Set<Path> used = new LinkedHashSet<>();
        for (String dir : List.of("AnsibleMitogenStep", "AnsibleMitogenBuilder", "MitogenOptionsStep",
                "VaultIdCredential", "AnsibleMitogenAdhocStep", "AnsibleMitogenAdhocBuilder")) {
            Path config = RES.resolve(dir).resolve("config.jelly");
            Set<String> fields = fields(config);
            String text = Files.readString(config);
            if (text.contains("page=\"fields.jelly\"")) {
                fields.addAll(fields(RES.resolve(dir.contains("Adhoc") ? "AnsibleMitogenAdhocStep/fields.jelly"
                        : "AnsibleMitogenStep/fields.jelly")));
            }
            Matcher h = HELP_ATTR.matcher(text);
            while (h.find()) {
                fields.add(h.group(1));
            }
            fields.add(null); // the descriptor's own help.html
            for (String f : fields) {
                Path help = helpFor(dir, f);
                assertTrue(dir + " field " + f + " has no help file", help != null);
                used.add(help.toRealPath());
            }
        }
        List<Path> unused = new ArrayList<>();
        for (Path help : files(".html")) {
            if (!used.contains(help.toRealPath())) {
                unused.add(help);
            }
        }
        assertEquals("help files that no form shows", List.of(), unused);
    }

    /**
     * Where a descriptor's help for {@code field} is: its own file, else where FormSupport and AdhocForm redirect
     * it (the builders to their steps, the ad-hoc ones' common fields to the playbook step, extraVars to the
     * playbook builder's for the ad-hoc builder).
     */
    private static Path helpFor(String dir, String field) {
        String name = field == null ? "help.html" : "help-" + field + ".html";
        List<String> where = switch (dir) {
            case "AnsibleMitogenBuilder" -> List.of(dir, "AnsibleMitogenStep");
            case "AnsibleMitogenAdhocStep" -> List.of(dir, "AnsibleMitogenStep");
            case "AnsibleMitogenAdhocBuilder" -> "extraVars".equals(field) ? List.of("AnsibleMitogenBuilder")
                    : List.of(dir, "AnsibleMitogenAdhocStep", "AnsibleMitogenStep");
            default -> List.of(dir);
        };
        for (String d : where) {
            Path p = RES.resolve(d).resolve(name);
            if (Files.exists(p)) {
                return p;
            }
        }
        return field == null ? RES.resolve("AnsibleMitogenStep/help.html") : null; // VaultIdCredential has none
    }

    @Test
    public void noHelpFileIsACopyOfAnother() throws IOException {
        Map<String, Path> byContent = new HashMap<>();
        for (Path help : files(".html")) {
            Path other = byContent.putIfAbsent(Files.readString(help).strip(), help);
            assertTrue(help + " is a copy of " + other, other == null);
        }
    }

    @Test
    public void theHelpRedirectsNameExactlyTheSharedFields() throws IOException {
        assertEquals(new ArrayList<>(fields(RES.resolve("AnsibleMitogenStep/fields.jelly"))),
                declaredList("FormSupport.java", "SHARED_FIELDS"));
        assertEquals(new ArrayList<>(fields(RES.resolve("AnsibleMitogenAdhocStep/fields.jelly"))),
                declaredList("AdhocForm.java", "FIELDS"));
    }

    private static List<String> declaredList(String source, String constant) throws IOException {
        String src = Files.readString(PLUGIN.resolve("src/main/java/io/jenkins/plugins/ansiblemitogen/" + source));
        Matcher m = Pattern.compile(" " + constant + " = List\\.of\\(([^)]*)\\)").matcher(src);
        assertTrue(source + " declares " + constant, m.find());
        return Arrays.stream(m.group(1).split(",")).map(s -> s.strip().replace("\"", "")).toList();
    }

    private static Set<String> fields(Path jelly) throws IOException {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = FIELD.matcher(Files.readString(jelly));
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static List<Path> files(String suffix) throws IOException {
        assertTrue("the plugin's resources are at " + RES, Files.isDirectory(RES));
        try (Stream<Path> s = Files.walk(RES)) {
            return s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        }
    }
}
