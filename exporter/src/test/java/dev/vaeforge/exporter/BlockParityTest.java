package dev.vaeforge.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.onnx.DType;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import dev.vaeforge.trainer.nn.Activation;
import dev.vaeforge.trainer.nn.Flatten;
import dev.vaeforge.trainer.nn.Reshape;
import dev.vaeforge.trainer.nn.UpsampleNearest;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every block translation reproduces the DJL forward pass (inference mode) in ONNX Runtime. */
class BlockParityTest {
    private static final double TOL = 1e-5;
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    static Stream<Arguments> blocks() {
        return Stream.of(
                Arguments.of("conv k3 s2 p1", Conv2d.builder().setKernelShape(new Shape(3, 3)).optStride(new Shape(2, 2))
                        .optPadding(new Shape(1, 1)).setFilters(5).build(), new Shape(3, 4, 9, 10)),
                Arguments.of("conv k3 p1 no bias", Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                        .optBias(false).setFilters(4).build(), new Shape(2, 3, 8, 8)),
                Arguments.of("conv k5 dilation 2 groups 2", Conv2d.builder().setKernelShape(new Shape(5, 5))
                        .optDilation(new Shape(2, 2)).optPadding(new Shape(2, 2)).optGroups(2).setFilters(6).build(),
                        new Shape(2, 4, 12, 12)),
                Arguments.of("linear", Linear.builder().setUnits(7).build(), new Shape(4, 12)),
                Arguments.of("linear no bias", Linear.builder().setUnits(3).optBias(false).build(), new Shape(4, 12)),
                Arguments.of("relu", Activation.relu(), new Shape(2, 3, 4, 4)),
                Arguments.of("leaky relu", Activation.leakyRelu(0.2f), new Shape(2, 3, 4, 4)),
                Arguments.of("sigmoid", Activation.sigmoid(), new Shape(2, 7)),
                Arguments.of("tanh", Activation.tanh(), new Shape(2, 7)),
                Arguments.of("flatten", new Flatten(), new Shape(2, 3, 4, 5)),
                Arguments.of("reshape", new Reshape(3, 2, 2), new Shape(5, 12)),
                Arguments.of("upsample x2", new UpsampleNearest(2), new Shape(2, 3, 4, 5)),
                Arguments.of("upsample x3", new UpsampleNearest(3), new Shape(1, 2, 3, 3)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blocks")
    void translationMatchesDjl(String name, Block block, Shape shape) {
        block.initialize(manager, DataType.FLOAT32, shape);
        randomiseParameters(block, 11);
        assertTrue(parity(block, shape, 3) <= TOL, name);
    }

    @Test
    void batchNormUsesTrainedRunningStatistics() {
        Shape shape = new Shape(4, 3, 5, 5);
        BatchNorm bn = BatchNorm.builder().optEpsilon(1e-3f).build();
        bn.initialize(manager, DataType.FLOAT32, shape);
        randomiseParameters(bn, 5);
        // a few training-mode passes move the running statistics away from (0, 1)
        try (NDManager sub = manager.newSubManager()) {
            for (int i = 0; i < 5; i++) {
                NDArray x = sub.randomNormal(2f, 3f, shape, DataType.FLOAT32);
                bn.forward(new ParameterStore(sub, false), new NDList(x), true);
            }
        }
        float[] mean = bn.getDirectParameters().get("runningMean").getArray().toFloatArray();
        assertNotEquals(0f, mean[0]);
        assertTrue(parity(bn, shape, 9) <= TOL);
    }

    @Test
    void sequentialTranslatesInOrder() {
        SequentialBlock seq = new SequentialBlock().add(Linear.builder().setUnits(12).build()).add(new Reshape(3, 2, 2))
                .add(new UpsampleNearest(2)).add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                        .setFilters(2).build()).add(Activation.leakyRelu(0.1f));
        Shape shape = new Shape(3, 5);
        seq.initialize(manager, DataType.FLOAT32, shape);
        randomiseParameters(seq, 3);
        assertTrue(parity(seq, shape, 4) <= TOL);
    }

    @Test
    void unknownBlockIsRefusedByName() {
        Block lambda = LambdaBlock.singleton(a -> a.mul(2));
        VaeforgeException e = assertThrows(VaeforgeException.class,
                () -> BlockTranslator.translate(lambda, "x", new GraphBuilder("g"), "decoder/05"));
        assertEquals(VaeforgeException.Code.UNSUPPORTED, e.code());
        assertTrue(e.getMessage().startsWith("cannot export block at 'decoder/05': ai.djl.nn.LambdaBlock"), e.getMessage());
    }

    private static double parity(Block block, Shape shape, long seed) {
        Shape out = block.getOutputShapes(new Shape[] {shape})[0];
        GraphBuilder g = new GraphBuilder("t");
        long[] in = shape.getShape().clone();
        in[0] = -1;
        long[] o = out.getShape().clone();
        o[0] = -1;
        String x = g.input("x", DType.FLOAT, in);
        g.output("y", BlockTranslator.translate(block, x, g, "b"), DType.FLOAT, o);
        byte[] model = g.build(Map.of()).toByteArray();
        Random r = new Random(seed);
        float[] data = new float[(int) shape.size()];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) r.nextGaussian();
        }
        return ParityCheck.maxAbsDifference(block, model, List.of(new ParityCheck.Feed("x", data, shape.getShape())),
                ParityCheck.DjlOutputs.positional("y"));
    }

    private static void randomiseParameters(Block block, long seed) {
        ExportFixtures.randomiseParameters(block, seed);
    }
}
