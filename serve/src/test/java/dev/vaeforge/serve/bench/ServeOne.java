package dev.vaeforge.serve.bench;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.serve.ModelServer;
import dev.vaeforge.serve.ServerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The harness's server alone, for profiling it from outside (JFR, wrk, {@link LoadClient}): serves
 * {@link ConvBundle64} as "conv64" on loopback. Arguments: {@code PORT MAX_BATCH MAX_DELAY_MS}. Runs until killed.
 */
public final class ServeOne {
    private ServeOne() {
    }

    public static void main(String[] args) throws Exception {
        Path bundle = ConvBundle64.write(Files.createTempDirectory("serve-one").resolve("conv64"));
        int maxBatch = Integer.parseInt(args[1]);
        VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU, maxBatch);
        ServerSettings s = ServerSettings.defaults(Integer.parseInt(args[0])).withBatching(maxBatch, Long.parseLong(args[2]))
                .withLimits(4096, 60_000, 64L << 20);
        ModelServer server = ModelServer.start(Map.of("conv64", rt), s);
        System.out.println("listening on " + server.port());
        server.awaitClosed();
    }
}
