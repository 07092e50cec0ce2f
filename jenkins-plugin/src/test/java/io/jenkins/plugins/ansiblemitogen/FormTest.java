package io.jenkins.plugins.ansiblemitogen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleProject;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.htmlunit.html.DomElement;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The freestyle form as a browser gets it: the shared fragment, the step's help, validated number inputs. */
@WithJenkins
class FormTest {
    @Test
    void theBuilderFormShowsTheStepsHelpAndValidatedNumbers(JenkinsRule r) throws Exception {
        FreeStyleProject p = r.createFreeStyleProject();
        p.getBuildersList().add(new AnsibleMitogenBuilder("site.yml"));
        try (JenkinsRule.WebClient wc = r.createWebClient()) {
            HtmlPage page = wc.getPage(p, "configure");
            Set<String> helpUrls = new LinkedHashSet<>();
            for (DomElement a : page.getElementsByTagName("a")) {
                String url = a.getAttribute("helpURL");
                if (url.contains("AnsibleMitogen")) {
                    helpUrls.add(url);
                }
            }
            String stepHelp = "/descriptor/" + AnsibleMitogenStep.class.getName() + "/help/";
            for (String field : FormSupport.SHARED_FIELDS) {
                assertTrue(helpUrls.stream().anyMatch(u -> u.endsWith(stepHelp + field)), field + " in " + helpUrls);
            }
            assertTrue(helpUrls.stream().anyMatch(u -> u.endsWith(AnsibleMitogenBuilder.class.getName()
                    + "/help/extraVars")), helpUrls.toString());
            for (String url : helpUrls) {
                String body = wc.goTo(url.substring(r.contextPath.length() + 1), null).getWebResponse()
                        .getContentAsString();
                assertFalse(body.isBlank(), url);
            }
            for (String[] expected : List.of(new String[] {"forks", "non-negative-number-required"},
                    new String[] {"verbosity", "number"}, new String[] {"maxInterpreters", "positive-number"},
                    new String[] {"poolSize", "positive-number"})) {
                DomElement input = page.getElementsByName("_." + expected[0]).get(0);
                assertTrue(Set.of(input.getAttribute("class").split("\\s+")).contains(expected[1]),
                        expected[0] + ": " + input.getAttribute("class"));
            }
        }
    }

    @Test
    void theStepsDescriptorServesItsExtraVarsHelp(JenkinsRule r) throws Exception {
        try (JenkinsRule.WebClient wc = r.createWebClient()) {
            String body = wc.goTo("descriptor/" + AnsibleMitogenStep.class.getName() + "/help/extraVars", null)
                    .getWebResponse().getContentAsString();
            assertTrue(body.contains("extraVars: [packages:"), body);
            assertEquals(200, wc.goTo("descriptor/" + AnsibleMitogenBuilder.class.getName() + "/help/extraVars",
                    null).getWebResponse().getStatusCode());
        }
    }
}
