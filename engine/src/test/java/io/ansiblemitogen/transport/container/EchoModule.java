package io.ansiblemitogen.transport.container;

import io.ansiblemitogen.engine.ModuleRequest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A ZIP laid out like Ansible's AnsiballZ payload whose module reports where it ran (pid, uid, user, Python
 * version, home), so container tests can tell which interpreter and account served them. Padded with
 * incompressible bytes so that "the second run sends only the digest" is a visible difference in bytes.
 */
final class EchoModule {
    final byte[] bytes;
    final String sha1;

    EchoModule() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("ansible/__init__.py", "");
        files.put("ansible/module_utils/__init__.py", "");
        files.put("ansible/module_utils/basic.py", String.join("\n",
                "import json, sys",
                "_ANSIBLE_ARGS = None",
                "def params():",
                "    return json.loads(_ANSIBLE_ARGS.decode('utf-8'))['ANSIBLE_MODULE_ARGS']",
                ""));
        files.put("ansible/modules/__init__.py", "");
        files.put("ansible/modules/where.py", String.join("\n",
                "import json, os, platform, pwd, sys",
                "from ansible.module_utils import basic",
                "p = basic.params()",
                "if p.get('fail'):",
                "    sys.stderr.write('asked to fail\\n')",
                "    sys.exit(int(p['fail']))",
                "print(json.dumps(dict(args=p, pid=os.getpid(), uid=os.getuid(),",
                "    user=pwd.getpwuid(os.getuid()).pw_name, python=platform.python_version(),",
                "    home=os.path.expanduser('~'), hostname=platform.node())))",
                ""));
        // Incompressible padding: 64 KiB of pseudo-random hex, stored so the ZIP is clearly bigger than a digest.
        StringBuilder pad = new StringBuilder("PAD = '");
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < 32 * 1024; i++) {
            pad.append(String.format("%02x", r.nextInt(256)));
        }
        files.put("ansible/module_utils/padding.py", pad.append("'\n").toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> e : files.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        bytes = out.toByteArray();
        sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
    }

    ModuleRequest request(String argsJson) {
        return request(argsJson, "python3");
    }

    ModuleRequest request(String argsJson, String interpreter) {
        return new ModuleRequest(interpreter, "ansible.modules.where", Base64.getEncoder().encodeToString(bytes),
                sha1, "{\"ANSIBLE_MODULE_ARGS\": " + argsJson + "}", "reuse", Map.of(), null);
    }
}
