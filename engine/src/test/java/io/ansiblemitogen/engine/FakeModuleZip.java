package io.ansiblemitogen.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A ZIP shaped like Ansible's AnsiballZ payload (ansible/module_utils/basic.py reading _ANSIBLE_ARGS, modules
 * under ansible/modules), small enough to reason about in engine tests without Ansible itself. The transport
 * tests pack their own modules with {@link #of(Map, long)}.
 */
public final class FakeModuleZip {
    public final byte[] bytes;
    public final String sha1;

    private FakeModuleZip(byte[] bytes) throws Exception {
        this.bytes = bytes;
        this.sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
    }

    static FakeModuleZip standard() throws Exception {
        return standard(System.currentTimeMillis());
    }

    /**
     * The packages every payload has, in a new map for the caller to add its modules to: {@code ansible},
     * {@code ansible.modules} and {@code ansible.module_utils}, whose {@code basic} reads {@code _ANSIBLE_ARGS}
     * ({@code params()}, {@code exit_json()}, and a {@code COUNTER} that tells a reused interpreter apart).
     */
    public static Map<String, String> skeleton() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("ansible/__init__.py", "");
        files.put("ansible/module_utils/__init__.py", "");
        files.put("ansible/module_utils/basic.py", String.join("\n",
                "import json, sys",
                "_ANSIBLE_ARGS = None",
                "COUNTER = [0]",
                "def params():",
                "    return json.loads(_ANSIBLE_ARGS.decode('utf-8'))['ANSIBLE_MODULE_ARGS']",
                "def exit_json(**kw):",
                "    print(json.dumps(kw))",
                "    sys.exit(0)",
                ""));
        files.put("ansible/modules/__init__.py", "");
        return files;
    }

    /** The same modules stamped with another build time, as each ansible-playbook run packs them. */
    static FakeModuleZip standard(long builtAt) throws Exception {
        Map<String, String> files = skeleton();
        files.put("ansible/modules/echo.py", String.join("\n",
                "import os, sys",
                "from ansible.module_utils import basic",
                "p = basic.params()",
                "basic.COUNTER[0] += 1",
                "if p.get('fail'):",
                "    sys.stderr.write('bad thing\\n')",
                "    sys.exit(int(p['fail']))",
                "if p.get('raise'):",
                "    raise RuntimeError('boom')",
                "basic.exit_json(args=p, counter=basic.COUNTER[0], pid=os.getpid(), env=os.environ.get('AM_TEST'),",
                "                cwd=os.getcwd(), name=__name__)",
                ""));
        // A module that Mitogen's experience says must not run in a reused interpreter (core.py ALWAYS_FORK).
        files.put("ansible/modules/dnf.py", files.get("ansible/modules/echo.py"));
        return of(files, builtAt);
    }

    /**
     * {@code ansible.modules.digests}: {@code AnsibleModule.digest_from_file} as ansible-core has it (by algorithm
     * name, reading the realpath) for sha1, md5 and sha256 of {@code path}, and {@code reads}: how many of the three
     * really read the file.
     */
    public static FakeModuleZip digests() throws Exception {
        Map<String, String> files = skeleton();
        files.put("ansible/module_utils/basic.py", files.get("ansible/module_utils/basic.py") + String.join("\n",
                "import hashlib, os",
                "READS = [0]",
                "class AnsibleModule(object):",
                "    def digest_from_file(self, filename, algorithm):",
                "        if not os.path.exists(filename):",
                "            return None",
                "        READS[0] += 1",
                "        h = hashlib.new(algorithm)",
                "        with open(os.path.realpath(filename), 'rb') as f:",
                "            h.update(f.read())",
                "        return h.hexdigest()",
                ""));
        files.put("ansible/modules/digests.py", String.join("\n",
                "from ansible.module_utils import basic",
                "p = basic.params()",
                "m = basic.AnsibleModule()",
                "before = basic.READS[0]",
                "out = dict((a, m.digest_from_file(p['path'], a)) for a in ('sha1', 'md5', 'sha256'))",
                "basic.exit_json(reads=basic.READS[0] - before, **out)",
                ""));
        return of(files);
    }

    public static FakeModuleZip of(Map<String, String> files) throws Exception {
        return of(files, System.currentTimeMillis());
    }

    /** The entries in the map's order, each stamped {@code builtAt}. */
    public static FakeModuleZip of(Map<String, String> files, long builtAt) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> e : files.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                entry.setTime(builtAt);
                z.putNextEntry(entry);
                z.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return new FakeModuleZip(out.toByteArray());
    }

    ModuleRequest request(String interpreter, String argsJson, String isolation) throws IOException {
        return request(interpreter, "ansible.modules.echo", argsJson, isolation);
    }

    ModuleRequest request(String interpreter, String fqn, String argsJson, String isolation) throws IOException {
        return request(interpreter, fqn, argsJson, isolation, Map.of("AM_TEST", "yes"));
    }

    public ModuleRequest request(String interpreter, String fqn, String argsJson, String isolation,
            Map<String, String> env) {
        return new ModuleRequest(interpreter, fqn, Base64.getEncoder().encodeToString(bytes),
                sha1, "{\"ANSIBLE_MODULE_ARGS\": " + argsJson + "}", isolation, env, null);
    }
}
