package dev.vaeforge.runtime.quantize;

/** A weighted node of one graph: the graph's role key, the node's name and its op. */
public record Layer(String graph, String name, String op) {
    @Override
    public String toString() {
        return graph + ":" + name;
    }
}
