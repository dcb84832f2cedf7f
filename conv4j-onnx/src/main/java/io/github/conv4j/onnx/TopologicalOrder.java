package io.github.conv4j.onnx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Orders a graph's nodes so that each comes after the producers of its inputs, and refuses the
 * graphs that have no such order: a value produced twice, an input that nothing produces, a cycle.
 * Among the nodes that are ready at once, the file's order wins, so that a graph already in order
 * (as exporters write it) keeps its order.
 */
final class TopologicalOrder {
    private TopologicalOrder() {
    }

    /**
     * Sorts the nodes.
     *
     * @param file the file, for refusals
     * @param nodes the nodes in file order
     * @param sources the values present before any node runs (graph inputs and initializers)
     * @return the nodes in an order where producers come first
     */
    static List<OnnxNode> sort(ModelFile file, List<OnnxNode> nodes, Set<String> sources) throws OnnxModelException {
        Map<String, Integer> producer = producers(file, nodes, sources);
        List<List<Integer>> consumers = new ArrayList<>();
        int[] missingInputs = new int[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            consumers.add(new ArrayList<>());
        }
        for (int i = 0; i < nodes.size(); i++) {
            OnnxNode node = nodes.get(i);
            for (String input : node.inputs()) {
                if (input.isEmpty() || sources.contains(input)) {
                    continue;
                }
                Integer from = producer.get(input);
                if (from == null) {
                    throw file.malformed(node.describe() + " reads value '" + input
                            + "', which no node, initializer or graph input produces");
                }
                consumers.get(from).add(i);
                missingInputs[i]++;
            }
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (missingInputs[i] == 0) {
                ready.add(i);
            }
        }
        List<OnnxNode> sorted = new ArrayList<>(nodes.size());
        while (!ready.isEmpty()) {
            int next = ready.poll();
            sorted.add(nodes.get(next));
            for (int consumer : consumers.get(next)) {
                if (--missingInputs[consumer] == 0) {
                    ready.add(consumer);
                }
            }
        }
        if (sorted.size() < nodes.size()) {
            throw file.malformed("the nodes form a cycle: " + describeCycle(nodes, producer, sources, missingInputs));
        }
        return sorted;
    }

    private static Map<String, Integer> producers(ModelFile file, List<OnnxNode> nodes, Set<String> sources)
            throws OnnxModelException {
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            OnnxNode node = nodes.get(i);
            for (String output : node.outputs()) {
                if (output.isEmpty()) {
                    continue; // an optional output the node does not produce
                }
                if (sources.contains(output)) {
                    throw file.malformed(node.describe() + " produces value '" + output
                            + "', which is already a graph input or initializer");
                }
                Integer earlier = producer.putIfAbsent(output, i);
                if (earlier != null) {
                    throw file.malformed(node.describe() + " produces value '" + output
                            + "', which " + nodes.get(earlier).describe() + " produces too");
                }
            }
        }
        return producer;
    }

    /** Walks back from an unsorted node through unsorted producers until a node repeats: that loop is a cycle. */
    private static String describeCycle(List<OnnxNode> nodes, Map<String, Integer> producer, Set<String> sources,
            int[] missingInputs) {
        int start = 0;
        while (missingInputs[start] == 0) {
            start++;
        }
        Set<Integer> walked = new LinkedHashSet<>();
        int current = start;
        while (walked.add(current)) {
            for (String input : nodes.get(current).inputs()) {
                Integer from = input.isEmpty() || sources.contains(input) ? null : producer.get(input);
                if (from != null && missingInputs[from] > 0) {
                    current = from;
                    break;
                }
            }
        }
        // The walk went consumer to producer; read it the other way, from the first repeated node.
        List<Integer> loop = new ArrayList<>(walked);
        List<Integer> cycle = new ArrayList<>(loop.subList(loop.indexOf(current), loop.size()));
        Collections.reverse(cycle);
        StringBuilder text = new StringBuilder();
        for (int index : cycle) {
            text.append(nodes.get(index).describe()).append(" -> ");
        }
        return text.append(nodes.get(cycle.get(0)).describe()).toString();
    }
}
