package io.github.conv4j.testing;

import io.github.conv4j.binding.Conv4jNative;

/** Runs test code on the portable kernels (plain C, OpenBLAS GEMMs), then restores the previous choice. */
public final class PortableKernels {
    private PortableKernels() {}

    /** A body that returns a result and may throw anything. */
    public interface Body<T> { T get() throws Throwable; }

    public static <T> T call(Body<T> body) throws Throwable {
        int before = Conv4jNative.fastKernels();
        Conv4jNative.setFastKernels(0);
        try {
            if (Conv4jNative.fastKernels() != 0) throw new AssertionError("the fast kernels did not switch off");
            return body.get();
        } finally {
            Conv4jNative.setFastKernels(before);
        }
    }
}
