package io.ansiblemitogen.transport.container;

import io.ansiblemitogen.engine.FakeModuleZip;
import io.ansiblemitogen.engine.ModuleRequest;

import java.util.Map;

/**
 * A ZIP laid out like Ansible's AnsiballZ payload whose module reports where it ran (pid, uid, user, Python
 * version, home), so container tests can tell which interpreter and account served them. Padded with
 * incompressible bytes so that "the second run sends only the digest" is a visible difference in bytes.
 */
final class EchoModule {
    private final FakeModuleZip zip;
    final byte[] bytes;

    EchoModule() throws Exception {
        Map<String, String> files = FakeModuleZip.skeleton();
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
        zip = FakeModuleZip.of(files);
        bytes = zip.bytes;
    }

    ModuleRequest request(String argsJson) {
        return request(argsJson, "python3");
    }

    ModuleRequest request(String argsJson, String interpreter) {
        return zip.request(interpreter, "ansible.modules.where", argsJson, "reuse", Map.of());
    }
}
