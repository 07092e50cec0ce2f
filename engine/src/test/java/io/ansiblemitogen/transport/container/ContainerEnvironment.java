package io.ansiblemitogen.transport.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real containers for engine tests: the target images (built by {@code .ci/lib/target-image.sh} when missing), the
 * podman settings this machine needs ({@code .ci/lib/podman-env.sh}), the Docker API served by podman on a private
 * socket, and wrapper scripts that the engine uses as its {@code podman}/{@code docker} executables. The wrappers
 * carry the environment (CONTAINERS_CONF, DOCKER_HOST), so the engine needs nothing from the JVM's environment,
 * and they log each invocation, so tests can count runtime calls. Everything started here is removed by
 * {@link #close()}.
 */
final class ContainerEnvironment implements AutoCloseable {
    static final String IMAGE_PY311 = "localhost/target-py3";
    static final String IMAGE_PY313 = "localhost/target-py313";
    private static final long IMAGE_BUILD_LIMIT_S = 420;

    final Path dir;
    final Path repo;
    final String containersConf;
    private final Path dockerSock;
    private Process dockerService;
    private final List<String> containers = new ArrayList<>();

    private ContainerEnvironment(Path dir, Path repo, String containersConf) {
        this.dir = dir;
        this.repo = repo;
        this.containersConf = containersConf;
        this.dockerSock = dir.resolve("docker.sock");
    }

    /** Checks the tools, builds missing images, writes the wrappers; with {@code docker}, starts the API service. */
    static ContainerEnvironment prepare(boolean docker) throws Exception {
        for (String tool : new String[] {"podman", "runc", "docker"}) {
            if (run(List.of("sh", "-c", "command -v " + tool), Map.of(), 10).rc != 0) {
                throw new AssertionError(tool + " is not installed: container tests need podman and runc (Debian"
                        + " packages) and the docker CLI; .ci/run must install them before mvn verify");
            }
        }
        Path repo = findRepo();
        Result conf = run(List.of("sh", "-c", ". .ci/lib/podman-env.sh && printf %s \"$CONTAINERS_CONF\""),
                Map.of(), 30, repo);
        if (conf.rc != 0 || conf.out.isBlank()) {
            throw new AssertionError("podman-env.sh failed: " + conf.err);
        }
        // A short path: Unix socket names are limited to 107 bytes.
        Path dir = Files.createTempDirectory(Paths.get("/tmp"), "amct-");
        ContainerEnvironment env = new ContainerEnvironment(dir, repo, conf.out.strip());
        // If the JVM is stopped before @AfterClass (surefire timeout, Ctrl-C), containers and service still go.
        Runtime.getRuntime().addShutdownHook(new Thread(env::closeQuietly, "amct cleanup"));
        try {
            env.buildImage(IMAGE_PY311, "bookworm");
            env.buildImage(IMAGE_PY313, "trixie");
            env.writeWrappers();
            if (docker) {
                env.startDockerService();
            }
            return env;
        } catch (Throwable t) {
            env.close();
            throw t;
        }
    }

    private static Path findRepo() {
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(".ci/lib/target-image.sh"))) {
                return p;
            }
        }
        throw new AssertionError("cannot find .ci/lib/target-image.sh above " + Paths.get("").toAbsolutePath());
    }

    private void buildImage(String image, String suite) throws Exception {
        if (podman(List.of("image", "exists", image), 30).rc == 0) {
            return;
        }
        long t0 = System.nanoTime();
        Result r = run(List.of("sh", ".ci/lib/target-image.sh", image, suite), Map.of(), IMAGE_BUILD_LIMIT_S, repo);
        if (r.rc != 0) {
            throw new AssertionError("cannot build " + image + " with .ci/lib/target-image.sh " + image + " " + suite
                    + " (rc " + r.rc + "): " + r.err);
        }
        System.out.printf("built %s in %.0f s%n", image, (System.nanoTime() - t0) / 1e9);
    }

    private void writeWrappers() throws IOException {
        wrapper("podman", "CONTAINERS_CONF=" + quote(containersConf) + "; export CONTAINERS_CONF\n"
                + "exec podman --runtime runc \"$@\"\n");
        wrapper("docker", "DOCKER_HOST=" + quote("unix://" + dockerSock) + "; export DOCKER_HOST\n"
                + "exec docker \"$@\"\n");
    }

    private void wrapper(String runtime, String body) throws IOException {
        Path script = wrapperPath(runtime);
        Files.writeString(script, "#!/bin/sh\n"
                + "printf '%s\\n' \"$*\" >>" + quote(log(runtime).toString()) + "\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** DOCKER_HOST for the Docker CLI to reach the API that podman serves here. */
    String dockerHost() {
        return "unix://" + dockerSock;
    }

    /** The executable the engine should use for {@code runtime} (set as {@code ansible.mitogen.RUNTIME}). */
    Path wrapperPath(String runtime) {
        return dir.resolve(runtime);
    }

    /** Makes every engine in this JVM run podman and docker through this environment's wrappers. */
    void useForEngines() {
        for (String runtime : List.of("podman", "docker")) {
            System.setProperty("ansible.mitogen." + runtime, wrapperPath(runtime).toString());
        }
    }

    /** Undoes {@link #useForEngines()}: engines find podman and docker on PATH again. */
    static void stopUsingForEngines() {
        System.clearProperty("ansible.mitogen.podman");
        System.clearProperty("ansible.mitogen.docker");
    }

    /** Every argument line the engine passed to {@code runtime} so far. */
    List<String> calls(String runtime) throws IOException {
        Path log = log(runtime);
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private Path log(String runtime) {
        return dir.resolve(runtime + ".calls");
    }

    private void startDockerService() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("podman", "--runtime", "runc", "system", "service", "--time=0",
                "unix://" + dockerSock).redirectErrorStream(true).redirectOutput(dir.resolve("service.log").toFile());
        pb.environment().put("CONTAINERS_CONF", containersConf);
        dockerService = pb.start();
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(dockerSock) && runtime("docker", List.of("version"), 10).rc == 0) {
                return;
            }
            if (!dockerService.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("podman system service did not serve the Docker API on " + dockerSock + ": "
                + Files.readString(dir.resolve("service.log")));
    }

    /** Starts {@code sleep infinity} in a new container of {@code image}, by {@code runtime}; returns its name. */
    String startContainer(String runtime, String image) throws Exception {
        String name = "amct-" + runtime + "-" + UUID.randomUUID().toString().substring(0, 8);
        containers.add(name);
        Result r = runtime(runtime, List.of("run", "-d", "--name", name, image, "sleep", "infinity"), 60);
        if (r.rc != 0) {
            throw new AssertionError(runtime + " run " + image + " failed: " + r.err);
        }
        return name;
    }

    /** Runs a command in a container directly (not through the engine, not logged): for setup and checks. */
    Result inContainer(String runtime, String container, String... cmd) throws Exception {
        List<String> argv = new ArrayList<>(List.of("exec", container));
        argv.addAll(List.of(cmd));
        return runtime(runtime, argv, 60);
    }

    /** The real runtime with this environment's settings, bypassing the logging wrappers. */
    Result runtime(String runtime, List<String> args, long limitS) throws Exception {
        if (runtime.equals("podman")) {
            return podman(args, limitS);
        }
        List<String> argv = new ArrayList<>(List.of("docker"));
        argv.addAll(args);
        return run(argv, Map.of("DOCKER_HOST", "unix://" + dockerSock), limitS);
    }

    Result podman(List<String> args, long limitS) throws Exception {
        List<String> argv = new ArrayList<>(List.of("podman", "--runtime", "runc"));
        argv.addAll(args);
        return run(argv, Map.of("CONTAINERS_CONF", containersConf), limitS);
    }

    private void closeQuietly() {
        try {
            close();
        } catch (Exception ignored) {
            // Best effort at JVM exit.
        }
    }

    /** Idempotent: removes the containers started here, stops the Docker API service, deletes the files. */
    @Override
    public synchronized void close() throws Exception {
        if (!containers.isEmpty()) {
            // Containers made through the Docker API are podman containers too; -t 0: sleep ignores SIGTERM.
            List<String> rm = new ArrayList<>(List.of("rm", "-f", "-t", "0"));
            rm.addAll(containers);
            podman(rm, 60);
            containers.clear();
        }
        if (dockerService != null) {
            dockerService.destroy();
            if (!dockerService.waitFor(10, TimeUnit.SECONDS)) {
                dockerService.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            dockerService = null;
        }
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\"'\"'") + "'";
    }

    record Result(int rc, String out, String err) {
    }

    static Result run(List<String> argv, Map<String, String> env, long limitS) throws Exception {
        return run(argv, env, limitS, null);
    }

    static Result run(List<String> argv, Map<String, String> env, long limitS, Path cwd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().putAll(env);
        if (cwd != null) {
            pb.directory(cwd.toFile());
        }
        Path out = Files.createTempFile("amct-out", ".txt");
        Path err = Files.createTempFile("amct-err", ".txt");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(limitS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", argv) + " did not finish within " + limitS + " s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
