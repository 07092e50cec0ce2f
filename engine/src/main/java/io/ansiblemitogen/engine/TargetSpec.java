package io.ansiblemitogen.engine;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * One target (or hop) as Ansible resolved its connection variables; field names follow docs/protocol.md.
 * Secrets (password, passphrase) are kept out of {@link #toString()}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TargetSpec(
        @JsonProperty("transport") String transport,
        @JsonProperty("inventory_name") String inventoryName,
        @JsonProperty("host") String host,
        @JsonProperty("port") Integer port,
        @JsonProperty("user") String user,
        @JsonProperty("password") String password,
        @JsonProperty("private_key_file") String privateKeyFile,
        @JsonProperty("private_key_passphrase") String privateKeyPassphrase,
        @JsonProperty("ssh_args") String sshArgs,
        @JsonProperty("ssh_common_args") String sshCommonArgs,
        @JsonProperty("ssh_extra_args") String sshExtraArgs,
        @JsonProperty("timeout") Integer timeout,
        @JsonProperty("host_key_checking") Boolean hostKeyChecking,
        @JsonProperty("python") String python,
        @JsonProperty("via") List<TargetSpec> via) {

    public TargetSpec {
        transport = transport == null || transport.isBlank() ? "ssh" : transport;
        via = via == null ? List.of() : List.copyOf(via);
    }

    public static TargetSpec local(String name) {
        return new TargetSpec("local", name, "localhost", null, null, null, null, null, null, null, null, null,
                null, null, null);
    }

    /** The name users know the host by: the inventory name, else the address. */
    @JsonIgnore
    public String displayName() {
        return inventoryName != null && !inventoryName.isBlank() ? inventoryName : host;
    }

    @JsonIgnore
    public String pythonOrDefault() {
        return python == null || python.isBlank() ? "python3" : python;
    }

    @Override
    public String toString() {
        return transport + ":" + (user == null ? "" : user + "@") + host + (port == null ? "" : ":" + port)
                + (via.isEmpty() ? "" : " via " + via.size() + " hop(s)");
    }
}
