package io.ansiblemitogen.cli;

import java.io.IOException;
import java.util.List;

/** {@code ansible-mitogen COMMAND ...}: playbook, daemon, pool, plugin-path, env. */
public final class Main {
    private static final String USAGE = String.join("\n",
            "usage: ansible-mitogen playbook [ansible-playbook arguments...]",
            "       ansible-mitogen daemon [--socket-dir DIR] [--idle-timeout MINUTES | --idle-timeout-seconds S]",
            "       ansible-mitogen pool [--socket-dir DIR] [status|stop]",
            "       ansible-mitogen plugin-path [--mode strategy|connection]",
            "       ansible-mitogen env [--mode strategy|connection]");

    private Main() {
    }

    public static void main(String[] argv) {
        System.exit(run(List.of(argv)));
    }

    static int run(List<String> argv) {
        if (argv.isEmpty()) {
            System.err.println(USAGE);
            return 2;
        }
        List<String> rest = argv.subList(1, argv.size());
        try {
            return switch (argv.get(0)) {
                case "playbook" -> PlaybookCommand.run(rest);
                case "daemon" -> DaemonCommand.run(rest);
                case "pool" -> PoolCommand.run(rest, System.out);
                case "plugin-path" -> {
                    System.out.println(AnsibleEnvironment.pluginPath(rest));
                    yield 0;
                }
                case "env" -> {
                    System.out.print(AnsibleEnvironment.exportLines(
                            AnsibleEnvironment.forEngine(null, System.getenv(), RoutingMode.select(rest, System.getenv()))));
                    yield 0;
                }
                case "-h", "--help", "help" -> {
                    System.out.println(USAGE);
                    yield 0;
                }
                default -> {
                    System.err.println("ansible-mitogen: unknown command '" + argv.get(0) + "'\n" + USAGE);
                    yield 2;
                }
            };
        } catch (IllegalArgumentException e) {
            System.err.println("ansible-mitogen: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("ansible-mitogen: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }
}
