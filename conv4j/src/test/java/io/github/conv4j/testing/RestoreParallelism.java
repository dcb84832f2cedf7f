package io.github.conv4j.testing;

import io.github.conv4j.nn.Parallelism;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Saves {@link Parallelism}'s process-wide thread count and mode before each test and restores them
 * after it, pass or fail, so a test that reconfigures it (to split work over a given number of
 * workers) does not change the parallelism of the test classes that run after it in the same JVM.
 * Use as {@code @ExtendWith(RestoreParallelism.class)} on the test class.
 */
public final class RestoreParallelism implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RestoreParallelism.class);

    private record Saved(int threads, Parallelism.Mode mode) {}

    @Override public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put(Saved.class, new Saved(Parallelism.threads(), Parallelism.mode()));
    }

    @Override public void afterEach(ExtensionContext context) {
        Saved saved = context.getStore(NAMESPACE).remove(Saved.class, Saved.class);
        if (saved != null) Parallelism.configure(saved.threads(), saved.mode());
    }
}
