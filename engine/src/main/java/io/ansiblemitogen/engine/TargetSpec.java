package io.ansiblemitogen.engine;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Objects;

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

    /** A target as the plugin sends it; null for a JSON null. */
    public static TargetSpec fromJson(JsonNode node) throws JsonFields.Malformed {
        JsonFields f = JsonFields.of(node, "target");
        if (f == null) {
            return null;
        }
        return new TargetSpec(f.text("transport"), f.text("inventory_name"), f.text("host"), f.integer("port"),
                f.text("user"), f.text("password"), f.text("private_key_file"), f.text("private_key_passphrase"),
                f.text("ssh_args"), f.text("ssh_common_args"), f.text("ssh_extra_args"), f.integer("timeout"),
                f.bool("host_key_checking"), f.text("python"), f.objects("via", TargetSpec::fromJson));
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

    /*
     * equals and hashCode written out: the ones records generate go through method handles, which a one-run JVM
     * interprets for most of its life, and the pool looks a spec up on every request.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof TargetSpec t && Objects.equals(host, t.host) && Objects.equals(port, t.port)
                && Objects.equals(user, t.user) && Objects.equals(inventoryName, t.inventoryName)
                && Objects.equals(transport, t.transport) && Objects.equals(password, t.password)
                && Objects.equals(privateKeyFile, t.privateKeyFile)
                && Objects.equals(privateKeyPassphrase, t.privateKeyPassphrase) && Objects.equals(sshArgs, t.sshArgs)
                && Objects.equals(sshCommonArgs, t.sshCommonArgs) && Objects.equals(sshExtraArgs, t.sshExtraArgs)
                && Objects.equals(timeout, t.timeout) && Objects.equals(hostKeyChecking, t.hostKeyChecking)
                && Objects.equals(python, t.python) && via.equals(t.via);
    }

    @Override
    public int hashCode() {
        int h = Objects.hashCode(transport);
        for (Object v : new Object[] {inventoryName, host, port, user, password, privateKeyFile,
            privateKeyPassphrase, sshArgs, sshCommonArgs, sshExtraArgs, timeout, hostKeyChecking, python, via}) {
            h = 31 * h + Objects.hashCode(v);
        }
        return h;
    }

    @Override
    public String toString() {
        return transport + ":" + (user == null ? "" : user + "@") + host + (port == null ? "" : ":" + port)
                + (via.isEmpty() ? "" : " via " + via.size() + " hop(s)");
    }
}
