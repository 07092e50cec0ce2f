package io.ansiblemitogen.jenkins;

import java.io.Serializable;

/** One vault id and the Jenkins credential holding its password: {@code --vault-id ID@FILE}. */
public record VaultCredential(String vaultId, String credentialsId) implements Serializable {
}
