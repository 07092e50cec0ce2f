package io.ansiblemitogen.jenkins;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks options before anything runs, with messages that name the option and say what to write instead.
 * The single-field checks return {@code null} when the value is fine, so the Jenkins form validation
 * ({@code doCheck...}) can reuse them.
 */
public final class OptionsValidator {
    public static final int MAX_VERBOSITY = 4;
    // What Ansible accepts left of the @ in --vault-id ID@SOURCE (no @, no whitespace, not empty).
    private static final Pattern VAULT_ID = Pattern.compile("[A-Za-z0-9_.:-]+");
    private static final Pattern VAR_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    // These make ansible-playbook wait for a terminal that a build does not have.
    private static final Set<String> PROMPTING_FLAGS = Set.of("-k", "--ask-pass", "-K", "--ask-become-pass",
            "--ask-vault-pass", "--ask-vault-password", "-J");

    /** The outcome of validating a whole set of options. */
    public record Result(List<String> errors, List<String> warnings) {
        public boolean ok() {
            return errors.isEmpty();
        }

        /** Throws {@link IllegalArgumentException} listing every error, if there is any. */
        public void throwIfInvalid() {
            if (!errors.isEmpty()) {
                throw new IllegalArgumentException("invalid ansibleMitogen options: " + String.join("; ", errors));
            }
        }
    }

    private OptionsValidator() {
    }

