package dev.vaeforge.runtime.importer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vaeforge.fixtures.ImportFixtures;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.session.Device;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where PyTorch is installed (Debian's python3-torch), {@code scripts/make-import-fixtures.py} regenerates the
 * import fixtures into a temporary directory: the new graphs import, vaeforge reproduces the new PyTorch outputs
 * to 1e-4, their signatures are the committed ones, and with the torch version the committed set was made with
 * the numbers are the committed ones (the weights are seeded). Skipped without torch; tagged slow (about 20 s on
 * 2 loaded cores), so it runs with -Pslow.
 */
@Tag("slow")
class ImportFixturesRegenerateTest {
    static final Path SCRIPT = Path.of("../scripts/make-import-fixtures.py");

    @TempDir
    Path tmp;

    @Test
    void theScriptRegeneratesFixturesThatImportAndMatch() throws Exception {
        assumeTrue(torchInstalled(), "python3-torch is not installed");
        Path out = tmp.resolve("imports");
        Process p = new ProcessBuilder("/usr/bin/python3", SCRIPT.toString(), out.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("log.txt").toFile()).start();
        assertEquals(true, p.waitFor(120, TimeUnit.SECONDS), "script finished");
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("log.txt")));
        JsonNode regenerated = Json.parse(Files.readString(out.resolve("fixtures.json"), StandardCharsets.UTF_8),
                JsonNode.class, "fixtures.json");
        JsonNode committed;
        try (var in = ImportFixtures.class.getResourceAsStream("imports/fixtures.json")) {
            committed = Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), JsonNode.class, "fixtures.json");
        }
        boolean sameTorch = regenerated.path("torch").asText().equals(committed.path("torch").asText());
        for (String name : ImportFixtures.ALL) {
            Path fresh = ImportFixturesTest.importFrom(name, out.resolve(name), tmp.resolve(name + "-fresh"));
            Path old = ImportFixturesTest.imported(name, tmp.resolve("committed"));
            try (VaeRuntime a = VaeRuntime.open(fresh, Device.CPU); VaeRuntime b = VaeRuntime.open(old, Device.CPU)) {
                Manifest ma = a.manifest();
                Manifest mb = b.manifest();
                assertEquals(mb.latent(), ma.latent(), name);
                for (String g : mb.graphs().keySet()) {
                    assertEquals(mb.graphs().get(g).inputs(), ma.graphs().get(g).inputs(), name + " " + g);
                    assertEquals(mb.graphs().get(g).outputs(), ma.graphs().get(g).outputs(), name + " " + g);
                }
                float[] x = ImportFixturesTest.npy(out.resolve(name), "input.npy").floats();
                ImportFixturesTest.assertClose(ImportFixturesTest.npy(out.resolve(name), "reconstruction.npy").floats(),
                        a.reconstruct(x, 4), name + " regenerated reconstruction");
                if (sameTorch) {
                    ImportFixturesTest.assertClose(ImportFixturesTest.npy(tmp.resolve("committed").resolve(name),
                            "reconstruction.npy").floats(), a.reconstruct(x, 4), name + " against the committed numbers");
                    assertArrayEquals(ImportFixturesTest.npy(tmp.resolve("committed").resolve(name), "input.npy").floats(), x);
                }
            }
        }
    }

    static boolean torchInstalled() throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of("/usr/bin/python3"))) {
            return false;
        }
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import torch, numpy").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
