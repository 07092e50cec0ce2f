package io.jenkins.plugins.ansiblemitogen;

import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Label;
import hudson.model.Result;
import hudson.slaves.EnvironmentVariablesNodeProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class AnsibleMitogenBuilderTest {
    private FakeAnsible fake;

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeAnsible();
    }

    @AfterEach
    void tearDown() throws Exception {
        fake.close();
    }

    private AnsibleMitogenBuilder builder() {
        AnsibleMitogenBuilder b = new AnsibleMitogenBuilder("site.yml");
        b.setAnsiblePlaybookPath(fake.executable.toString());
        return b;
    }

    @Test
    void freestyleJobOnAnAgent(JenkinsRule r) throws Exception {
        r.createOnlineSlave(Label.get("ansible"), fake.agentEnv());
        FreeStyleProject p = r.createFreeStyleProject();
        p.setAssignedLabel(Label.get("ansible"));
        AnsibleMitogenBuilder b = builder();
        b.setExtraVars("{\"packages\": [\"nginx\"], \"port\": 8080}");
        b.setTags("deploy");
        b.setTaskIsolation("fork");
        p.getBuildersList().add(b);
        FreeStyleBuild build = r.buildAndAssertSuccess(p);
        r.assertLogContains("fake-ansible-playbook site.yml -t deploy -e @", build);
        r.assertLogContains("vars: {\"packages\":[\"nginx\"],\"port\":8080}", build);
        r.assertLogContains("isolation=fork", build);
        r.assertLogContains("[web1] WARNING ansible_mitogen.runner: remote says hello", build);
        r.assertLogContains("ansible-mitogen: connections: ", build);
    }

    @Test
    void failuresAndBadJsonFailTheBuild(JenkinsRule r) throws Exception {
        r.jenkins.getGlobalNodeProperties().add(new EnvironmentVariablesNodeProperty(
                new EnvironmentVariablesNodeProperty.Entry("ANSIBLE_MITOGEN_SOCKET_DIR", fake.socketDir.toString()),
                new EnvironmentVariablesNodeProperty.Entry("FAKE_RC", "4")));
        FreeStyleProject p = r.createFreeStyleProject();
        p.getBuildersList().add(builder());
        r.assertLogContains("ansible-playbook failed with exit code 4", r.buildAndAssertStatus(Result.FAILURE, p));

        FreeStyleProject q = r.createFreeStyleProject();
        AnsibleMitogenBuilder bad = builder();
        bad.setExtraVars("[1, 2]");
        q.getBuildersList().add(bad);
        r.assertLogContains("extraVars must be a JSON object", r.buildAndAssertStatus(Result.FAILURE, q));
    }

    @Test
    void configRoundTrip(JenkinsRule r) throws Exception {
        AnsibleMitogenBuilder b = builder();
        b.setInventory("hosts.ini");
        b.setLimit("web");
        b.setSkippedTags("slow");
        b.setStartAtTask("Install");
        b.setForks(3);
        b.setBecome(true);
        b.setBecomeUser("app");
        b.setExtraVars("{\"a\": [1, 2]}");
        b.setVerbosity(1);
        b.setTaskIsolation("reuse");
        b.setPoolSize(2);
        b.setColorized(true);
        r.assertEqualDataBoundBeans(b, r.configRoundtrip(b));
    }

    @Test
    void freestyleAdhocOnAnAgent(JenkinsRule r) throws Exception {
        r.createOnlineSlave(Label.get("ansible"), fake.agentEnv());
        FreeStyleProject p = r.createFreeStyleProject();
        p.setAssignedLabel(Label.get("ansible"));
        AnsibleMitogenAdhocBuilder b = new AnsibleMitogenAdhocBuilder("web*");
        b.setModule("shell");
        b.setModuleArguments("uptime -p");
        b.setAnsiblePath(fake.executable.toString());
        b.setExtraVars("{\"port\": 8080}");
        p.getBuildersList().add(b);
        FreeStyleBuild build = r.buildAndAssertSuccess(p);
        r.assertLogContains("fake-ansible-playbook web* -m shell -a uptime -p -e @", build);
        r.assertLogContains("vars: {\"port\":8080}", build);
        r.assertLogContains("strategy=mitogen_linear", build);
        r.assertLogContains("ansible-mitogen: connections: ", build);

        AnsibleMitogenAdhocBuilder c = new AnsibleMitogenAdhocBuilder("all");
        c.setModule("ping");
        c.setForks(2);
        c.setBecome(true);
        r.assertEqualDataBoundBeans(c, r.configRoundtrip(c));
    }
}
