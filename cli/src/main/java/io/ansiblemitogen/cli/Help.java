package io.ansiblemitogen.cli;

import io.ansiblemitogen.server.RequestHandler;

import java.util.List;
import java.util.Map;

/** The CLI's usage, version and per-command help texts: what {@code --help}, {@code help CMD} and errors print. */
final class Help {
    static final String USAGE = String.join("\n",
            "usage: ansible-mitogen playbook [ansible-playbook arguments...]",
            "       ansible-mitogen daemon [--socket-dir DIR] [--idle-timeout MINUTES | --idle-timeout-seconds S]",
            "       ansible-mitogen pool [--socket-dir DIR] [status|stop]",
            "       ansible-mitogen plugin-path [--mode strategy|connection]",
            "       ansible-mitogen env [--mode strategy|connection]",
            "       ansible-mitogen help [COMMAND] | --help | --version",
            "",
            "`ansible-mitogen help COMMAND` (or COMMAND --help) describes a command; `playbook --help` is",
            "ansible-playbook's own help, since playbook passes every argument on.");

    private static final Map<String, String> COMMANDS = Map.of(
            "playbook", String.join("\n",
                    "usage: ansible-mitogen playbook [ansible-playbook arguments...]",
                    "",
                    "Runs ansible-playbook with every argument given, its tasks going through the engine: the daemon",
                    "named by ANSIBLE_MITOGEN_SOCKET or ANSIBLE_MITOGEN_SOCKET_DIR, else the one in the default",
                    "directory, else an engine embedded in this command for the length of the run",
                    "(ANSIBLE_MITOGEN_EMBEDDED=1 forces that). ANSIBLE_MITOGEN_SUMMARY=1 ends the run with the",
                    "connections opened and reused. --help and --version here are ansible-playbook's."),
            "daemon", String.join("\n",
                    "usage: ansible-mitogen daemon [--socket-dir DIR] [--idle-timeout MINUTES | --idle-timeout-seconds S]",
                    "",
                    "Serves the engine on DIR/engine.sock (DIR: --socket-dir, else ANSIBLE_MITOGEN_SOCKET_DIR, else",
                    "$XDG_RUNTIME_DIR/ansible-mitogen or /tmp/ansible-mitogen-$UID; a directory of this user, mode",
                    "0700) until no request came for the idle timeout (default ANSIBLE_MITOGEN_IDLE_TIMEOUT minutes,",
                    "else " + DaemonLocation.DEFAULT_IDLE_MINUTES + "). A second daemon on the same directory exits at once."),
            "pool", String.join("\n",
                    "usage: ansible-mitogen pool [--socket-dir DIR] [status|stop]",
                    "",
                    "status (the default): the daemon's targets, interpreters, age, requests and bytes.",
                    "stop: ends the daemon. The daemon is found as playbook finds it."),
            "plugin-path", String.join("\n",
                    "usage: ansible-mitogen plugin-path [--mode strategy|connection]",
                    "",
                    "Prints the directory to set in ansible.cfg so plain ansible-playbook goes through the engine",
                    "(docs/plain-ansible.md): strategy_plugins (mode strategy, the default: our strategies as an",
                    "accelerator) or connection_plugins (mode connection: any strategy, no third-party strategy",
                    "plugin). ANSIBLE_MITOGEN_MODE sets the default. The path stays the same across upgrades."),
            "env", String.join("\n",
                    "usage: ansible-mitogen env [--mode strategy|connection]",
                    "",
                    "Prints `export` lines that make plain ansible-playbook and ansible use the engine, in the mode",
                    "given (see plugin-path): eval \"$(ansible-mitogen env)\"."));

    private Help() {
    }

    static String version() {
        return "ansible-mitogen " + RequestHandler.VERSION + " (engine protocol " + RequestHandler.PROTOCOL
                + ", Java " + Runtime.version() + ")";
    }

    /** The help of one command, or null if there is no such command. */
    static String of(String command) {
        return COMMANDS.get(command);
    }

    /** Whether the arguments of a command other than playbook ask for its help. */
    static boolean asked(List<String> args) {
        return args.contains("--help") || args.contains("-h");
    }
}
