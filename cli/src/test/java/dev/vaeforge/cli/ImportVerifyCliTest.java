package dev.vaeforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.fixtures.ImportFixtures;
import dev.vaeforge.runtime.bundle.BundleReader;
import dev.vaeforge.runtime.bundle.Golden;
import dev.vaeforge.runtime.bundle.NpyArrays;
import dev.vaeforge.runtime.io.Hashing;
import dev.vaeforge.runtime.model.Tensor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaeforge import} on the PyTorch-made KL autoencoder fixture, then every bundle-reading command on the
 * imported bundle as on a native one, and {@code vaeforge verify} passing, and failing with exit 6 on a
 * tampered golden file; {@code verify} on a native export.
 */
class ImportVerifyCliTest {
    @TempDir
    static Path tmp;
    static Path bundle;

    @BeforeAll
    static void importKl() {
        Path src = ImportFixtures.copy(ImportFixtures.KL_AUTOENCODER, tmp.resolve("src"));
        bundle = tmp.resolve("kl");
        CliRun r = CliRun.of("import", "--encoder", src.resolve("encoder.onnx").toString(), "--decoder",
                src.resolve("decoder.onnx").toString(), "--moments", "concat", "--decoder-output", "pixels",
                "--pixel-range", "-1:1", "--likelihood", "gaussian:0.1", "--latent-scale", "0.18215", "--out", bundle.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("latent      gaussian [4,8,8], scale 0.18215"), r.out());
    }

    @Test
    void anAmbiguousGraphIsAskedAboutByName() {
        Path src = tmp.resolve("src");
        CliRun r = CliRun.of("import", "--encoder", src.resolve("encoder.onnx").toString(), "--decoder",
                src.resolve("decoder.onnx").toString(), "--out", tmp.resolve("never").toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--moments concat") && r.err().contains("moments:float32"), r.err());
        assertTrue(!Files.exists(tmp.resolve("never")));
    }

    @Test
    void bundleCommandsWorkOnTheImportedBundle() {
        CliRun inspect = CliRun.of("inspect", bundle.toString());
        assertEquals(0, inspect.exitCode(), inspect.toString());
        assertTrue(inspect.out().contains("provenance  imported (vaeforge import)"), inspect.out());
        assertTrue(inspect.out().contains("golden      batch"), inspect.out());
        assertTrue(inspect.out().contains("pytorch"), inspect.out());
        CliRun rec = CliRun.of("reconstruct", bundle.toString(), "--input", "shapes:n=8,size=16,rgb", "--out",
                tmp.resolve("rec").toString());
        assertEquals(0, rec.exitCode(), rec.toString());
        CliRun sample = CliRun.of("sample", bundle.toString(), "-n", "4", "--out", tmp.resolve("s.png").toString());
        assertEquals(0, sample.exitCode(), sample.toString());
        CliRun interp = CliRun.of("interpolate", bundle.toString(), "--from", tmp.resolve("rec/recon-00000.png").toString(),
                "--to", tmp.resolve("rec/recon-00001.png").toString(), "--steps", "4", "--out", tmp.resolve("i.png").toString());
        assertEquals(0, interp.exitCode(), interp.toString());
        CliRun eval = CliRun.of("evaluate", bundle.toString(), "--data", "shapes:n=64,size=16,rgb,seed=9", "--samples", "16",
                "--out", tmp.resolve("eval").toString());
        assertEquals(0, eval.exitCode(), eval.toString());
        assertTrue(Files.exists(tmp.resolve("eval/report.html")));
        assertTrue(eval.out().contains("kl ") && eval.out().contains("elbo "), eval.out());
    }

    @Test
    void verifyPassesAndFailsOnATamperedGoldenFile() throws Exception {
        CliRun ok = CliRun.of("verify", bundle.toString());
        assertEquals(0, ok.exitCode(), ok.toString());
        assertTrue(ok.out().contains("encoder") && ok.out().contains("decoder") && ok.out().contains("verified"), ok.out());

        Path copy = tmp.resolve("tampered");
        Files.createDirectories(copy);
        try (var files = Files.list(bundle)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName().toString()));
            }
        }
        Golden.Tensor out = BundleReader.open(copy).manifest().golden().graphs().get("encoder").outputs().get(0);
        Tensor t = NpyArrays.read(Files.readAllBytes(copy.resolve(out.file())), out.file());
        t.floats()[7] += 1f;
        byte[] bytes = NpyArrays.write(t);
        Files.write(copy.resolve(out.file()), bytes);
        CliRun opened = CliRun.of("verify", copy.toString());
        assertEquals(3, opened.exitCode(), "a golden file that no longer has its hash is a bad bundle: " + opened);
        assertTrue(opened.err().contains(out.file() + ": sha256 is"), opened.err());

        Path manifest = copy.resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest, StandardCharsets.UTF_8).replace(out.sha256(),
                Hashing.sha256(bytes)), StandardCharsets.UTF_8);
        CliRun failed = CliRun.of("verify", copy.toString());
        assertEquals(6, failed.exitCode(), failed.toString());
        assertTrue(failed.out().contains("FAILED") && failed.err().contains("verify failed: [encoder]"), failed.toString());
    }

    @Test
    void verifyChecksANativeExport() {
        Path nativeBundle = TestBundles.vae(tmp.resolve("native"));
        CliRun r = CliRun.of("verify", nativeBundle.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("decoder") && r.out().contains("ok"), r.out());
    }
}
