package io.ansiblemitogen.cli;

import java.io.IOException;
import java.util.List;

/** {@code ansible-mitogen COMMAND ...}: playbook, daemon, pool, plugin-path, env, help; {@code --version}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] argv) {
        System.exit(run(List.of(argv)));
    }

    static int run(List<String> argv) {
        if (argv.isEmpty()) {
            System.err.println(Help.USAGE);
            return 2;
        }
        String command = argv.get(0);
        List<String> rest = argv.subList(1, argv.size());
        if (!"playbook".equals(command) && Help.of(command) != null && Help.asked(rest)) {
            System.out.println(Help.of(command));
            return 0;
        }
        try {
            return switch (command) {
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
                case "--version", "version" -> {
                    System.out.println(Help.version());
                    yield 0;
                }
                case "-h", "--help", "help" -> help(rest);
                default -> {
                    System.err.println("ansible-mitogen: unknown command '" + command + "'\n" + Help.USAGE);
                    yield 2;
                }
            };
        } catch (IllegalArgumentException e) {
            System.err.println("ansible-mitogen: " + e.getMessage());
            String help = Help.of(command);
            if (help != null && !"playbook".equals(command)) {
                System.err.println(help.lines().findFirst().orElse(""));
            }
            return 2;
        } catch (IOException e) {
            System.err.println("ansible-mitogen: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    private static int help(List<String> rest) {
        if (rest.isEmpty()) {
            System.out.println(Help.USAGE);
            return 0;
        }
        String text = Help.of(rest.get(0));
        if (text == null) {
            System.err.println("ansible-mitogen: no command '" + rest.get(0) + "'\n" + Help.USAGE);
            return 2;
        }
        System.out.println(text);
        return 0;
    }
}
