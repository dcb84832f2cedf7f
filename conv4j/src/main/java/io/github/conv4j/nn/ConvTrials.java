package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.binding.Conv4jNative.ConvGeom;
import io.github.conv4j.binding.Status;
import io.github.conv4j.tensor.Tensor;

/**
 * {@link KernelChooser}'s trials of one convolution: each product over one chunk of images, on
 * buffers of its own (the layer's are the caller's data, and the weight gradient accumulates), so
 * that timing changes nothing a model computes. Built and closed around one choice.
 */
final class ConvTrials implements KernelChooser.Trial, AutoCloseable {
    private final ConvGeom g = new ConvGeom();
    private final String name;
    private final Tensor x, w, b, y, dy, dx, dw, db, ws;

    /** Trials of {@code layer}'s geometry (copied, with the batch cut to one chunk). */
    ConvTrials(ConvGeom layer, boolean bias, String name) {
        this.name = name;
        int n = layer.chunk();
        ConvShape.of(layer).applyTo(g).n(n).relu(layer.relu());
        int cg = layer.c() / layer.groups();
        x = filled(n, layer.c(), layer.h(), layer.w());
        w = filled(layer.k(), cg, layer.r(), layer.s());
        b = bias ? filled(layer.k()) : null;
        y = Tensor.zeros(n, layer.k(), layer.out_h(), layer.out_w());
        dy = filled(n, layer.k(), layer.out_h(), layer.out_w());
        dx = Tensor.zeros(n, layer.c(), layer.h(), layer.w());
        dw = Tensor.zeros(layer.k(), cg, layer.r(), layer.s());
        db = Tensor.zeros(layer.k());
        long floats = Conv4jNative.conv2dWorkspace(g);
        ws = floats > 0 ? Tensor.zeros(Math.toIntExact(floats)) : null;
    }

    // Small nonzero values: zeros could take shortcuts no real batch takes.
    private static Tensor filled(int... dims) {
        Tensor t = Tensor.zeros(dims);
        t.fill(0.01f);
        return t;
    }

    @Override public void run(KernelChooser.Product product, KernelChooser.Path path) {
        int code = path.code();
        g.path_fwd(code).path_dw(code).path_dx(code);
        long wl = ws == null ? 0 : ws.size();
        int n = g.n();
        int rc = switch (product) {
            case FORWARD -> Conv4jNative.conv2dForward(g, 0, n, x.pointer(), w.pointer(), b == null ? null : b.pointer(),
                    y.pointer(), ws == null ? null : ws.pointer(), wl);
            case WEIGHT_GRADIENT -> Conv4jNative.conv2dBackward(g, 0, n, x.pointer(), w.pointer(), dy.pointer(), null,
                    dw.pointer(), b == null ? null : db.pointer(), ws == null ? null : ws.pointer(), wl);
            case INPUT_GRADIENT -> Conv4jNative.conv2dBackward(g, 0, n, x.pointer(), w.pointer(), dy.pointer(), dx.pointer(),
                    null, null, ws == null ? null : ws.pointer(), wl);
        };
        Status.check(rc, name);
    }

    @Override public void close() {
        for (Tensor t : new Tensor[] {x, w, b, y, dy, dx, dw, db, ws}) if (t != null) t.close();
        g.close();
    }
}
