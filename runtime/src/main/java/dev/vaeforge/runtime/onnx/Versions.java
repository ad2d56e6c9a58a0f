package dev.vaeforge.runtime.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Versions of vaeforge and of the libraries it was built with, for provenance. */
public final class Versions {
    private static final Properties PROPS = load();

    private Versions() {
    }

    public static String vaeforge() {
        return PROPS.getProperty("vaeforge.version", "unknown");
    }

    public static String onnxRuntime() {
        return PROPS.getProperty("onnxruntime.version", "unknown");
    }

    public static String protobuf() {
        return PROPS.getProperty("protobuf.version", "unknown");
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("/dev/vaeforge/runtime/versions.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // provenance is best effort: an unreadable resource leaves "unknown"
        }
        return p;
    }
}
