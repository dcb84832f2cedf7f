package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.binding.Status;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's parameters, gradients and state, each in one contiguous off-heap buffer carved into
 * per-layer borrowed views (what {@link Sequential} and {@link Graph} share): one optimiser call
 * updates the whole model, and each tensor also has a stable dotted name.
 */
final class ParameterBuffers implements AutoCloseable {
    final Tensor params, grads, state;   // null when the model has none (grads also for inference only)
    final Tensor lentParams, lentGrads, lentState;   // borrowed views of them, what callers get
    private final boolean ownsParams;
    private final List<List<Tensor>> paramViews = new ArrayList<>(), gradViews = new ArrayList<>(), stateViews = new ArrayList<>();
    private final Map<String, Tensor> namedParams = new LinkedHashMap<>(), namedGrads = new LinkedHashMap<>(), namedState = new LinkedHashMap<>();
    private final List<List<String>> paramNames = new ArrayList<>();   // per layer, its parameters' dotted names
    private final List<boolean[]> frozen = new ArrayList<>();          // per layer, which of its parameters are frozen
    /**
     * zeroGrad's memset, one slice per worker ({@link SlicedPass}): 3.4 MB for the reference CNN,
     * ~35 µs of its two-thread step on one core while the other waited. A zero is a zero, so the
     * cut changes nothing.
     */
    private final SlicedPass zeroing = new SlicedPass(this::zeroSlice);

    /**
     * Buffers for {@code layers} (a null entry has no parameters: a merge node), the views of layer
     * i lent in the name of {@code lenders[i]} and named {@code prefixes[i] + "." + parameter name}.
     * With {@code sharedParams} the parameters and state are another model's (a replica's).
     */
    ParameterBuffers(List<Layer> layers, List<String> lenders, List<String> prefixes, Tensor sharedParams, Tensor sharedState,
                     boolean trainable) {
        long paramCount = 0, stateCount = 0;
        for (Layer l : layers) {
            if (l == null) continue;
            for (Shape p : l.parameterShapes()) paramCount = Math.addExact(paramCount, p.size());
            for (Shape p : l.stateShapes()) stateCount = Math.addExact(stateCount, p.size());
        }
        ownsParams = sharedParams == null;
        params = ownsParams ? allocate(paramCount) : sharedParams;
        state = ownsParams ? allocate(stateCount) : sharedState;
        grads = trainable ? allocate(paramCount) : null;
        lentParams = lend(params, "the model's parameters");
        lentGrads = lend(grads, "the model's gradients");
        lentState = lend(state, "the model's state");
        try {
            carve(layers, lenders, prefixes);
        } catch (RuntimeException e) {
            close();   // a layer whose names do not fit its tensors: free what was allocated
            throw e;
        }
    }

