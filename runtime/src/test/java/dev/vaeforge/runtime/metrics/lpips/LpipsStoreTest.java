package dev.vaeforge.runtime.metrics.lpips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.io.Hashing;
import dev.vaeforge.runtime.onnx.DType;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import dev.vaeforge.runtime.session.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Installing LPIPS graphs: the sanity check, the index, the default, and refusals that write nothing. */
class LpipsStoreTest {
    @TempDir
    Path tmp;

    @Test
    void installCopiesTheGraphRecordsItAndMakesItTheDefault() throws Exception {
        Path graph = tmp.resolve("random-alex.onnx");
        Files.write(graph, LpipsAlexNetGraph.build(LpipsWeights.random(5)).toByteArray());
        Path mse = tmp.resolve("mse.onnx");
        Files.write(mse, graph((g, d) -> g.op("Mul").in(d, d).out("sq")).toByteArray());
        LpipsStore store = new LpipsStore(tmp.resolve("store"));
        assertTrue(store.list().isEmpty());
        assertTrue(store.defaultGraph().isEmpty());

        LpipsStore.Entry e = store.install(graph, Device.CPU);
        assertEquals("alex", e.backbone());
        assertEquals(Hashing.sha256(graph), e.sha256());
        assertEquals(graph.toAbsolutePath().normalize().toString(), e.source());
        assertEquals(31, e.minHeight());
        assertEquals(0, e.sanity().identical(), 1e-7);
        assertTrue(e.sanity().strongBlur() > e.sanity().slightBlur());
        assertEquals(Hashing.sha256(graph), Hashing.sha256(store.path(e)), "the stored copy is the same graph");
        assertEquals(e, store.defaultGraph().orElseThrow());

        LpipsStore.Entry second = store.install(mse, Device.CPU);
        assertEquals("unknown", second.backbone());
        assertEquals(second.sha256(), store.defaultGraph().orElseThrow().sha256(), "the last installed is the default");
        LpipsStore.Entry reinstalled = store.install(e.source() == null ? graph : Path.of(e.source()), Device.CPU);
        assertEquals(2, store.list().size(), "installing a graph again does not add it twice");
        assertEquals(e.sha256(), reinstalled.sha256());
        assertEquals(e.sha256(), store.defaultGraph().orElseThrow().sha256(), "and makes it the default again");
        try (var files = Files.list(store.dir())) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file is left");
        }
    }

    @Test
    void graphsThatAreNotAPerceptualDistanceAreRefusedAndNothingIsWritten() throws Exception {
        LpipsStore store = new LpipsStore(tmp.resolve("store"));
        // the mean difference: 0 for identical images, but blurring keeps the mean, so both blurs give about 0
        Path signedMean = tmp.resolve("signed-mean.onnx");
        Files.write(signedMean, graph((g, d) -> d).toByteArray());
        VaeforgeException e = assertThrows(VaeforgeException.class, () -> store.install(signedMean, Device.CPU));
        assertTrue(e.getMessage().startsWith(signedMean + ": does not behave like LPIPS on the sanity images: identical 0"),
                e.getMessage());
        // |a - b| + 1: never 0
        Path offset = tmp.resolve("offset.onnx");
        Files.write(offset, graph((g, d) -> g.op("Add").in(g.op("Abs").in(d).out("abs"), g.scalar("one", 1f)).out("plus"))
                .toByteArray());
        e = assertThrows(VaeforgeException.class, () -> store.install(offset, Device.CPU));
        assertTrue(e.getMessage().contains("identical 1.00"), e.getMessage());
        Path notAGraph = tmp.resolve("notes.onnx");
        Files.writeString(notAGraph, "not a graph");
        assertThrows(VaeforgeException.class, () -> store.install(notAGraph, Device.CPU));
        assertFalse(Files.exists(store.dir()), "a refused graph leaves no store behind");
    }

    @Test
    void theRealGraphsInstallWithTheirBackbone() throws Exception {
        Path dir = SharedLpips.dir();
        LpipsStore store = new LpipsStore(tmp.resolve("store"));
        LpipsStore.Entry alex = store.install(dir.resolve(SharedLpips.ALEX), Device.CPU);
        LpipsStore.Entry squeeze = store.install(dir.resolve(SharedLpips.SQUEEZE), Device.CPU);
        assertEquals("alex", alex.backbone());
        assertEquals("squeeze", squeeze.backbone());
        assertEquals(17, squeeze.minWidth());
        assertEquals(Hashing.sha256(dir.resolve(SharedLpips.SQUEEZE)), store.defaultGraph().orElseThrow().sha256());
        assertTrue(store.path(alex).getFileName().toString().startsWith("lpips-alex-" + alex.sha256().substring(0, 12)));
    }

    @Test
    void theDefaultDirectoryFollowsTheSystemProperty() {
        String old = System.getProperty(LpipsStore.DIR_PROPERTY);
        try {
            System.setProperty(LpipsStore.DIR_PROPERTY, tmp.toString());
            assertEquals(tmp, LpipsStore.defaultDir());
        } finally {
            if (old == null) {
                System.clearProperty(LpipsStore.DIR_PROPERTY);
            } else {
                System.setProperty(LpipsStore.DIR_PROPERTY, old);
            }
        }
    }

    /** A graph of the LPIPS signature whose per-pair value is the spatial mean of {@code f(a - b)}. */
    private static dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto graph(BiFunction<GraphBuilder, String, String> f) {
        GraphBuilder g = new GraphBuilder("not-lpips");
        String a = g.input("a", DType.FLOAT, -1, 3, -1, -1);
        String b = g.input("b", DType.FLOAT, -1, 3, -1, -1);
        String d = g.op("Sub").in(a, b).out("diff");
        String m = g.op("ReduceMean").in(f.apply(g, d)).attrInts("axes", 1, 2, 3).attr("keepdims", 1L).out("m");
        g.output("d", m, DType.FLOAT, -1, 1, 1, 1);
        return g.build(Map.of());
    }
}
