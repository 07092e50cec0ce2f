package io.jenkins.plugins.ansiblemitogen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.jenkins.plugins.sshcredentials.impl.BasicSSHUserPrivateKey;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.domains.Domain;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import hudson.model.Label;
import hudson.model.Result;
import hudson.util.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jenkinsci.plugins.workflow.steps.StepConfigTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class AnsibleMitogenStepTest {
    private FakeAnsible fake;

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeAnsible();
    }

    @AfterEach
    void tearDown() throws Exception {
        fake.close();
    }

    private int jobs;

    private WorkflowRun run(JenkinsRule r, String script, Result expected) throws Exception {
        if (r.jenkins.getNodes().isEmpty()) {
            r.createOnlineSlave(Label.get("ansible"), fake.agentEnv());
        }
        WorkflowJob p = r.createProject(WorkflowJob.class, "p" + jobs++);
        p.setDefinition(new CpsFlowDefinition(script, true));
        return r.buildAndAssertStatus(expected, p);
    }

    private String step(String args) {
        return "ansibleMitogen(playbook: 'site.yml', ansiblePlaybookPath: '" + fake.executable + "'" + args + ")\n";
    }

    @Test
    void playbookOnAnAgentThroughTheRealDaemon(JenkinsRule r) throws Exception {
        WorkflowRun b = run(r, "node('ansible') {\n"
                + step(", limit: 'web', verbosity: 3, extraVars: [packages: ['nginx', 'curl'], limits: [nofile: 65536]]")
                + step("")
                + "}", Result.SUCCESS);
        r.assertLogContains("fake-ansible-playbook site.yml -l web -vvv -e @", b);
        r.assertLogContains("vars: {\"packages\":[\"nginx\",\"curl\"],\"limits\":{\"nofile\":65536}}", b);
        r.assertLogContains("strategy=mitogen_linear isolation=unset", b);
        r.assertLogContains("socket=" + fake.socketDir.resolve("engine.sock"), b);
        r.assertLogContains("[web1] WARNING ansible_mitogen.runner: remote says hello", b);
        r.assertLogNotContains("[mitogen:web1]", b);
        r.assertLogContains(" started on ", b);
        r.assertLogContains(" already running on ", b); // the second run found the daemon of the first
        r.assertLogContains("ansible-mitogen: connections: ", b);
    }

    @Test
    void secretsStayOffTheCommandLineAndAreDeleted(JenkinsRule r) throws Exception {
        SystemCredentialsProvider.getInstance().getDomainCredentialsMap().put(Domain.global(), List.of(
                new UsernamePasswordCredentialsImpl(CredentialsScope.GLOBAL, "pw", "", "deploy", "s3cr3t-pw"),
                new BasicSSHUserPrivateKey(CredentialsScope.GLOBAL, "key", "deploy",
                        new BasicSSHUserPrivateKey.DirectEntryPrivateKeySource("-----BEGIN KEY-----\nK\n-----END KEY-----"),
                        "key-phrase", ""),
                new StringCredentialsImpl(CredentialsScope.GLOBAL, "vault", "", Secret.fromString("vault-pw"))));
        WorkflowRun b = run(r, "node('ansible') {\n"
                + step(", credentialsId: 'pw', vaultCredentialsId: 'vault'")
                + step(", credentialsId: 'key'")
                + "}", Result.SUCCESS);
        r.assertLogContains("-u deploy", b);
        r.assertLogContains("--vault-password-file ", b);
        r.assertLogContains("vars: {\"ansible_password\":\"****\"}", b);
        r.assertLogContains("vars: {\"ansible_ssh_private_key_passphrase\":\"****\"}", b);
        for (String secret : new String[] {"s3cr3t-pw", "vault-pw", "key-phrase"}) {
            r.assertLogNotContains(secret, b);
        }
        Path key = Path.of(Files.readString(fake.keyPathRecord).strip());
        assertFalse(Files.exists(key), "key file deleted after the run: " + key);
        assertFalse(key.toString().contains("workspace"), "key written outside the workspace: " + key);
    }

    @Test
    void aBecomePasswordBesideAKeyAndSeveralVaultIds(JenkinsRule r) throws Exception {
        SystemCredentialsProvider.getInstance().getDomainCredentialsMap().put(Domain.global(), List.of(
                new BasicSSHUserPrivateKey(CredentialsScope.GLOBAL, "key", "deploy",
                        new BasicSSHUserPrivateKey.DirectEntryPrivateKeySource("-----BEGIN KEY-----\nK\n-----END KEY-----"),
                        "", ""),
                new StringCredentialsImpl(CredentialsScope.GLOBAL, "sudo", "", Secret.fromString("sudo-pw")),
                new StringCredentialsImpl(CredentialsScope.GLOBAL, "prod-vault", "", Secret.fromString("prod-pw")),
                new StringCredentialsImpl(CredentialsScope.GLOBAL, "dev-vault", "", Secret.fromString("dev-pw"))));
        WorkflowRun b = run(r, "node('ansible') {\n"
                + step(", credentialsId: 'key', become: true, becomeCredentialsId: 'sudo', vaultCredentials: ["
                        + "[vaultId: 'prod', credentialsId: 'prod-vault'], [vaultId: 'dev', credentialsId: 'dev-vault']]")
                + "}", Result.SUCCESS);
        r.assertLogContains("--private-key ", b);
        r.assertLogContains("vars: {\"ansible_become_password\":\"****\"}", b);
        r.assertLogContains(" --vault-id prod@", b);
        r.assertLogContains(" --vault-id dev@", b);
        r.assertLogNotContains(" -K", b);
        for (String secret : new String[] {"sudo-pw", "prod-pw", "dev-pw"}) {
            r.assertLogNotContains(secret, b);
        }
    }

    @Test
    void anAdhocCommandThroughTheSameDaemonWithMaskedSecrets(JenkinsRule r) throws Exception {
        SystemCredentialsProvider.getInstance().getDomainCredentialsMap().put(Domain.global(), List.of(
                new UsernamePasswordCredentialsImpl(CredentialsScope.GLOBAL, "pw", "", "deploy", "s3cr3t-pw")));
        WorkflowRun b = run(r, "node('ansible') {\n"
                + "  mitogen(taskIsolation: 'fork') {\n"
                + "    ansibleMitogenAdhoc(hosts: 'web*', module: 'ping', credentialsId: 'pw', become: true,"
                + " ansiblePath: '" + fake.executable + "', extraVars: [port: 8080])\n"
                + "  }\n"
                + "}", Result.SUCCESS);
        r.assertLogContains("fake-ansible-playbook web* -m ping -b -u deploy -e @", b);
        r.assertLogContains("vars: {\"ansible_password\":\"****\"}", b);
        r.assertLogContains("vars: {\"port\":8080}", b);
        r.assertLogContains("isolation=fork", b);
        r.assertLogContains("ansible-mitogen: connections: ", b);
        r.assertLogNotContains("s3cr3t-pw", b);
        WorkflowRun bad = run(r, "node('ansible') { ansibleMitogenAdhoc(hosts: 'all', ansiblePath: '" + fake.executable
                + "', extras: '-K') }", Result.FAILURE);
        r.assertLogContains("ansibleMitogenAdhoc: extras must not contain -K", bad);
    }

    @Test
    void declarativeStageOptionsApplyToThatStageOnly(JenkinsRule r) throws Exception {
        WorkflowRun b = run(r, "pipeline {\n"
                + "  agent { label 'ansible' }\n"
                + "  stages {\n"
                + "    stage('Provision') {\n"
                + "      options { mitogen(taskIsolation: 'fork', maxInterpreters: 4) }\n"
                + "      steps { " + step("") + " }\n"
                + "    }\n"
                + "    stage('Deploy') {\n"
                + "      steps { " + step("") + " }\n"
                + "    }\n"
                + "  }\n"
                + "}", Result.SUCCESS);
        String log = JenkinsRule.getLog(b);
        int fork = log.indexOf("isolation=fork interpreters=4");
        int unset = log.indexOf("isolation=unset interpreters=unset");
        assertTrue(fork >= 0 && unset > fork, log);
    }

    @Test
    void nestedBlocksMergeAndTheStepWins(JenkinsRule r) throws Exception {
        WorkflowRun b = run(r, "node('ansible') {\n"
                + "  mitogen(taskIsolation: 'fork', maxInterpreters: 2) {\n"
                + "    mitogen(maxInterpreters: 6, verbosity: 2) {\n"
                + "      " + step("")
                + "      " + step(", taskIsolation: 'reuse'")
                + "    }\n"
                + "  }\n"
                + "}", Result.SUCCESS);
        r.assertLogContains("isolation=fork interpreters=6", b);
        r.assertLogContains("isolation=reuse interpreters=6", b);
        r.assertLogContains("fake-ansible-playbook site.yml -vv", b);
    }

    @Test
    void theOldHiddenValueFormIsWarnedAbout(JenkinsRule r) throws Exception {
        WorkflowRun b = run(r, "node('ansible') {\n"
                + step(", extraVars: [db_password: [value: 'x', hidden: true]]") + "}", Result.SUCCESS);
        r.assertLogContains("[ansible-mitogen] warning: extraVars 'db_password' has the Ansible plugin's form", b);
    }

    @Test
    void aFailedPlaybookFailsTheBuild(JenkinsRule r) throws Exception {
        WorkflowRun b = run(r, "node('ansible') { withEnv(['FAKE_RC=2']) {\n" + step("") + "} }", Result.FAILURE);
        r.assertLogContains("ansible-playbook failed with exit code 2", b);
        r.assertLogContains("ansible-mitogen: connections: ", b);
    }

    @Test
    void invalidOptionsAreExplained(JenkinsRule r) throws Exception {
        WorkflowRun b = run(r, "node('ansible') {\n" + step(", verbosity: 7, taskIsolation: 'fork'") + "}",
                Result.FAILURE);
        r.assertLogContains("verbosity must be between 0 and 4", b);
        WorkflowRun c = run(r, "node('ansible') {\n" + step(", taskIsolation: 'sometimes'") + "}", Result.FAILURE);
        r.assertLogContains("taskIsolation must be 'isolated', 'reuse' or 'fork'", c);
    }

    @Test
    void abortKillsTheRunAndEndsTheStepOnlyAfterTheCleanup(JenkinsRule r) throws Exception {
        SystemCredentialsProvider.getInstance().getDomainCredentialsMap().put(Domain.global(), List.of(
                new BasicSSHUserPrivateKey(CredentialsScope.GLOBAL, "key", "deploy",
                        new BasicSSHUserPrivateKey.DirectEntryPrivateKeySource("-----BEGIN KEY-----\nK\n-----END KEY-----"),
                        "", "")));
        r.createOnlineSlave(Label.get("ansible"), fake.agentEnv());
        WorkflowJob p = r.createProject(WorkflowJob.class, "abort");
        p.setDefinition(new CpsFlowDefinition(
                "node('ansible') { withEnv(['FAKE_SLEEP=300']) {\n" + step(", credentialsId: 'key'") + "} }", true));
        WorkflowRun b = p.scheduleBuild2(0).waitForStart();
        r.waitForMessage("sleeping", b);
        long pid = Long.parseLong(Files.readString(fake.pidFile).strip());
        Path key = Path.of(Files.readString(fake.keyPathRecord).strip());
        assertTrue(Files.exists(key));
        hudson.model.Executor executor = b.getExecutor(); // what the stop button interrupts
        assertTrue(executor != null, "the build is running");
        executor.interrupt();
        r.assertBuildStatus(Result.ABORTED, r.waitForCompletion(b));
        // Deterministic since the step ends only after PlaybookRunner.finish: with SynchronousNonBlockingStep-
        // Execution the build could complete while the key was still there and before the summary was written.
        assertFalse(Files.exists(key), "the key is gone when the build has completed: " + key);
        String log = JenkinsRule.getLog(b);
        int summary = log.indexOf("ansible-mitogen: connections: ");
        assertTrue(summary >= 0 && summary < log.indexOf("Finished: ABORTED"), log);
        ProcessHandle.of(pid).ifPresent(h -> h.onExit().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "ansible-playbook killed");
    }

    @Test
    void configRoundTrip(JenkinsRule r) throws Exception {
        AnsibleMitogenStep s = new AnsibleMitogenStep("site.yml");
        s.setInventory("hosts.ini");
        s.setLimit("web");
        s.setTags("deploy");
        s.setForks(7);
        s.setBecome(true);
        s.setBecomeUser("app");
        s.setCheckMode(true);
        s.setDiffMode(true);
        s.setVerbosity(2);
        s.setTaskIsolation("fork");
        s.setStrategy("free");
        s.setMaxInterpreters(8);
        s.setExtras("--flush-cache");
        s.setDisableHostKeyChecking(true);
        s.setBecomeCredentialsId("sudo");
        s.setVaultCredentials(List.of(new VaultIdCredential("prod", "prod-vault"), new VaultIdCredential("dev", "dev-vault")));
        r.assertEqualDataBoundBeans(s, new StepConfigTester(r).configRoundTrip(s));

        AnsibleMitogenAdhocStep a = new AnsibleMitogenAdhocStep("web*");
        a.setModule("service");
        a.setModuleArguments("name=nginx state=restarted");
        a.setBecome(true);
        a.setVaultCredentials(List.of(new VaultIdCredential("prod", "prod-vault")));
        r.assertEqualDataBoundBeans(a, new StepConfigTester(r).configRoundTrip(a));

        MitogenOptionsStep o = new MitogenOptionsStep();
        o.setTaskIsolation("fork");
        o.setPoolSize(4);
        r.assertEqualDataBoundBeans(o, new StepConfigTester(r).configRoundTrip(o));
    }

    @Test
    void theOptionsStepQualifiesForDeclarativeOptions(JenkinsRule r) {
        MitogenOptionsStep.DescriptorImpl d = r.jenkins.getDescriptorByType(MitogenOptionsStep.DescriptorImpl.class);
        assertTrue(d.takesImplicitBlockArgument());
        assertFalse(d.getRequiredContext().contains(hudson.Launcher.class));
        assertFalse(d.getRequiredContext().contains(hudson.FilePath.class));
        assertEquals("mitogen", d.getFunctionName());
    }
}