    public static Result validate(PlaybookOptions o) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        if (o.adhoc() == null) {
            add(errors, checkPlaybook(o.playbook()));
        } else {
            errors.addAll(checkAdhoc(o));
        }
        if (o.inventory() != null && o.inventoryContent() != null) {
            errors.add("set either inventory (a path) or inventoryContent (the inventory text), not both");
        }
        if (o.dynamicInventory() && o.inventoryContent() == null) {
            errors.add("dynamicInventory applies only to inventoryContent, which is not set");
        }
        if (o.becomeUser() != null && !o.become()) {
            warnings.add("becomeUser '" + o.becomeUser() + "' is ignored because become is false");
        }
        if (o.becomeCredentialsId() != null && !o.become()) {
            warnings.add("becomeCredentialsId '" + o.becomeCredentialsId() + "' is ignored because become is false");
        }
        errors.addAll(checkVaultCredentials(o.vaultCredentials()));
        add(errors, checkForks(o.forks()));
        add(errors, checkExtras(o.extras()));
        errors.addAll(checkExtraVars(o.extraVars()));
        warnings.addAll(legacyExtraVars(o.extraVars()));
        errors.addAll(validate(o.stageOptions()).errors());
        if (o.installation() != null && o.ansiblePlaybookPath() != null) {
            errors.add("set either installation (a configured Ansible tool) or ansiblePlaybookPath, not both");
        }
        return new Result(List.copyOf(errors), List.copyOf(warnings));
    }

    public static Result validate(StageOptions s) {
        List<String> errors = new ArrayList<>();
        add(errors, checkVerbosity(s.verbosity()));
        add(errors, checkPositive("maxInterpreters", s.maxInterpreters()));
        add(errors, checkPositive("poolSize", s.poolSize()));
        return new Result(List.copyOf(errors), List.of());
    }

    /** An ad-hoc run needs hosts, and has no playbook, tags or start task. */
    static List<String> checkAdhoc(PlaybookOptions o) {
        List<String> errors = new ArrayList<>();
        add(errors, checkHosts(o.adhoc().hosts()));
        Map<String, String> playbookOnly = new java.util.LinkedHashMap<>();
        playbookOnly.put("playbook", o.playbook());
        playbookOnly.put("tags", o.tags());
        playbookOnly.put("skippedTags", o.skippedTags());
        playbookOnly.put("startAtTask", o.startAtTask());
        playbookOnly.forEach((name, value) -> {
            if (value != null) {
                errors.add(name + " does not apply to an ad-hoc command (ansibleMitogenAdhoc)");
            }
        });
        return errors;
    }

    public static String checkHosts(String hosts) {
        return hosts == null || hosts.isBlank() ? "hosts is required (a host pattern such as all or web*)" : null;
    }

    public static String checkPlaybook(String playbook) {
        return playbook == null || playbook.isBlank() ? "playbook is required (a path relative to the workspace)" : null;
    }

    public static String checkForks(int forks) {
        return forks < 0 ? "forks must be 0 (Ansible's default) or more, not " + forks : null;
    }

    public static String checkVerbosity(Integer v) {
        if (v != null && (v < 0 || v > MAX_VERBOSITY)) {
            return "verbosity must be between 0 and " + MAX_VERBOSITY + " (the number of -v), not " + v;
        }
        return null;
    }

    public static String checkPositive(String name, Integer v) {
        return v != null && v < 1 ? name + " must be 1 or more, not " + v + " (leave it empty for the default)" : null;
    }

    public static String checkExtras(String extras) {
        List<String> tokens;
        try {
            tokens = ShellTokenizer.tokenize(extras);
        } catch (IllegalArgumentException e) {
            return "extras cannot be split into arguments: " + e.getMessage();
        }
        for (String t : tokens) {
            if (PROMPTING_FLAGS.contains(t)) {
                return "extras must not contain " + t + ": it prompts on a terminal, which a build does not have;"
                        + " use credentialsId or vaultCredentialsId instead";
            }
        }
        return null;
    }

    /** Each entry names a vault id and a credential; an id appears once. */
    public static List<String> checkVaultCredentials(List<VaultCredential> vaults) {
        List<String> errors = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < vaults.size(); i++) {
            VaultCredential v = vaults.get(i);
            String where = "vaultCredentials[" + i + "]";
            if (v.vaultId() == null || !VAULT_ID.matcher(v.vaultId()).matches()) {
                errors.add(where + ": vaultId '" + v.vaultId() + "' is not a vault id (letters, digits, _ . : -),"
                        + " e.g. [vaultId: 'prod', credentialsId: 'prod-vault']");
            } else if (!seen.add(v.vaultId())) {
                errors.add(where + ": vaultId '" + v.vaultId() + "' is given twice");
            }
            if (v.credentialsId() == null || v.credentialsId().isBlank()) {
                errors.add(where + ": credentialsId is required (a secret text or secret file credential)");
            }
        }
        return errors;
    }

    /** Top-level names must be Ansible variable names; values must be JSON-like. */
    public static List<String> checkExtraVars(Map<String, Object> vars) {
        List<String> errors = new ArrayList<>();
        if (vars == null) {
            return errors;
        }
        for (Map.Entry<String, Object> e : vars.entrySet()) {
            if (!VAR_NAME.matcher(e.getKey()).matches()) {
                errors.add("extraVars name '" + e.getKey()
                        + "' is not a valid Ansible variable name (letters, digits and _, not starting with a digit)");
            }
            checkValue("extraVars." + e.getKey(), e.getValue(), errors);
        }
        return errors;
    }

    /**
     * Entries in the Ansible plugin's {@code [value: 'x', hidden: true]} form. They are valid (a dict), so they
     * pass, but the playbook most likely expects the value itself: say so, and how a secret is passed now.
     */
    public static List<String> legacyExtraVars(Map<String, Object> vars) {
        List<String> warnings = new ArrayList<>();
        if (vars == null) {
            return warnings;
        }
        for (Map.Entry<String, Object> e : vars.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> m && m.containsKey("value")
                    && Set.of("value", "hidden").containsAll(m.keySet())) {
                String k = e.getKey();
                warnings.add("extraVars '" + k + "' has the Ansible plugin's form [value: ..., hidden: ...]; it now"
                        + " reaches the playbook as that dict, not as its value. Write " + k + ": 'x' for a plain"
                        + " value; for a secret, bind it with withCredentials and write " + k + ": VARIABLE, or pass"
                        + " a hudson.util.Secret. Extra vars are never on the command line, and both are masked");
            }
        }
        return warnings;
    }

    private static void checkValue(String path, Object v, List<String> errors) {
        if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean
                || v instanceof SecretValue) {
            if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
                errors.add(path + " is " + d + ", which JSON cannot carry");
            }
            return;
        }
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                checkValue(path + "." + e.getKey(), e.getValue(), errors);
            }
            return;
        }
        if (v instanceof Collection<?> c) {
            int i = 0;
            for (Object o : c) {
                checkValue(path + "[" + i++ + "]", o, errors);
            }
            return;
        }
        errors.add(path + " has a value of type " + v.getClass().getName()
                + "; use strings, numbers, booleans, lists and maps");
    }

    private static void add(List<String> errors, String error) {
        if (error != null) {
            errors.add(error);
        }
    }
}