    private void carve(List<Layer> layers, List<String> lenders, List<String> prefixes) {
        long po = 0, so = 0;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            List<Tensor> pv = new ArrayList<>(), gv = new ArrayList<>(), sv = new ArrayList<>();
            List<String> names = new ArrayList<>();
            if (l != null) {
                List<Shape> ps = l.parameterShapes(), ss = l.stateShapes();
                List<String> pn = l.parameterNames(), sn = l.stateNames();
                if (pn.size() != ps.size() || sn.size() != ss.size())
                    throw new IllegalStateException(l.describe() + ": " + pn.size() + " parameter names for " + ps.size() + " parameters, "
                            + sn.size() + " state names for " + ss.size() + " state tensors");
                String lender = lenders.get(i);
                for (int p = 0; p < ps.size(); p++) {
                    Tensor view = params.view(po, ps.get(p)).borrowed(lender);
                    pv.add(view);
                    name(namedParams, prefixes.get(i), pn.get(p), view);
                    names.add(dotted(prefixes.get(i), pn.get(p)));
                    if (grads != null) {
                        Tensor g = grads.view(po, ps.get(p)).borrowed(lender);
                        gv.add(g);
                        namedGrads.put(dotted(prefixes.get(i), pn.get(p)), g);
                    }
                    po += ps.get(p).size();
                }
                for (int s = 0; s < ss.size(); s++) {
                    Tensor view = state.view(so, ss.get(s)).borrowed(lender);
                    sv.add(view);
                    name(namedState, prefixes.get(i), sn.get(s), view);
                    so += ss.get(s).size();
                }
            }
            paramViews.add(Collections.unmodifiableList(pv));
            gradViews.add(Collections.unmodifiableList(gv));
            stateViews.add(Collections.unmodifiableList(sv));
            paramNames.add(List.copyOf(names));
            frozen.add(new boolean[names.size()]);
        }
    }

    private static void name(Map<String, Tensor> names, String prefix, String name, Tensor t) {
        String key = dotted(prefix, name);
        if (names.putIfAbsent(key, t) != null) throw new IllegalArgumentException("two tensors are named '" + key + "'");
    }

    /** {@code prefix.name}, or just {@code name} for an empty prefix. */
    static String dotted(String prefix, String name) { return prefix.isEmpty() ? name : prefix + "." + name; }

    private static Tensor allocate(long n) { return n == 0 ? null : Tensor.zeros(Shape.of(Math.toIntExact(n))); }

    private static Tensor lend(Tensor t, String lender) { return t == null ? null : t.borrowed(lender); }

    List<Tensor> params(int layer) { return paramViews.get(layer); }
    List<Tensor> grads(int layer) { return gradViews.get(layer); }
    List<Tensor> state(int layer) { return stateViews.get(layer); }
    int layerCount() { return paramViews.size(); }

    Map<String, Tensor> namedParameters() { return Collections.unmodifiableMap(namedParams); }
    Map<String, Tensor> namedGradients() { return Collections.unmodifiableMap(namedGrads); }
    Map<String, Tensor> namedState() { return Collections.unmodifiableMap(namedState); }

    /**
     * Freezes ({@code on}) or unfreezes every parameter whose name starts with {@code prefix}, then
     * runs the model's {@code reapply} (which tells its ops and its backward walk); returns their
     * names, or throws an IllegalArgumentException naming the prefix when it matches none. The body
     * of {@link Model#freeze} and {@link Model#unfreeze} for {@link Sequential} and {@link Graph}.
     */
    List<String> setFrozen(String prefix, boolean on, Runnable reapply) {
        if (prefix == null || prefix.isEmpty()) throw new IllegalArgumentException("freeze needs a non-empty name prefix, got '" + prefix + "'");
        List<String> matched = new ArrayList<>();
        for (int i = 0; i < paramNames.size(); i++)
            for (int p = 0; p < paramNames.get(i).size(); p++)
                if (paramNames.get(i).get(p).startsWith(prefix)) {
                    frozen.get(i)[p] = on;
                    matched.add(paramNames.get(i).get(p));
                }
        if (matched.isEmpty())
            throw new IllegalArgumentException("'" + prefix + "' matches no parameter of the model (its parameters: "
                    + String.join(", ", namedParams.keySet().stream().limit(6).toList()) + (namedParams.size() > 6 ? ", …" : "") + ")");
        reapply.run();
        return List.copyOf(matched);
    }

    /** Which of layer {@code layer}'s parameters are frozen (a copy). */
    boolean[] frozen(int layer) { return frozen.get(layer).clone(); }

    /**
     * Tells {@code op}, layer {@code layer}'s, which of its parameters are frozen; true when some
     * are and the op computes their gradients anyway, so the model zeroes them after each backward.
     */
    boolean freezeIn(int layer, Op op) {
        boolean[] f = frozen(layer);
        boolean accepted = op.freeze(f);
        for (boolean b : f) if (b) return !accepted;
        return false;
    }

    /** True when layer {@code layer} has a parameter whose gradient is computed: one that is not frozen, in a model with gradients. */
    boolean trains(int layer) {
        if (grads == null) return false;
        for (boolean f : frozen.get(layer)) if (!f) return true;
        return false;
    }

    /** True when the parameter called {@code name} is frozen (false for a name the model does not have). */
    boolean isFrozen(String name) {
        for (int i = 0; i < paramNames.size(); i++) {
            int p = paramNames.get(i).indexOf(name);
            if (p >= 0) return frozen.get(i)[p];
        }
        return false;
    }

    /** Zeroes the gradients of layer {@code layer}'s frozen parameters (for a layer whose op computes them anyway). */
    void zeroFrozenGradients(int layer) {
        boolean[] f = frozen.get(layer);
        for (int p = 0; p < f.length; p++) if (f[p] && grads != null) gradViews.get(layer).get(p).zero();
    }

    /** Zeroes the gradient buffer (if any), split over the workers. */
    void zeroGrads() {
        if (grads == null) return;
        zeroing.run(grads.size());
        grads.markWritten();
    }

    /** Every worker fills its slice through the buffer's own pointer (the fill takes the range, not a moved pointer). */
    private void zeroSlice(long begin, long end) {
        Status.check(Conv4jNative.fill(grads.size(), begin, end, 0f, grads.pointer()), "zeroGrad");
    }

    /** True when the gradient buffer holds only finite values (or there is none). */
    boolean gradientsFinite() { return grads == null || finite(grads); }

    static boolean finite(Tensor t) { return Conv4jNative.allFinite(t.size(), t.pointer()) == 1; }

    /** Frees the gradients, and the parameters and state unless they are shared. */
    @Override public void close() {
        if (grads != null) grads.close();
        if (ownsParams) {
            if (params != null) params.close();
            if (state != null) state.close();
        }
    }
}
