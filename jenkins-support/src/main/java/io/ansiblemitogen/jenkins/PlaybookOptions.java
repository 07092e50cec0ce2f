package io.ansiblemitogen.jenkins;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every option of one {@code ansibleMitogen} run, as the user gave them (before merging with an enclosing
 * {@code mitogen} block). Immutable and serializable, so the Jenkins adapter can ship it to an agent.
 *
 * <p>Strings are trimmed and blank ones become {@code null}, as the old plugin's {@code Util.fixEmptyAndTrim} did.
 * The engine options ({@link #taskIsolation()}, {@link #strategy()}, {@link #maxInterpreters()},
 * {@link #poolSize()}, {@link #verbosity()}) are {@code null} when unset so that a block can supply them.
 */
public final class PlaybookOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String playbook;
    private final AdhocCommand adhoc;
    private final String inventory;
    private final String inventoryContent;
    private final boolean dynamicInventory;
    private final String credentialsId;
    private final String vaultCredentialsId;
    private final ArrayList<VaultCredential> vaultCredentials;
    private final String becomeCredentialsId;
    private final boolean become;
    private final String becomeUser;
    private final String limit;
    private final String tags;
    private final String skippedTags;
    private final String startAtTask;
    private final int forks;
    private final boolean checkMode;
    private final boolean diffMode;
    private final Map<String, Object> extraVars;
    private final String extras;
    private final boolean colorized;
    private final boolean disableHostKeyChecking;
    private final String installation;
    private final String ansiblePlaybookPath;
    private final StageOptions stage;

    private PlaybookOptions(Builder b) {
        playbook = b.playbook;
        adhoc = b.adhoc;
        inventory = b.inventory;
        inventoryContent = b.inventoryContent;
        dynamicInventory = b.dynamicInventory;
        credentialsId = b.credentialsId;
        vaultCredentialsId = b.vaultCredentialsId;
        vaultCredentials = new ArrayList<>(b.vaultCredentials); // plain ArrayList: crosses remoting (JEP-200)
        becomeCredentialsId = b.becomeCredentialsId;
        become = b.become;
        becomeUser = b.becomeUser;
        limit = b.limit;
        tags = b.tags;
        skippedTags = b.skippedTags;
        startAtTask = b.startAtTask;
        forks = b.forks;
        checkMode = b.checkMode;
        diffMode = b.diffMode;
        extraVars = b.extraVars == null ? new LinkedHashMap<>() : deepCopy(b.extraVars);
        extras = b.extras;
        colorized = b.colorized;
        disableHostKeyChecking = b.disableHostKeyChecking;
        installation = b.installation;
        ansiblePlaybookPath = b.ansiblePlaybookPath;
        stage = b.stage.build();
    }

    public static Builder builder(String playbook) {
        return new Builder().playbook(playbook);
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.playbook = playbook;
        b.adhoc = adhoc;
        b.inventory = inventory;
        b.inventoryContent = inventoryContent;
        b.dynamicInventory = dynamicInventory;
        b.credentialsId = credentialsId;
        b.vaultCredentialsId = vaultCredentialsId;
        b.vaultCredentials = new ArrayList<>(vaultCredentials);
        b.becomeCredentialsId = becomeCredentialsId;
        b.become = become;
        b.becomeUser = becomeUser;
        b.limit = limit;
        b.tags = tags;
        b.skippedTags = skippedTags;
        b.startAtTask = startAtTask;
        b.forks = forks;
        b.checkMode = checkMode;
        b.diffMode = diffMode;
        b.extraVars = deepCopy(extraVars);
        b.extras = extras;
        b.colorized = colorized;
        b.disableHostKeyChecking = disableHostKeyChecking;
        b.installation = installation;
        b.ansiblePlaybookPath = ansiblePlaybookPath;
        b.stage = stage.toBuilder();
        return b;
    }

    public String playbook() { return playbook; }
    /** Set for an ad-hoc run ({@code ansible HOSTS -m ...}); then {@link #playbook()} is {@code null}. */
    public AdhocCommand adhoc() { return adhoc; }
    public String inventory() { return inventory; }
    public String inventoryContent() { return inventoryContent; }
    public boolean dynamicInventory() { return dynamicInventory; }
    public String credentialsId() { return credentialsId; }
    public String vaultCredentialsId() { return vaultCredentialsId; }
    /** Several vault ids, each with the credential of its password, in the order given. */
    public List<VaultCredential> vaultCredentials() { return Collections.unmodifiableList(vaultCredentials); }
    public String becomeCredentialsId() { return becomeCredentialsId; }
    public boolean become() { return become; }
    public String becomeUser() { return becomeUser; }
    public String limit() { return limit; }
    public String tags() { return tags; }
    public String skippedTags() { return skippedTags; }
    public String startAtTask() { return startAtTask; }
    public int forks() { return forks; }
    public boolean checkMode() { return checkMode; }
    public boolean diffMode() { return diffMode; }
    /** An unmodifiable copy, nested maps and lists included. */
    public Map<String, Object> extraVars() { return readOnly(extraVars); }
    public String extras() { return extras; }
    public boolean colorized() { return colorized; }
    public boolean disableHostKeyChecking() { return disableHostKeyChecking; }
    public String installation() { return installation; }
    public String ansiblePlaybookPath() { return ansiblePlaybookPath; }
    public Integer verbosity() { return stage.verbosity(); }
    public TaskIsolation taskIsolation() { return stage.taskIsolation(); }
    public Strategy strategy() { return stage.strategy(); }
    public Integer maxInterpreters() { return stage.maxInterpreters(); }
    public Integer poolSize() { return stage.poolSize(); }

    /** The engine options of this run alone, for merging with an enclosing block. */
    public StageOptions stageOptions() {
        return stage;
    }

    /** This run with its engine options replaced by {@code s} (used by {@link OptionMerger}). */
    public PlaybookOptions withStageOptions(StageOptions s) {
        Builder b = toBuilder();
        b.stage = s.toBuilder();
        return b.build();
    }

    /**
     * Expands build variables ({@code ${WORKSPACE}}, parameters) in the options that name things, as the old
     * plugin did. Extra vars and inline inventory are left alone: a {@code $} in them is data.
     */
    public PlaybookOptions expand(java.util.function.UnaryOperator<String> expander) {
        java.util.function.UnaryOperator<String> e = s -> s == null ? null : expander.apply(s);
        return toBuilder().playbook(e.apply(playbook))
                .adhoc(adhoc == null ? null : new AdhocCommand(e.apply(adhoc.hosts()), e.apply(adhoc.module()),
                        adhoc.moduleArguments())) // arguments are data, like extra vars
                .inventory(e.apply(inventory)).limit(e.apply(limit))
                .tags(e.apply(tags)).skippedTags(e.apply(skippedTags)).startAtTask(e.apply(startAtTask))
                .extras(e.apply(extras)).credentialsId(e.apply(credentialsId))
                .vaultCredentialsId(e.apply(vaultCredentialsId)).becomeUser(e.apply(becomeUser))
                .becomeCredentialsId(e.apply(becomeCredentialsId))
                .vaultCredentials(vaultCredentials.stream()
                        .map(v -> new VaultCredential(e.apply(v.vaultId()), e.apply(v.credentialsId()))).toList())
                .ansiblePlaybookPath(e.apply(ansiblePlaybookPath)).build();
    }

    // Copies so later changes to the caller's (e.g. a Groovy) map cannot change a run that was already validated.
    // Plain ArrayList/LinkedHashMap: they keep the user's order and pass the remoting class filter (JEP-200).
    static Map<String, Object> deepCopy(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            out.put(String.valueOf(e.getKey()), deepCopyValue(e.getValue()));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readOnly(Map<String, Object> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(k, readOnlyValue(v)));
        return Collections.unmodifiableMap(out);
    }

    @SuppressWarnings("unchecked")
    private static Object readOnlyValue(Object v) {
        if (v instanceof Map<?, ?> m) {
            return readOnly((Map<String, Object>) m);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(x -> out.add(readOnlyValue(x)));
            return Collections.unmodifiableList(out);
        }
        return v;
    }

    private static Object deepCopyValue(Object v) {
        if (v instanceof Map<?, ?> m) {
            return deepCopy(m);
        }
        if (v instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>(c.size());
            for (Object o : c) {
                out.add(deepCopyValue(o));
            }
            return out;
        }
        if (v instanceof Object[] a) {
            return deepCopyValue(List.of(a));
        }
        if (v instanceof CharSequence s) {
            return s.toString(); // Groovy GStrings arrive here
        }
        return v;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PlaybookOptions p)) {
            return false;
        }
        return dynamicInventory == p.dynamicInventory && become == p.become && forks == p.forks
                && checkMode == p.checkMode && diffMode == p.diffMode && colorized == p.colorized
                && disableHostKeyChecking == p.disableHostKeyChecking && Objects.equals(playbook, p.playbook)
                && Objects.equals(adhoc, p.adhoc)
                && Objects.equals(inventory, p.inventory) && Objects.equals(inventoryContent, p.inventoryContent)
                && Objects.equals(credentialsId, p.credentialsId)
                && Objects.equals(vaultCredentialsId, p.vaultCredentialsId)
                && Objects.equals(vaultCredentials, p.vaultCredentials)
                && Objects.equals(becomeCredentialsId, p.becomeCredentialsId)
                && Objects.equals(becomeUser, p.becomeUser) && Objects.equals(limit, p.limit)
                && Objects.equals(tags, p.tags) && Objects.equals(skippedTags, p.skippedTags)
                && Objects.equals(startAtTask, p.startAtTask) && Objects.equals(extraVars, p.extraVars)
                && Objects.equals(extras, p.extras) && Objects.equals(installation, p.installation)
                && Objects.equals(ansiblePlaybookPath, p.ansiblePlaybookPath) && stage.equals(p.stage);
    }

    @Override
    public int hashCode() {
        return Objects.hash(playbook, inventory, limit, tags, forks, extraVars, stage);
    }

    /** Lists the set options without values of extra vars or inventory content (either may hold secrets). */
    @Override
    public String toString() {
        return "PlaybookOptions{" + (adhoc != null ? "adhoc hosts=" + adhoc.hosts() + " module=" + adhoc.module()
                : "playbook=" + playbook) + ", inventory=" + inventory
                + (inventoryContent != null ? ", inventoryContent=<" + inventoryContent.length() + " chars>" : "")
                + ", extraVars=" + extraVars.keySet() + ", " + stageOptions() + "}";
    }

    /** An ad-hoc run: {@code ansible HOSTS -m MODULE -a ARGS} with the same options as a playbook run. */
    public static Builder adhocBuilder(AdhocCommand command) {
        return new Builder().adhoc(command);
    }

    public static final class Builder {
        private String playbook;
        private AdhocCommand adhoc;
        private String inventory;
        private String inventoryContent;
        private boolean dynamicInventory;
        private String credentialsId;
        private String vaultCredentialsId;
        private List<VaultCredential> vaultCredentials = new ArrayList<>();
        private String becomeCredentialsId;
        private boolean become;
        private String becomeUser;
        private String limit;
        private String tags;
        private String skippedTags;
        private String startAtTask;
        private int forks;
        private boolean checkMode;
        private boolean diffMode;
        private Map<String, Object> extraVars;
        private String extras;
        private boolean colorized;
        private boolean disableHostKeyChecking;
        private String installation;
        private String ansiblePlaybookPath;
        private StageOptions.Builder stage = StageOptions.builder();

        private static String fix(String s) {
            if (s == null) {
                return null;
            }
            String t = s.trim();
            return t.isEmpty() ? null : t;
        }

        public Builder playbook(String v) { playbook = fix(v); return this; }
        public Builder adhoc(AdhocCommand v) {
            adhoc = v == null ? null : new AdhocCommand(fix(v.hosts()), fix(v.module()),
                    v.moduleArguments() == null || v.moduleArguments().isBlank() ? null : v.moduleArguments());
            return this;
        }
        public Builder inventory(String v) { inventory = fix(v); return this; }
        /** Kept verbatim apart from blank-to-null: leading whitespace can matter in YAML inventories. */
        public Builder inventoryContent(String v) { inventoryContent = v == null || v.isBlank() ? null : v; return this; }
        public Builder dynamicInventory(boolean v) { dynamicInventory = v; return this; }
        public Builder credentialsId(String v) { credentialsId = fix(v); return this; }
        public Builder vaultCredentialsId(String v) { vaultCredentialsId = fix(v); return this; }
        public Builder vaultCredentials(List<VaultCredential> v) {
            vaultCredentials = v == null ? new ArrayList<>() : new ArrayList<>(v);
            return this;
        }
        public Builder becomeCredentialsId(String v) { becomeCredentialsId = fix(v); return this; }
        public Builder become(boolean v) { become = v; return this; }
        public Builder becomeUser(String v) { becomeUser = fix(v); return this; }
        public Builder limit(String v) { limit = fix(v); return this; }
        public Builder tags(String v) { tags = fix(v); return this; }
        public Builder skippedTags(String v) { skippedTags = fix(v); return this; }
        public Builder startAtTask(String v) { startAtTask = fix(v); return this; }
        public Builder forks(int v) { forks = v; return this; }
        public Builder checkMode(boolean v) { checkMode = v; return this; }
        public Builder diffMode(boolean v) { diffMode = v; return this; }
        public Builder extraVars(Map<String, ?> v) { extraVars = v == null ? null : deepCopy(v); return this; }
        public Builder extras(String v) { extras = fix(v); return this; }
        public Builder colorized(boolean v) { colorized = v; return this; }
        public Builder disableHostKeyChecking(boolean v) { disableHostKeyChecking = v; return this; }
        public Builder installation(String v) { installation = fix(v); return this; }
        public Builder ansiblePlaybookPath(String v) { ansiblePlaybookPath = fix(v); return this; }
        public Builder verbosity(Integer v) { stage.verbosity(v); return this; }
        public Builder taskIsolation(TaskIsolation v) { stage.taskIsolation(v); return this; }
        public Builder strategy(Strategy v) { stage.strategy(v); return this; }
        public Builder maxInterpreters(Integer v) { stage.maxInterpreters(v); return this; }
        public Builder poolSize(Integer v) { stage.poolSize(v); return this; }

        public PlaybookOptions build() {
            return new PlaybookOptions(this);
        }
    }
}
