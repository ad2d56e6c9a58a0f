package dev.vaeforge.serve;

import java.util.List;
import java.util.Map;

/**
 * A parsed and validated {@code /infer} request: every input the operation needs, each with {@code n}
 * items, and the outputs to answer with (all of them when the request names none).
 *
 * @param id             the client's request id, echoed in the response; null when it sent none
 * @param inputs         by input name
 * @param outputs        the outputs to return, in the order asked
 * @param binaryOutputs  per entry of {@code outputs}: answer it with the binary tensor extension
 */
record InferRequest(String id, Map<String, Values> inputs, int n, List<String> outputs, List<Boolean> binaryOutputs) {
}
