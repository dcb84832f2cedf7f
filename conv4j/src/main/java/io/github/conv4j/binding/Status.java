package io.github.conv4j.binding;

/** Turns the status codes of {@code conv4j.h} into exceptions that name the caller. */
public final class Status {
    /** Success. */
    public static final int OK = 0;
    /** C4J_EBADARG: the geometry is inconsistent, non-positive or outside the kernels' index range. */
    public static final int BAD_ARGUMENT = -1;
    /** C4J_EWORKSPACE: the workspace is shorter than the geometry needs. */
    public static final int WORKSPACE = -2;
    /** C4J_ELABEL: a class label outside [0, classes). */
    public static final int LABEL = -3;

    private Status() {}

    /**
     * A negative status means the Java side let through something C refuses: a bug in conv4j's
     * validation (or a label out of range, which only C sees cheaply).
     */
    public static void check(int status, String who) {
        switch (status) {
            case OK: return;
            case BAD_ARGUMENT: throw new IllegalArgumentException(who + ": native kernel rejected the geometry");
            case WORKSPACE: throw new IllegalStateException(who + ": workspace smaller than the layer needs");
            case LABEL: throw new IllegalArgumentException(who + ": a label is outside [0, classes)");
            default: throw new IllegalStateException(who + ": native status " + status);
        }
    }
}
