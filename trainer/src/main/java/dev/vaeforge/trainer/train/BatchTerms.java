package dev.vaeforge.trainer.train;

import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.vaeforge.trainer.loss.LossTerms;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch's scalar loss values, read out of the engine in one copy.
 *
 * @param means [total, first logged term, second logged term]: what the metrics' loss columns sum
 * @param logged the two logged terms by name, then "total" (the order the NaN guard checks them in)
 * @param networks each network's loss, for a family of several networks
 * @param extras the family's other terms, in order
 */
record BatchTerms(float[] means, Map<String, Float> logged, Map<String, Float> networks, Map<String, Float> extras) {

    /**
     * @param loggedNames the two terms of {@code t} that fill the reconstruction and KL columns
     * @param withNetworks whether to read the networks' losses (training steps only)
     */
    static BatchTerms read(LossTerms t, List<String> loggedNames, boolean withNetworks) {
        NDList read = new NDList(t.total(), t.term(loggedNames.get(0)), t.term(loggedNames.get(1)));
        if (withNetworks) {
            t.networks().values().forEach(read::add);
        }
        List<String> extraNames = new ArrayList<>();
        t.terms().forEach((k, v) -> {
            if (!loggedNames.contains(k)) {
                extraNames.add(k);
                read.add(v);
            }
        });
        float[] all = NDArrays.stack(read).toFloatArray();
        Map<String, Float> logged = new LinkedHashMap<>();
        logged.put(loggedNames.get(0), all[1]);
        logged.put(loggedNames.get(1), all[2]);
        logged.put(LossTerms.TOTAL, all[0]);
        int i = 3;
        Map<String, Float> networks = new LinkedHashMap<>();
        if (withNetworks) {
            for (String net : t.networks().keySet()) {
                networks.put(net, all[i++]);
            }
        }
        Map<String, Float> extras = new LinkedHashMap<>();
        for (String e : extraNames) {
            extras.put(e, all[i++]);
        }
        return new BatchTerms(Arrays.copyOf(all, 3), logged, networks, extras);
    }
}
