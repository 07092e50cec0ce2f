package io.ansiblemitogen.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes a workload's playbook and its source files into a directory. Files a play writes on the targets go
 * under {@code destRoot}/HOST, which the runner empties between runs so every run does the same work.
 */
final class PlaybookWriter {
    /** The name of a file-copy workload's copy task, as profile_tasks reports it. */
    static final String BIG_COPY_TASK = "bench big copy";

    private PlaybookWriter() {
    }

    static Path write(Workload w, Path dir, Path destRoot) {
        try {
            Files.createDirectories(dir);
            StringBuilder y = new StringBuilder();
            y.append("- hosts: all\n  gather_facts: false\n  vars:\n    bench_dest: \"")
                    .append(destRoot).append("/{{ inventory_hostname }}\"\n  tasks:\n");
            switch (w.kind()) {
                case DEBUG -> {
                    for (int i = 1; i <= w.tasks(); i++) {
                        y.append("    - debug:\n        msg: x\n");
                    }
                }
                case COMMAND -> {
                    for (int i = 1; i <= w.tasks(); i++) {
                        y.append("    - command: hostname\n");
                    }
                }
                case LOOP -> y.append("    - command: hostname\n      loop: \"{{ range(")
                        .append(w.tasks()).append(") | list }}\"\n");
                case COPY_TEMPLATE -> {
                    writeSources(w, dir);
                    y.append("    - file:\n        path: \"{{ bench_dest }}\"\n        state: directory\n");
                    y.append("    - copy:\n        src: files/c{{ item }}.txt\n        dest: \"{{ bench_dest }}/c{{ item }}.txt\"\n")
                            .append("      loop: \"{{ range(1, ").append(w.copies() + 1).append(") | list }}\"\n");
                    y.append("    - template:\n        src: templates/t{{ item }}.j2\n        dest: \"{{ bench_dest }}/t{{ item }}.txt\"\n")
                            .append("      loop: \"{{ range(1, ").append(w.templates() + 1).append(") | list }}\"\n");
                }
                case BIG_COPY -> {
                    writeBigFile(bigFile(dir), w.fileBytes());
                    y.append("    - file:\n        path: \"{{ bench_dest }}\"\n        state: directory\n");
                    y.append("    - name: ").append(BIG_COPY_TASK).append('\n');
                    y.append("      copy:\n        src: big.bin\n        dest: \"{{ bench_dest }}/big.bin\"\n");
                }
            }
            Path playbook = dir.resolve("playbook.yml");
            Files.writeString(playbook, y);
            return playbook;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write workload " + w.name(), e);
        }
    }

    static Path bigFile(Path dir) {
        return dir.resolve("big.bin");
    }

    private static void writeSources(Workload w, Path dir) throws IOException {
        Path files = Files.createDirectories(dir.resolve("files"));
        Path templates = Files.createDirectories(dir.resolve("templates"));
        String filler = "lorem ipsum dolor sit amet, consectetur adipiscing elit\n".repeat(18); // about 1 KB
        for (int i = 1; i <= w.copies(); i++) {
            Files.writeString(files.resolve("c" + i + ".txt"), "file " + i + "\n" + filler);
        }
        for (int i = 1; i <= w.templates(); i++) {
            Files.writeString(templates.resolve("t" + i + ".j2"),
                    "host {{ inventory_hostname }} item " + i + "\n{% for n in range(3) %}line {{ n }}\n{% endfor %}"
                            + filler);
        }
    }

    /** Random bytes, so ssh compression (on in stock Ansible's default ssh_args) cannot shrink the transfer. */
    private static void writeBigFile(Path file, long size) throws IOException {
        if (Files.exists(file) && Files.size(file) == size) {
            return;
        }
        Random r = new Random(42);
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= buf.length) {
                r.nextBytes(buf);
                out.write(buf, 0, (int) Math.min(buf.length, left));
            }
        }
    }
}
