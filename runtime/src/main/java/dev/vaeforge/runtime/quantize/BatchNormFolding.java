package dev.vaeforge.runtime.quantize;

import dev.vaeforge.runtime.onnx.proto.Onnx.AttributeProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.GraphProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.NodeProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.TensorProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Folds an inference-mode BatchNormalization into the Conv before it (w' = w·γ/√(σ²+ε) per output
 * channel, b' = (b − μ)·γ/√(σ²+ε) + β), where the Conv's output feeds that BatchNormalization alone and
 * every parameter is an initializer. The fp32 result is the same function; ONNX Runtime does the same
 * fusion itself, but only while the weight is a plain initializer, which it no longer is once wrapped in
 * DequantizeLinear. Everything else is left as it is.
 */
final class BatchNormFolding {
    private BatchNormFolding() {
    }

    static ModelProto fold(ModelProto model) {
        GraphProto g = model.getGraph();
        GraphIndex index = new GraphIndex(g);
        Map<String, TensorProto> inits = index.initializers();
        List<NodeProto> nodes = new ArrayList<>(g.getNodeList());
        List<TensorProto> newInits = new ArrayList<>(g.getInitializerList());
        boolean changed = false;
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto bn = nodes.get(i);
            if (!bn.getOpType().equals("BatchNormalization") || bn.getOutputCount() != 1 || bn.getInputCount() != 5) {
                continue;
            }
            NodeProto conv = index.producer(bn.getInput(0));
            if (conv == null || !conv.getOpType().equals("Conv") || index.consumers(conv.getOutput(0)).size() != 1
                    || index.isGraphOutput(conv.getOutput(0)) || !inits.containsKey(conv.getInput(1))) {
                continue;
            }
            boolean allConst = true;
            for (int k = 1; k < 5; k++) {
                allConst &= inits.containsKey(bn.getInput(k));
            }
            if (!allConst || (conv.getInputCount() > 2 && !conv.getInput(2).isEmpty() && !inits.containsKey(conv.getInput(2)))) {
                continue;
            }
            double eps = 1e-5;
            for (AttributeProto a : bn.getAttributeList()) {
                if (a.getName().equals("epsilon")) {
                    eps = a.getF();
                }
            }
            float[] w = Tensors.floats(inits.get(conv.getInput(1)));
            long[] wDims = Tensors.dims(inits.get(conv.getInput(1)));
            int m = (int) wDims[0];
            int per = w.length / m;
            float[] b = conv.getInputCount() > 2 && !conv.getInput(2).isEmpty() ? Tensors.floats(inits.get(conv.getInput(2)))
                    : new float[m];
            float[] gamma = Tensors.floats(inits.get(bn.getInput(1)));
            float[] beta = Tensors.floats(inits.get(bn.getInput(2)));
            float[] mean = Tensors.floats(inits.get(bn.getInput(3)));
            float[] var = Tensors.floats(inits.get(bn.getInput(4)));
            float[] w2 = new float[w.length];
            float[] b2 = new float[m];
            for (int c = 0; c < m; c++) {
                double f = gamma[c] / Math.sqrt(var[c] + eps);
                for (int j = 0; j < per; j++) {
                    w2[c * per + j] = (float) (w[c * per + j] * f);
                }
                b2[c] = (float) ((b[c] - mean[c]) * f + beta[c]);
            }
            String wName = conv.getInput(1) + "_bnfolded";
            String bName = conv.getInput(1) + "_bnfolded_bias";
            newInits.add(Tensors.floatTensor(wName, w2, wDims));
            newInits.add(Tensors.floatTensor(bName, b2, m));
            NodeProto.Builder c2 = conv.toBuilder().clearInput().addInput(conv.getInput(0)).addInput(wName).addInput(bName)
                    .clearOutput().addOutput(bn.getOutput(0));
            nodes.set(nodes.indexOf(conv), c2.build());
            nodes.remove(i);
            i--;
            changed = true;
        }
        if (!changed) {
            return model;
        }
        GraphProto.Builder gb = g.toBuilder().clearNode().addAllNode(nodes).clearInitializer()
                .addAllInitializer(GraphIndex.used(newInits, nodes));
        return model.toBuilder().setGraph(gb).build();
    }
}
