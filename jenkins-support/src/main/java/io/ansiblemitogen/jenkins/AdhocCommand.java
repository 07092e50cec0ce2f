package io.ansiblemitogen.jenkins;

import java.io.Serializable;

/**
 * An ad-hoc run instead of a playbook: {@code ansible HOSTS -m MODULE -a ARGS}. {@code module} and
 * {@code moduleArguments} may be {@code null} (Ansible's default module, {@code command}, and no arguments).
 */
public record AdhocCommand(String hosts, String module, String moduleArguments) implements Serializable {
}
