package io.jenkins.plugins.ansiblemitogen;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.jenkins.plugins.sshcredentials.impl.BasicSSHUserPrivateKey;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.domains.Domain;
import hudson.model.Label;
import hudson.model.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;

/**
 * A controller restart in the middle of a playbook: the step fails on resume (a synchronous step cannot resume),
 * and the key it wrote on the agent does not outlive the run, although its finish never ran.
 */
class RestartTest {
    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    @Test
    void aRestartMidPlaybookLeavesNoSecretsOnTheAgent() throws Throwable {
        FakeAnsible fake = new FakeAnsible();
        Path[] key = new Path[1];
        try {
            sessions.then(r -> {
                SystemCredentialsProvider.getInstance().getDomainCredentialsMap().put(Domain.global(), List.of(
                        new BasicSSHUserPrivateKey(CredentialsScope.GLOBAL, "key", "deploy",
                                new BasicSSHUserPrivateKey.DirectEntryPrivateKeySource("-----BEGIN KEY-----\nK\n-----END KEY-----"),
                                "", "")));
                r.createOnlineSlave(Label.get("ansible"), fake.agentEnv());
                WorkflowJob p = r.createProject(WorkflowJob.class, "p");
                p.setDefinition(new CpsFlowDefinition("node('ansible') { withEnv(['FAKE_SLEEP=300']) {\n"
                        + "ansibleMitogen(playbook: 'site.yml', ansiblePlaybookPath: '" + fake.executable
                        + "', credentialsId: 'key')\n} }", true));
                WorkflowRun b = p.scheduleBuild2(0).waitForStart();
                r.waitForMessage("sleeping", b);
                key[0] = Path.of(Files.readString(fake.keyPathRecord).strip());
                assertTrue(Files.exists(key[0]));
            });
            sessions.then(r -> {
                WorkflowRun b = r.jenkins.getItemByFullName("p", WorkflowJob.class).getBuildByNumber(1);
                r.assertBuildStatus(Result.FAILURE, r.waitForCompletion(b));
                r.assertLogContains("cannot resume a playbook after a controller restart", b);
                // The agent came online again (its JVM is new), and StaleSecretsSweeper removed the directory.
                for (int i = 0; i < 60 && Files.exists(key[0]); i++) {
                    Thread.sleep(500);
                }
                assertFalse(Files.exists(key[0]), "the key of the interrupted run is gone: " + key[0]);
            });
        } finally {
            fake.close();
        }
    }
}
