package dev.vaeforge.cli;

import dev.vaeforge.cli.bench.BenchReport;
import dev.vaeforge.cli.bench.BenchSettings;
import dev.vaeforge.cli.bench.Engines;
import dev.vaeforge.cli.bench.Int8Bench;
import dev.vaeforge.cli.bench.LoadAverage;
import dev.vaeforge.cli.bench.MatmulPeak;
import dev.vaeforge.cli.bench.MemorySampler;
import dev.vaeforge.cli.bench.RuntimeBench;
import dev.vaeforge.cli.bench.Throughput;
import dev.vaeforge.cli.bench.TorchPeer;
import dev.vaeforge.cli.bench.TrainingBench;
import dev.vaeforge.runtime.io.AtomicFiles;
import dev.vaeforge.trainer.vae.VaeFlops;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The performance harness of issue 6: training throughput of the DJL trainer, batched reconstruction,
 * latency, sampling and SSIM+GMSD throughput of the runtime, memory per phase, FLOPs and achieved
 * GFLOP/s against a measured matrix-multiply peak, and the same figures from a PyTorch eager peer
 * (bench/peers/torch_vae.py) run in the same invocation, with the ratios. Columns: docs/BENCHMARKS.md.
 * This class parses the options and wires the parts in {@code cli.bench}, one job each.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        subcommands = BenchDisentanglementCommand.class,
        description = {"Benchmark the trainer and the runtime on one model config against a PyTorch eager peer "
                + "of the same architecture; print a table and optionally write JSON. In-memory shapes and random data, no disk I/O. "
                + "Timings are never asserted; on a shared machine note the load average it prints.",
                "Example: vaeforge bench --out bench.json",
                "Quick: vaeforge bench --image-size 16 --widths 8,8 --latent-dim 4 --steps 3 --recon-batches 1,4 --no-peer",
                "The disentanglement scores' cost: vaeforge bench disentanglement BUNDLE (see its --help)."})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--image-size", defaultValue = "64", description = "Square image size. Default: ${DEFAULT-VALUE}.")
    int imageSize;

    @Option(names = "--channels", defaultValue = "3", description = "Image channels (1 or 3). Default: ${DEFAULT-VALUE}.")
    int channels;

    @Option(names = "--widths", split = ",", defaultValue = "32,32,64,64",
            description = "Encoder widths. Default: ${DEFAULT-VALUE}, the CLI's default conv VAE for 64x64 (the targets' model).")
    List<Integer> widths;

    @Option(names = "--latent-dim", defaultValue = "10", description = "Latent dimension. Default: ${DEFAULT-VALUE}.")
    int latentDim;

    @Option(names = "--batch-size", defaultValue = "64", description = "Training and sampling batch. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--steps", defaultValue = "20", description = "Timed training steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed warm-up training steps. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--recon-batches", split = ",", defaultValue = "1,16,64,256",
            description = "Reconstruction batch sizes. Default: ${DEFAULT-VALUE}.")
    List<Integer> reconBatches;

    @Option(names = "--latency-iters", defaultValue = "200", description = "Batch-1 calls timed for p50/p99. Default: ${DEFAULT-VALUE}.")
    int latencyIters;

    @Option(names = "--seconds", defaultValue = "3", description = "Minimum time per throughput figure. Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Option(names = "--matmul-size", defaultValue = "2048", description = "Square matmul size for the peak. Default: ${DEFAULT-VALUE}.")
    int matmulSize;

    @Option(names = "--threads", defaultValue = "0", description = "Threads for DJL, ONNX Runtime and the peer; 0 = cores. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|cuda[:N]",
            description = "Device for training and the runtime. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the results as JSON to FILE.")
    Path out;

    @Option(names = "--no-peer", description = "Skip the PyTorch peer.")
    boolean noPeer;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with torch for the peer. Default: ${DEFAULT-VALUE}.")
    String python;

    @Option(names = "--peer-script", paramLabel = "FILE", description = "The peer script. Default: bench/peers/torch_vae.py of the checkout.")
    Path peerScript;

    @Option(names = "--lpips-model", paramLabel = "FILE", description = "Also measure what LPIPS costs in evaluate with "
            + "this graph (repeatable, e.g. once per backbone): evaluate's reconstruction work with and without it, and "
            + "the graph alone.")
    List<Path> lpipsModels = new java.util.ArrayList<>();

    @Option(names = "--int8-from", paramLabel = "BUNDLE", description = "Time int8 against fp32 on this fp32 bundle "
            + "(quantised with --int8-calibration, gate at its defaults) instead of on the bench's own freshly initialised model.")
    Path int8From;

    @Option(names = "--int8-calibration", paramLabel = "SPEC", description = "Dataset to calibrate and gate --int8-from on.")
    String int8Calibration;

    /** int8 against fp32: on --int8-from with its calibration data, else on the bench's bundle with shapes images. */
    private Int8Bench.Result int8(Path benchBundle, Path tmp, Throughput throughput) throws Exception {
        Int8Bench bench = new Int8Bench(reconBatches, throughput);
        if (int8From != null) {
            if (int8Calibration == null) {
                throw dev.vaeforge.runtime.VaeforgeException.badParameter("int8From needs int8Calibration", "int8Calibration");
            }
            dev.vaeforge.runtime.quantize.QuantizeSettings d = dev.vaeforge.runtime.quantize.QuantizeSettings.defaults();
            return bench.run(int8From, dev.vaeforge.cli.data.DatasetResolver.open(int8Calibration,
                    dev.vaeforge.runtime.data.DatasetOptions.defaults()), int8Calibration, d, tmp.resolve("int8"));
        }
        String spec = "shapes:n=256,size=" + imageSize + (channels == 3 ? ",rgb" : "") + ",seed=11";
        return bench.run(benchBundle, dev.vaeforge.cli.data.DatasetResolver.open(spec,
                dev.vaeforge.runtime.data.DatasetOptions.defaults()), spec, Int8Bench.benchSettings(), tmp.resolve("int8"));
    }
    @Option(names = "--priors", split = ",", paramLabel = "PRIOR", description = "Also time the trainer's steps once per "
            + "prior p(z) of the bench's model (standard, vamp, flow), side by side in interleaved rounds: what each "
            + "prior costs per training step. The learned priors take --prior-components, --prior-flow-steps and "
            + "--prior-hidden.")
    List<String> priors = new java.util.ArrayList<>();

    @Option(names = "--prior-components", defaultValue = "" + dev.vaeforge.trainer.prior.PriorSpec.DEFAULT_COMPONENTS,
            paramLabel = "K", description = "The VampPrior's pseudo-inputs for --priors. Default: ${DEFAULT-VALUE}.")
    int priorComponents;

    @Option(names = "--prior-flow-steps", defaultValue = "" + dev.vaeforge.trainer.prior.PriorSpec.DEFAULT_FLOW_STEPS,
            paramLabel = "K", description = "The flow prior's coupling layers for --priors. Default: ${DEFAULT-VALUE}.")
    int priorFlowSteps;

    @Option(names = "--prior-hidden", defaultValue = "" + dev.vaeforge.trainer.prior.PriorSpec.DEFAULT_FLOW_HIDDEN,
            paramLabel = "H", description = "The flow prior's hidden units for --priors. Default: ${DEFAULT-VALUE}.")
    int priorHidden;

    @Option(names = "--prior-rounds", defaultValue = "3", paramLabel = "R",
            description = "Interleaved rounds of --steps steps per prior for --priors. Default: ${DEFAULT-VALUE}.")
    int priorRounds;

    @Override
    public Integer call() throws Exception {
        List<dev.vaeforge.trainer.prior.PriorSpec> priorSpecs = new java.util.ArrayList<>();
        for (String p : priors) {
            try {
                priorSpecs.add(dev.vaeforge.trainer.prior.PriorSpec.of(p.strip().toLowerCase(java.util.Locale.ROOT),
                        priorComponents, priorFlowSteps, priorHidden));
            } catch (dev.vaeforge.runtime.VaeforgeException e) {
                throw ParameterFlags.asFlags(e);
            }
        }
        if (priorRounds < 1) {
            throw new dev.vaeforge.runtime.VaeforgeException(dev.vaeforge.runtime.VaeforgeException.Code.BAD_INPUT,
                    "--prior-rounds must be >= 1, got " + priorRounds);
        }
        PrintWriter o = spec.commandLine().getOut();
        int n = BenchSettings.threads(threads);
        BenchSettings settings = new BenchSettings(channels, imageSize, widths, latentDim, batchSize, steps, warmup,
                reconBatches, latencyIters, seconds, matmulSize, n, device);
        Engines engines = Engines.setUp(n, device);
        VaeFlops flops = VaeFlops.of(settings.model());
        Throughput throughput = new Throughput(seconds);
        MemorySampler memory = new MemorySampler();
        String loadBefore = LoadAverage.read();
        memory.start();
        dev.vaeforge.cli.bench.LpipsBench lpipsBench = new dev.vaeforge.cli.bench.LpipsBench(settings, engines.runtime(),
                throughput, memory);
        lpipsBench.check(lpipsModels);
        Path tmp = Files.createTempDirectory("vaeforge-bench");
        try {
            Path bundle = tmp.resolve("bundle");
            TrainingBench.Result train = new TrainingBench(settings, engines.trainer(), memory).run(bundle);
            RuntimeBench.Result runtime = new RuntimeBench(settings, engines.runtime(), throughput, memory).run(bundle);
            dev.vaeforge.cli.bench.LpipsBench.Result lpips = lpipsBench.run(bundle, lpipsModels);
            MatmulPeak.Result matmul = new MatmulPeak(matmulSize, throughput, memory).measure(n, engines.trainer());
            Map<String, Object> peer = new TorchPeer(python, peerScript, noPeer).run(settings, memory);
            Int8Bench.Result int8 = int8(bundle, tmp, throughput);
            List<dev.vaeforge.cli.bench.PriorBench.Row> priorRows = priorSpecs.isEmpty() ? List.of()
                    : new dev.vaeforge.cli.bench.PriorBench(settings, engines.trainer(), priorRounds).run(priorSpecs);
            BenchReport report = new BenchReport(settings, flops, loadBefore, LoadAverage.read(), train, runtime, matmul,
                    peer, memory, lpips).withInt8(int8);
            report.print(o);
            int8.print(o);
            if (!priorRows.isEmpty()) {
                dev.vaeforge.cli.bench.PriorBench.print(o, priorRows, priorRounds, steps);
                report.extra("train_by_prior", dev.vaeforge.cli.bench.PriorBench.json(priorRows));
            }
            o.flush();
            if (out != null) {
                report.write(out);
                o.println("wrote " + out);
            }
            return 0;
        } finally {
            memory.stop();
            AtomicFiles.deleteTree(tmp);
        }
    }
}
