package io.ansiblemitogen.transport.ssh;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * glob(3) over an absolute path, as ssh's Include uses it: {@code * ? [...]} in any component, matches sorted,
 * names starting with a dot only matched by a pattern that starts with one; no match is no file (not an error).
 */
final class PathGlob {
    private PathGlob() {
    }

    static List<Path> expand(String absolute) {
        List<Path> current = List.of(Path.of("/"));
        for (Path part : Path.of(absolute)) {
            String name = part.toString();
            List<Path> next = new ArrayList<>();
            boolean wild = name.contains("*") || name.contains("?") || name.contains("[");
            for (Path dir : current) {
                if (!wild) {
                    Path p = dir.resolve(name);
                    if (Files.exists(p)) {
                        next.add(p);
                    }
                    continue;
                }
                PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + name.replace("\\", "\\\\"));
                List<Path> found = new ArrayList<>();
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                    for (Path p : ds) {
                        String n = p.getFileName().toString();
                        if (m.matches(p.getFileName()) && (!n.startsWith(".") || name.startsWith("."))) {
                            found.add(p);
                        }
                    }
                } catch (IOException e) {
                    continue; // an unreadable directory holds no matches, for glob(3) too
                }
                found.sort(null);
                next.addAll(found);
            }
            current = next;
        }
        return current;
    }
}
