package io.jenkins.plugins.ansiblemitogen;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Computer;
import hudson.model.Node;
import hudson.model.TaskListener;
import hudson.tools.ToolDescriptor;
import hudson.tools.ToolInstallation;
import hudson.util.ListBoxModel;
import io.ansiblemitogen.jenkins.PlaybookOptions;
import java.io.IOException;

/**
 * Which ansible-playbook to run. {@code installation} names an Ansible tool configured with the Ansible plugin
 * ({@code tools { ansible 'name' }} users already have); found by class name so that plugin stays optional.
 */
final class ExecutableResolver {
    static final String ANSIBLE_TOOL_CLASS = "org.jenkinsci.plugins.ansible.AnsibleInstallation";

    private ExecutableResolver() {
    }

    /** {@code null} means ansible-playbook (for an ad-hoc run, ansible) from PATH. */
    static String resolve(PlaybookOptions o, FilePath ws, EnvVars env, TaskListener listener)
            throws IOException, InterruptedException {
        if (o.installation() == null) {
            return o.ansiblePlaybookPath();
        }
        ToolInstallation tool = find(o.installation());
        if (tool == null) {
            throw new AbortException("installation '" + o.installation() + "': no Ansible installation with this"
                    + " name is configured (Manage Jenkins > Tools)");
        }
        Computer computer = ws.toComputer();
        Node node = computer == null ? null : computer.getNode();
        if (node == null) {
            throw new AbortException("cannot find the agent of workspace " + ws.getRemote());
        }
        String home = tool.translate(node, env, listener).getHome();
        String exe = o.adhoc() == null ? "ansible-playbook" : "ansible";
        return home == null || home.isBlank() ? null : home.replaceAll("/+$", "") + "/" + exe;
    }

    static ToolInstallation find(String name) {
        for (ToolDescriptor<?> d : ToolInstallation.all()) {
            for (ToolInstallation t : d.getInstallations()) {
                if (t.getClass().getName().equals(ANSIBLE_TOOL_CLASS) && t.getName().equals(name)) {
                    return t;
                }
            }
        }
        return null;
    }

    static ListBoxModel items() {
        ListBoxModel m = new ListBoxModel();
        m.add("(ansible-playbook from PATH)", "");
        for (ToolDescriptor<?> d : ToolInstallation.all()) {
            for (ToolInstallation t : d.getInstallations()) {
                if (t.getClass().getName().equals(ANSIBLE_TOOL_CLASS)) {
                    m.add(t.getName());
                }
            }
        }
        return m;
    }
}
