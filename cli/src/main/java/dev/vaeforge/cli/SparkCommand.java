package dev.vaeforge.cli;

import dev.vaeforge.runtime.VaeforgeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code vaeforge spark ...}: runs the spark module's job in a JVM of its own, on the spark module's class
 * path (its jar, its libraries and Spark itself), so that Spark never enters the CLI's jar or class path.
 * The spark module parses the arguments ({@code dev.vaeforge.spark.SparkMain}); this command only finds it.
 * The {@code vaeforge} launcher script starts that JVM directly and does not come through here.
 */
@Command(name = "spark",
        description = {"Encode, reconstruct or evaluate images with a bundle on Apache Spark, in local mode or on a "
                + "cluster (docs/SPARK.md). Runs the spark module (spark/target), built by 'mvn package'.",
                "Usage: vaeforge spark encode|reconstruct|evaluate BUNDLE --data SPEC|PATHS --out DIR "
                        + "[--master local[N]|URL] ... ('vaeforge spark --help' lists every option)",
                "Example: vaeforge spark evaluate bundles/vae --data folder:faces/ --master local[2] --out eval/"})
final class SparkCommand implements Callable<Integer> {
    static final String MAIN = "dev.vaeforge.spark.SparkMain";
    /** Where the spark module's build output is, if not beside the CLI's ({@code spark/target}). */
    static final String HOME_ENV = "VAEFORGE_SPARK_HOME";

    /** Every argument, in order: with no options or positionals of its own, picocli leaves them all unmatched. */
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path home = home();
        Path jar = home.resolve("vaeforge-spark.jar");
        Path flags = home.resolveSibling("src").resolve("main").resolve("jvm").resolve("spark-java17.flags");
        if (!Files.isRegularFile(jar) || !Files.isDirectory(home.resolve("spark-lib"))) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "the spark module is not built: " + jar
                    + " or " + home.resolve("spark-lib") + " is missing; run 'mvn -B -DskipTests package' in the "
                    + "repository (or set " + HOME_ENV + " to a spark/target directory)");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String opts = System.getenv("VAEFORGE_JAVA_OPTS");
        cmd.addAll(List.of((opts == null ? "-Xmx4g" : opts).trim().split("\\s+")));
        if (Files.isRegularFile(flags)) {
            cmd.add("@" + flags);
        }
        Path logging = flags.resolveSibling("log4j2.properties");
        if (Files.isRegularFile(logging)) {
            cmd.add("-Dlog4j2.configurationFile=" + logging);
        }
        cmd.add(MAIN);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        // the class path goes by the environment: ONNX Runtime crashes on long command lines (README, known issues)
        pb.environment().put("CLASSPATH", jar + java.io.File.pathSeparator + home.resolve("lib") + "/*"
                + java.io.File.pathSeparator + home.resolve("spark-lib") + "/*");
        return pb.start().waitFor();
    }

    private static Path home() {
        String env = System.getenv(HOME_ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        try {
            Path cliJar = Path.of(SparkCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // cli/target/vaeforge-cli.jar or cli/target/classes -> spark/target
            return cliJar.toAbsolutePath().getParent().getParent().getParent().resolve("spark").resolve("target");
        } catch (java.net.URISyntaxException | NullPointerException e) {
            return Path.of("spark", "target");
        }
    }
}
