package dev.vaeforge.trainer.engine;

import ai.djl.engine.Engine;
import dev.vaeforge.runtime.onnx.Versions;
import java.util.LinkedHashMap;
import java.util.Map;

/** Library and platform versions recorded with every run, so a result can be traced and reproduced. */
public final class Provenance {
    private Provenance() {
    }

    /** vaeforge, DJL, engine, Java, OS and arch versions, plus the engine's thread settings. Loads the engine. */
    public static Map<String, String> environment() {
        Engine engine = Engine.getInstance();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("vaeforge", Versions.vaeforge());
        m.put("djl", Engine.getDjlVersion());
        m.put("engine", engine.getEngineName());
        m.put("engineVersion", engine.getVersion());
        m.put("java", System.getProperty("java.version"));
        m.put("javaVendor", System.getProperty("java.vendor"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("arch", System.getProperty("os.arch"));
        m.put("threads", System.getProperty(EngineSetup.NUM_THREADS, "default"));
        m.put("interopThreads", System.getProperty(EngineSetup.NUM_INTEROP_THREADS, "default"));
        return m;
    }
}
