package io.github.conv4j.binding;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/**
 * The JavaCPP declarations of {@code native/conv4j.h}: the only class with {@code native} methods.
 *
 * <p>Loading preloads only the OpenBLAS library of {@code org.bytedeco:openblas} (and its Fortran
 * runtime) from that jar's resources, then our {@code libconv4j} and its JNI glue. We do not
 * inherit bytedeco's openblas presets class: that would also load its own JNI library and a second
 * OpenBLAS copy into the process.
 *
 * <p>Callers must validate every argument first (see the layers in {@code io.github.conv4j.nn});
 * the C side re-checks what it cheaply can and returns a negative status, see {@link Status}.
 */
@Properties({
    // The runtime libraries as bytedeco's OpenBLAS jars name them (listed from the 0.3.31-1.5.13 jars;
    // a preload a platform lacks is skipped by the Loader).
    @Platform(value = "linux", include = "conv4j.h", link = "conv4j",
              preload = {"gcc_s@.1", "quadmath@.0", "gfortran@.5", "openblas@.0"},
              preloadresource = "/org/bytedeco/openblas/"),
    @Platform(value = "macosx", include = "conv4j.h", link = "conv4j",
              preload = {"gcc_s@.1.1", "quadmath@.0", "gfortran@.5", "openblas@.0"},
              preloadresource = "/org/bytedeco/openblas/"),
    @Platform(value = "windows", include = "conv4j.h", link = "conv4j",
              preload = {"libwinpthread-1", "libgcc_s_seh-1", "libquadmath-0", "libgfortran-5", "libopenblas"},
              preloadresource = "/org/bytedeco/openblas/")
})
public final class Conv4jNative {
    /** The C API version this binding was written for; see {@code C4J_ABI_VERSION} in blas.c. */
    public static final int ABI_VERSION = 5;

    static {
        Loader.load();
        int abi = abiVersion();
        if (abi != ABI_VERSION) {
            throw new UnsatisfiedLinkError("libconv4j ABI " + abi + " does not match the Java binding ("
                    + ABI_VERSION + "): the native jar and the conv4j jar come from different versions");
        }
        setFastKernels(fastKernelsWanted() ? 1 : 0);
        setAvx512(avx512Wanted() ? 1 : 0);
    }

    /**
     * {@code -Dconv4j.avx512}: {@code true} (default) runs the fast convolution's AVX-512 form where
     * the CPU and OS have AVX-512 F/BW/VL/DQ; {@code false} keeps it on AVX2 (to compare).
     *
     * @throws IllegalArgumentException for any value but {@code true} or {@code false}
     */
    public static boolean avx512Wanted() {
        String v = System.getProperty("conv4j.avx512", "true");
        if (!v.equals("true") && !v.equals("false"))
            throw new IllegalArgumentException("conv4j.avx512 must be 'true' or 'false', not '" + v + "'");
        return v.equals("true");
    }

    private Conv4jNative() {}

    /** {@code C4J_PATH_DEFAULT}: a product follows the process-wide switch ({@link #setFastKernels}). */
    public static final int PATH_DEFAULT = 0;
    /** {@code C4J_PATH_FAST}: conv4j's AVX2/FMA convolution wherever the CPU has it, whatever the switch. */
    public static final int PATH_FAST = 1;
    /** {@code C4J_PATH_PORTABLE}: im2col + OpenBLAS sgemm. */
    public static final int PATH_PORTABLE = 2;

    /**
     * {@code -Dconv4j.kernels}: {@code auto} (default) times both convolution paths per layer and
     * product and keeps the faster (see {@code io.github.conv4j.nn.KernelChooser}); {@code fast}
     * runs conv4j's AVX2/FMA kernels wherever the CPU has them, untimed; {@code portable} leaves
     * them out (portable C, every convolution GEMM on OpenBLAS: to compare, or to rule them out).
     *
     * @throws IllegalArgumentException for any other value
     */
    public static String kernelsMode() {
        String kernels = System.getProperty("conv4j.kernels", "auto");
        if (!kernels.equals("auto") && !kernels.equals("fast") && !kernels.equals("portable"))
            throw new IllegalArgumentException("conv4j.kernels must be 'auto', 'fast' or 'portable', not '" + kernels + "'");
        return kernels;
    }

    /**
     * Whether conv4j's AVX2/FMA kernels may run at all ({@code -Dconv4j.kernels} is {@code auto}
     * or {@code fast}): the process-wide switch's setting.
     */
    public static boolean fastKernelsWanted() { return !kernelsMode().equals("portable"); }

    /** Forces the native libraries to load (and fail early with a clear error if they cannot). */
    public static void load() {}

    /** {@code c4j_conv_geom}: geometry of one convolution over a batch. */
    @Name("c4j_conv_geom")
    public static final class ConvGeom extends Pointer {
        static { Loader.load(); }
        /** A zeroed geometry in native memory (freed by {@link #close()} or the garbage collector). */
        public ConvGeom() { allocate(); }
        private native void allocate();
        /** The images in the batch. */
        public native int n();
        /** Sets the images in the batch; returns this geometry. */
        public native ConvGeom n(int v);
        /** The input channels. */
        public native int c();
        /** Sets the input channels; returns this geometry. */
        public native ConvGeom c(int v);
        /** The input height. */
        public native int h();
        /** Sets the input height; returns this geometry. */
        public native ConvGeom h(int v);
        /** The input width. */
        public native int w();
        /** Sets the input width; returns this geometry. */
        public native ConvGeom w(int v);
        /** The output channels. */
        public native int k();
        /** Sets the output channels; returns this geometry. */
        public native ConvGeom k(int v);
        /** The kernel rows. */
        public native int r();
        /** Sets the kernel rows; returns this geometry. */
        public native ConvGeom r(int v);
        /** The kernel columns. */
        public native int s();
        /** Sets the kernel columns; returns this geometry. */
        public native ConvGeom s(int v);
        /** The vertical stride. */
        public native int stride_h();
        /** Sets the vertical stride; returns this geometry. */
        public native ConvGeom stride_h(int v);
        /** The horizontal stride. */
        public native int stride_w();
        /** Sets the horizontal stride; returns this geometry. */
        public native ConvGeom stride_w(int v);
        /** The top padding (the bottom one is implied by out_h). */
        public native int pad_h();
        /** Sets the top padding (the bottom one is implied by out_h); returns this geometry. */
        public native ConvGeom pad_h(int v);
        /** The left padding (the right one is implied by out_w). */
        public native int pad_w();
        /** Sets the left padding (the right one is implied by out_w); returns this geometry. */
        public native ConvGeom pad_w(int v);
        /** The vertical dilation. */
        public native int dil_h();
        /** Sets the vertical dilation; returns this geometry. */
        public native ConvGeom dil_h(int v);
        /** The horizontal dilation. */
        public native int dil_w();
        /** Sets the horizontal dilation; returns this geometry. */
        public native ConvGeom dil_w(int v);
        /** The channel groups. */
        public native int groups();
        /** Sets the channel groups; returns this geometry. */
        public native ConvGeom groups(int v);
        /** The output height. */
        public native int out_h();
        /** Sets the output height; returns this geometry. */
        public native ConvGeom out_h(int v);
        /** The output width. */
        public native int out_w();
        /** Sets the output width; returns this geometry. */
        public native ConvGeom out_w(int v);
        /** The images lowered together by one im2col and one GEMM. */
        public native int chunk();
        /** Sets the images lowered together by one im2col and one GEMM; returns this geometry. */
        public native ConvGeom chunk(int v);
        /** The nonzero: the forward applies a fused ReLU after the bias. */
        public native int relu();
        /** Sets the nonzero: the forward applies a fused ReLU after the bias; returns this geometry. */
        public native ConvGeom relu(int v);
        /** The forward's path: {@link #PATH_DEFAULT}, {@link #PATH_FAST} or {@link #PATH_PORTABLE}. */
        public native int path_fwd();
        /** Sets the forward's path (a {@code PATH_*} value); returns this geometry. */
        public native ConvGeom path_fwd(int v);
        /** The weight (and bias) gradient's path, a {@code PATH_*} value. */
        public native int path_dw();
        /** Sets the weight (and bias) gradient's path (a {@code PATH_*} value); returns this geometry. */
        public native ConvGeom path_dw(int v);
        /** The input gradient's path, a {@code PATH_*} value. */
        public native int path_dx();
        /** Sets the input gradient's path (a {@code PATH_*} value); returns this geometry. */
        public native ConvGeom path_dx(int v);
    }

    /** {@code c4j_pool_geom}: geometry of one pooling over a batch. */
    @Name("c4j_pool_geom")
    public static final class PoolGeom extends Pointer {
        static { Loader.load(); }
        /** A zeroed geometry in native memory (freed by {@link #close()} or the garbage collector). */
        public PoolGeom() { allocate(); }
        private native void allocate();
        /** The images in the batch. */
        public native int n();
        /** Sets the images in the batch; returns this geometry. */
        public native PoolGeom n(int v);
        /** The input channels. */
        public native int c();
        /** Sets the input channels; returns this geometry. */
        public native PoolGeom c(int v);
        /** The input height. */
        public native int h();
        /** Sets the input height; returns this geometry. */
        public native PoolGeom h(int v);
        /** The input width. */
        public native int w();
        /** Sets the input width; returns this geometry. */
        public native PoolGeom w(int v);
        /** The window height. */
        public native int kernel_h();
        /** Sets the window height; returns this geometry. */
        public native PoolGeom kernel_h(int v);
        /** The window width. */
        public native int kernel_w();
        /** Sets the window width; returns this geometry. */
        public native PoolGeom kernel_w(int v);
        /** The vertical stride. */
        public native int stride_h();
        /** Sets the vertical stride; returns this geometry. */
        public native PoolGeom stride_h(int v);
        /** The horizontal stride. */
        public native int stride_w();
        /** Sets the horizontal stride; returns this geometry. */
        public native PoolGeom stride_w(int v);
        /** The top padding (the bottom one is implied by out_h). */
        public native int pad_h();
        /** Sets the top padding (the bottom one is implied by out_h); returns this geometry. */
        public native PoolGeom pad_h(int v);
        /** The left padding (the right one is implied by out_w). */
        public native int pad_w();
        /** Sets the left padding (the right one is implied by out_w); returns this geometry. */
        public native PoolGeom pad_w(int v);
        /** The vertical dilation. */
        public native int dil_h();
        /** Sets the vertical dilation; returns this geometry. */
        public native PoolGeom dil_h(int v);
        /** The horizontal dilation. */
        public native int dil_w();
        /** Sets the horizontal dilation; returns this geometry. */
        public native PoolGeom dil_w(int v);
        /** The output height. */
        public native int out_h();
        /** Sets the output height; returns this geometry. */
        public native PoolGeom out_h(int v);
        /** The output width. */
        public native int out_w();
        /** Sets the output width; returns this geometry. */
        public native PoolGeom out_w(int v);
    }

    // ---- tensor.c
    /**
     * x[begin..end) = value in a buffer of len floats: a range, as {@link #sgdStep}'s, so that workers fill slices of one
     * buffer through one pointer. Returns a {@link Status} code ({@link Status#BAD_ARGUMENT}, nothing written, unless
     * 0 ≤ begin ≤ end ≤ len).
     */
    @Name("c4j_fill") public static native int fill(long len, long begin, long end, float value, FloatPointer x);
    /** dst[0..len) = src[0..len). */
    @Name("c4j_copy") public static native void copy(long len, @Const FloatPointer src, FloatPointer dst);
    /** dst += src over len floats (reducing per-worker gradient accumulators). */
    @Name("c4j_add") public static native void add(long len, @Const FloatPointer src, FloatPointer dst);
    /** out = a·b elementwise over len floats (dropout backward). */
    @Name("c4j_mul") public static native void mul(long len, @Const FloatPointer a, @Const FloatPointer b, FloatPointer out);

    // ---- merge.c: the merge layers of graph models
    /**
     * out = inputs[0] + … + inputs[count−1] over the elements [begin, end) (Add's forward over
     * a share of the batch); relu 1: max(0, ·) of the sum (the next ReLU fused, NaN → 0).
     *
     * @return {@link Status#OK}, or {@link Status#BAD_ARGUMENT} for a bad range, no input or a null pointer
     */
    @Name("c4j_sum_forward") public static native int sumForward(long begin, long end, int count,
            @Cast("const float*const*") PointerPointer<FloatPointer> inputs, int relu, FloatPointer out);
    /**
     * Concatenation along axis 1 of {@code n} samples: sample s of input i is {@code inner[i]}
     * floats (channels × plane), written one after the other into sample s of {@code out}.
     *
     * @return {@link Status#OK}, or {@link Status#BAD_ARGUMENT} for non-positive sizes or null pointers
     */
    @Name("c4j_concat_forward") public static native int concatForward(int n, int count, @Cast("const int64_t*") LongPointer inner,
            @Cast("const float*const*") PointerPointer<FloatPointer> inputs, FloatPointer out);
    /**
     * The split of {@code dy} back into the inputs' gradients (overwritten; a null entry of
     * {@code dx} skips that input). Sizes as {@link #concatForward}.
     *
     * @return {@link Status#OK}, or {@link Status#BAD_ARGUMENT}
     */
    @Name("c4j_concat_backward") public static native int concatBackward(int n, int count, @Cast("const int64_t*") LongPointer inner,
            @Const FloatPointer dy, @Cast("float*const*") PointerPointer<FloatPointer> dx);
    /**
     * y = x with its {@code groups} × {@code perGroup} channels shuffled, each of the {@code n}
     * samples: channel g·perGroup + j goes to channel j·groups + g (ShuffleNet's shuffle);
     * swapping groups and perGroup gives the inverse, the backward. x and y must not overlap.
     *
     * @return {@link Status#OK}, or {@link Status#BAD_ARGUMENT} for non-positive or overflowing sizes, null or equal pointers
     */
    @Name("c4j_channel_shuffle") public static native int channelShuffle(int n, long groups, long perGroup, long plane,
            @Const FloatPointer x, FloatPointer y);
    /**
     * y = channels [start, start + count) of x, which has {@code channels} planes of
     * {@code plane} floats a sample, over {@code n} samples.
     *
     * @return {@link Status#OK}, or {@link Status#BAD_ARGUMENT} for a range outside x, non-positive sizes or null pointers
     */
    @Name("c4j_channel_slice_forward") public static native int channelSliceForward(int n, long channels, long start,
            long count, long plane, @Const FloatPointer x, FloatPointer y);
    /**
     * dx = dy in channels [start, start + count) and 0 in the others (overwritten); sizes as
     * {@link #channelSliceForward}.
     *
     * @return {@link Status#OK}, or {@link Status#BAD_ARGUMENT}
     */
    @Name("c4j_channel_slice_backward") public static native int channelSliceBackward(int n, long channels, long start,
            long count, long plane, @Const FloatPointer dy, FloatPointer dx);
    /**
     * y = x · gate with one gate value per plane: x and y hold {@code planes} × {@code plane}
     * floats (N·C planes of H·W, times an N×C×1×1 squeeze-and-excitation gate).
     *
     * @return {@link Status#OK}, or {@link Status#BAD_ARGUMENT} for non-positive sizes or null pointers
     */
    @Name("c4j_scale_forward") public static native int scaleForward(long planes, long plane, @Const FloatPointer x,
            @Const FloatPointer gate, FloatPointer y);
    /**
     * The backward of {@link #scaleForward}: dx = dy · gate and dgate[p] = Σ over plane p of dy · x
     * (summed in double), both overwritten; either may be null to skip it.
     *
     * @return {@link Status#OK}, or {@link Status#BAD_ARGUMENT}
     */
    @Name("c4j_scale_backward") public static native int scaleBackward(long planes, long plane, @Const FloatPointer x,
            @Const FloatPointer gate, @Const FloatPointer dy, FloatPointer dx, FloatPointer dgate);

    // ---- im2col.c
    /** Lowers one image (channels × height × width) to its column matrix: channels·kernelH·kernelW rows of outH·outW entries, rows ldCol apart; zeros for padding. */
    @Name("c4j_im2col") public static native void im2col(@Const FloatPointer im, int channels, int height, int width,
            int kernelH, int kernelW, int padH, int padW, int strideH, int strideW, int dilH, int dilW,
            int outH, int outW, FloatPointer col, long ldCol);
    /** The adjoint of {@link #im2col}: adds every column entry back into im (which must be zeroed first). */
    @Name("c4j_col2im") public static native void col2im(@Const FloatPointer col, int channels, int height, int width,
            int kernelH, int kernelW, int padH, int padW, int strideH, int strideW, int dilH, int dilW,
            int outH, int outW, FloatPointer im, long ldCol);

    // ---- conv.c
    /** Floats of scratch space the convolution of this geometry needs per worker (0 when none, or for a geometry the kernels refuse). */
    @Name("c4j_conv2d_workspace") public static native long conv2dWorkspace(@Const ConvGeom g);
    /** y = conv(x, w) + b for images [nBegin, nEnd) of the batch; b may be null. Returns a {@link Status} code. */
    @Name("c4j_conv2d_forward") public static native int conv2dForward(@Const ConvGeom g, int nBegin, int nEnd,
            @Const FloatPointer x, @Const FloatPointer w, @Const FloatPointer b, FloatPointer y, FloatPointer workspace,
            long workspaceLen);
    /**
     * The layout of packed weights the forward of {@code g} reads now: 0 where it packs none (the
     * portable path, 1×1 and some small kernels), else a code that changes when the path or the ISA does.
     */
    @Name("c4j_conv2d_packed_layout") public static native int conv2dPackedLayout(@Const ConvGeom g);
    /** Packs w (K·C/groups·R·S floats) into packed for the forward; returns the layout written (0: none) or a negative {@link Status} code. */
    @Name("c4j_conv2d_pack") public static native int conv2dPack(@Const ConvGeom g, @Const FloatPointer w, FloatPointer packed, long packedLen);
    /**
     * {@link #conv2dForward} reading W from {@code packed} where {@code layout} is the layout that
     * runs now (else from w, packing it per call, with the same result bit for bit). Returns a {@link Status} code.
     */
    @Name("c4j_conv2d_forward_packed") public static native int conv2dForwardPacked(@Const ConvGeom g, int nBegin, int nEnd,
            @Const FloatPointer x, @Const FloatPointer w, @Const FloatPointer packed, long packedLen, int layout,
            @Const FloatPointer b, FloatPointer y, FloatPointer workspace, long workspaceLen);
    /** Floats of workspace {@link #conv2dForwardPool} needs per worker: the convolution's and one chunk of its output (-1 for a geometry the kernels refuse). */
    @Name("c4j_conv2d_pool_workspace") public static native long conv2dPoolWorkspace(@Const ConvGeom g);
    /**
     * {@link #conv2dForwardPacked} of images [nBegin, nEnd) followed by {@link #maxPool2dForward} of its output (pg: one-channel
     * planes, g.n × g.k of them), chunk by chunk through the workspace's end, so the convolution's output is never written
     * whole; yPool and argmax are the pooling's whole-batch buffers, with the bits the two calls give. Returns a {@link Status} code.
     */
    @Name("c4j_conv2d_forward_pool") public static native int conv2dForwardPool(@Const ConvGeom g, @Const PoolGeom pg, int nBegin,
            int nEnd, @Const FloatPointer x, @Const FloatPointer w, @Const FloatPointer packed, long packedLen, int layout,
            @Const FloatPointer b, FloatPointer yPool, IntPointer argmax, FloatPointer workspace, long workspaceLen);
    /** dw += dL/dw, db += dL/db, dx = dL/dx for images [nBegin, nEnd); any of dx, dw, db may be null. Returns a {@link Status} code. */
    @Name("c4j_conv2d_backward") public static native int conv2dBackward(@Const ConvGeom g, int nBegin, int nEnd,
            @Const FloatPointer x, @Const FloatPointer w, @Const FloatPointer dy, FloatPointer dx, FloatPointer dw,
            FloatPointer db, FloatPointer workspace, long workspaceLen);

    // ---- pool.c
    /** Max pooling of images [nBegin, nEnd); argmax receives each winner's index in its plane (the first maximum; NaN wins), or is null for the values alone. Returns a {@link Status} code. */
    @Name("c4j_maxpool2d_forward") public static native int maxPool2dForward(@Const PoolGeom g, int nBegin, int nEnd,
            @Const FloatPointer x, FloatPointer y, IntPointer argmax);
    /** dx = dy scattered to the winners (overwritten); with y (may be null) only outputs with y &gt; 0 pass, the backward of a fused ReLU. Returns a {@link Status} code. */
    @Name("c4j_maxpool2d_backward") public static native int maxPool2dBackward(@Const PoolGeom g, int nBegin, int nEnd,
            @Const FloatPointer dy, @Const IntPointer argmax, @Const FloatPointer y, FloatPointer dx);
    /** Average pooling with PyTorch's divisor rule (dilation 1). Returns a {@link Status} code. */
    @Name("c4j_avgpool2d_forward") public static native int avgPool2dForward(@Const PoolGeom g, int countIncludePad,
            @Const FloatPointer x, FloatPointer y);
    /** The backward of {@link #avgPool2dForward}: dx overwritten. Returns a {@link Status} code. */
    @Name("c4j_avgpool2d_backward") public static native int avgPool2dBackward(@Const PoolGeom g, int countIncludePad,
            @Const FloatPointer dy, FloatPointer dx);

    // ---- activation.c
    /** ReLU on elements [begin, end) of whole-batch buffers (disjoint ranges may run concurrently). */
    @Name("c4j_relu_forward") public static native void reluForward(long begin, long end, @Const FloatPointer x, FloatPointer y);
    /** dx = dy where y &gt; 0 over elements [begin, end) (y is the ReLU's output); dy2 (or null): a second gradient added first, dy + dy2. */
    @Name("c4j_relu_backward") public static native void reluBackward(long begin, long end, @Const FloatPointer y,
            @Const FloatPointer dy, @Const FloatPointer dy2, FloatPointer dx);
    /** Inverted dropout: mask[i] = 0 or 1/(1−p) from a counter-based hash of (seed, i); y = x·mask. */
    @Name("c4j_dropout_forward") public static native void dropoutForward(long len, float p,
            @Cast("uint64_t") long seed, @Const FloatPointer x, FloatPointer y, FloatPointer mask);
    /** {@code C4J_ACT_LEAKY_RELU}: x &gt; 0 ? x : alpha·x (slope alpha at 0, as PyTorch). */
    public static final int ACT_LEAKY_RELU = 0;
    /** {@code C4J_ACT_SIGMOID}: 1/(1+e^−x). */
    public static final int ACT_SIGMOID = 1;
    /** {@code C4J_ACT_TANH}: tanh x. */
    public static final int ACT_TANH = 2;
    /** {@code C4J_ACT_RELU6}: min(max(x, 0), 6); slope 0 at 0 and at 6. */
    public static final int ACT_RELU6 = 3;
    /** {@code C4J_ACT_SILU}: x·sigmoid(x). */
    public static final int ACT_SILU = 4;
    /** {@code C4J_ACT_GELU}: x·Φ(x), exact (erf). */
    public static final int ACT_GELU = 5;
    /** {@code C4J_ACT_GELU_TANH}: GELU's tanh approximation 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))). */
    public static final int ACT_GELU_TANH = 6;
    /** {@code C4J_ACT_HARDSIGMOID}: min(max(x + 3, 0), 6)/6; slope 1/6 on (−3, 3), else 0. */
    public static final int ACT_HARDSIGMOID = 7;
    /** {@code C4J_ACT_HARDSWISH}: x·hardsigmoid(x); slope 0 below −3, x/3 + 1/2 on [−3, 3], 1 above. */
    public static final int ACT_HARDSWISH = 8;
    /** y = f(x) over len floats for the activation {@code kind} (an {@code ACT_*} constant; alpha is leaky ReLU's slope, ignored by the others). Returns a {@link Status} code ({@link Status#BAD_ARGUMENT} for an unknown kind or len &lt; 0). */
    @Name("c4j_activation_forward") public static native int activationForward(int kind, float alpha, long len,
            @Const FloatPointer x, FloatPointer y);
    /** dx = dy·f′(x) over len floats (x is the forward's input; dx overwritten). Returns a {@link Status} code as {@link #activationForward}. */
    @Name("c4j_activation_backward") public static native int activationBackward(int kind, float alpha, long len,
            @Const FloatPointer x, @Const FloatPointer dy, FloatPointer dx);

    // ---- softmax.c
    /** Softmax (logForm 0) or log-softmax (logForm 1) along the rows of n×c, max-subtracted. Returns a {@link Status} code ({@link Status#BAD_ARGUMENT} for n &lt; 0 or c &lt; 1). */
    @Name("c4j_softmax_forward") public static native int softmaxForward(int n, int c, int logForm,
            @Const FloatPointer x, FloatPointer y);
    /** The backward from the forward's output y: y·(dy − Σdy·y) for softmax, dy − e^y·Σdy for log-softmax, sums per row; dx overwritten. Returns a {@link Status} code. */
    @Name("c4j_softmax_backward") public static native int softmaxBackward(int n, int c, int logForm,
            @Const FloatPointer y, @Const FloatPointer dy, FloatPointer dx);

    // ---- adaptive_pool.c
    /** Adaptive average pooling N×C×H×W → N×C×outH×outW: output row i averages input rows ⌊i·h/outH⌋ … ⌈(i+1)·h/outH⌉ − 1, columns alike. Returns a {@link Status} code ({@link Status#BAD_ARGUMENT} for a non-positive size or n &lt; 0). */
    @Name("c4j_adaptive_avgpool2d_forward") public static native int adaptiveAvgPool2dForward(int n, int c, int h, int w,
            int outH, int outW, @Const FloatPointer x, FloatPointer y);
    /** The backward of {@link #adaptiveAvgPool2dForward}: each dy spread evenly over its window, overlaps adding up; dx overwritten. Returns a {@link Status} code. */
    @Name("c4j_adaptive_avgpool2d_backward") public static native int adaptiveAvgPool2dBackward(int n, int c, int h, int w,
            int outH, int outW, @Const FloatPointer dy, FloatPointer dx);

    // ---- linear.c
    /** Features [oBegin, oEnd) of y[n][out] = x[n][in] · w[out][in]ᵀ + b; b may be null; a range outside [0, out) does nothing. */
    @Name("c4j_linear_forward") public static native void linearForward(int n, int in, int out, int oBegin, int oEnd,
            @Const FloatPointer x, @Const FloatPointer w, @Const FloatPointer b, FloatPointer y);
    /** Rows [oBegin, oEnd) of dw += dyᵀ·x and db += Σ dy; columns [iBegin, iEnd) of dx = dy·w (overwritten); any output may be null. */
    @Name("c4j_linear_backward") public static native void linearBackward(int n, int in, int out, int oBegin, int oEnd,
            int iBegin, int iEnd, @Const FloatPointer x, @Const FloatPointer w, @Const FloatPointer dy, FloatPointer dx,
            FloatPointer dw, FloatPointer db);

    // ---- batchnorm.c
    /*
     * Batch norm over N×C×hw (BatchNorm1d's N×C is hw = 1) in passes (native/conv4j.h): those over
     * the data cover images [nBegin, nEnd), those over the statistics the whole batch; the
     * per-(image, channel) sums between them go to a table of doubles, added in image order, so
     * the split changes no result.
     */
    /** At 2(i·c + ch) and the next: without dy, Σ x over the plane and Σ (x − a)² about its own mean a; with dy, Σ dy and Σ dy·(x − mean), dy taken as 0 where x·scale + shift ≤ 0 when reluAffine (the forward's affine) is not null (the fused ReLU's backward). */
    @Name("c4j_batchnorm2d_sums") public static native void batchNorm2dSums(int n, int c, long hw, int nBegin, int nEnd,
            @Const FloatPointer x, @Const FloatPointer mean, @Const FloatPointer dy, @Const FloatPointer reluAffine, DoublePointer sums);
    /** Training 1: batch mean and inverse std saved, running statistics updated; 0: the running statistics saved (evaluation). Both: affine (2c) = scale γ·invstd and shift β − mean·scale, per channel. */
    @Name("c4j_batchnorm2d_stats") public static native void batchNorm2dStats(int n, int c, long hw, int training,
            @Const DoublePointer sums, float eps, float momentum, FloatPointer runningMean, FloatPointer runningVar,
            FloatPointer saveMean, FloatPointer saveInvstd, @Const FloatPointer gamma, @Const FloatPointer beta, FloatPointer affine);
    /** y = x·scale + shift (affine from stats) + addend (null: none; a residual addition fused in); relu 1: y = max(0, ·) (the next ReLU fused, NaN → 0). */
    @Name("c4j_batchnorm2d_normalize") public static native void batchNorm2dNormalize(int n, int c, long hw, int nBegin, int nEnd,
            int relu, @Const FloatPointer x, @Const FloatPointer affine, @Const FloatPointer addend, FloatPointer y);
    /** From the sums with dy: dgamma and dbeta accumulated (either may be null) and 3 coefficients per channel for the input gradient. */
    @Name("c4j_batchnorm2d_grad_coeffs") public static native void batchNorm2dGradCoeffs(int n, int c, long hw, int training,
            @Const DoublePointer sums, @Const FloatPointer gamma, @Const FloatPointer saveInvstd, FloatPointer dgamma,
            FloatPointer dbeta, FloatPointer coeffs);
    /** dx of images [nBegin, nEnd), overwritten, from the coefficients. */
    @Name("c4j_batchnorm2d_input_grad") public static native void batchNorm2dInputGrad(int n, int c, long hw, int nBegin, int nEnd,
            @Const FloatPointer x, @Const FloatPointer saveMean, @Const FloatPointer coeffs, @Const FloatPointer dy,
            @Const FloatPointer reluAffine, FloatPointer dx);

    // ---- loss.c
    /** Mean softmax cross-entropy of n rows of c logits: loss[0], dlogits = (softmax − onehot)/n (may be null), correct[0] = rows whose argmax is the label (may be null). Returns a {@link Status} code ({@link Status#LABEL} for a label outside [0, c)). */
    @Name("c4j_softmax_cross_entropy") public static native int softmaxCrossEntropy(int n, int c,
            @Const FloatPointer logits, @Const IntPointer labels, FloatPointer loss, FloatPointer dlogits,
            IntPointer correct);
    /** {@link #softmaxCrossEntropy} with label smoothing: the target is (1 − smoothing)·onehot + smoothing/c, dlogits = (softmax − target)/n; smoothing 0 is {@link #softmaxCrossEntropy} exactly. Returns a {@link Status} code ({@link Status#BAD_ARGUMENT} for smoothing outside [0, 1], {@link Status#LABEL} for a label outside [0, c)). */
    @Name("c4j_softmax_cross_entropy_smoothed") public static native int softmaxCrossEntropySmoothed(int n, int c,
            float smoothing, @Const FloatPointer logits, @Const IntPointer labels, FloatPointer loss, FloatPointer dlogits,
            IntPointer correct);
    /**
     * {@link #softmaxCrossEntropySmoothed} with c class weights: PyTorch's {@code cross_entropy(weight=, label_smoothing=)},
     * the mean weighted by the weights of the rows' labels. Returns a {@link Status} code ({@link Status#BAD_ARGUMENT} for a
     * negative or non-finite weight, smoothing outside [0, 1], or labels whose weights sum to 0; {@link Status#LABEL} for a
     * label outside [0, c)).
     */
    @Name("c4j_softmax_cross_entropy_weighted") public static native int softmaxCrossEntropyWeighted(int n, int c,
            float smoothing, @Const FloatPointer weights, @Const FloatPointer logits, @Const IntPointer labels, FloatPointer loss,
            FloatPointer dlogits, IntPointer correct);
    /** Row-wise softmax of n rows of c logits. */
    @Name("c4j_softmax") public static native void softmax(int n, int c, @Const FloatPointer logits, FloatPointer probs);

    // ---- optim.c
    /**
     * PyTorch's SGD step over elements [begin, end) of flat buffers of len floats: momentum, dampening, weight decay,
     * Nesterov; velocity = gradient on the first step. Each element's update reads only that element, so slices may run
     * on different threads. Returns a {@link Status} code ({@link Status#BAD_ARGUMENT} unless 0 ≤ begin ≤ end ≤ len).
     */
    @Name("c4j_sgd_step") public static native int sgdStep(long len, long begin, long end, FloatPointer param,
            @Const FloatPointer grad, FloatPointer velocity, float lr, float momentum, float dampening, float weightDecay,
            int nesterov, int firstStep);
    /** Adam (decoupled 0: L2 added to the gradient) or AdamW (decoupled 1) step over [begin, end) of flat buffers, as {@link #sgdStep}; step counts from 1. */
    @Name("c4j_adam_step") public static native int adamStep(long len, long begin, long end, FloatPointer param,
            @Const FloatPointer grad, FloatPointer m, FloatPointer v, float lr, float beta1, float beta2, float eps,
            float weightDecay, int decoupled, long step);
    /**
     * Clips len gradients by their global L2 norm: when it exceeds maxNorm they are scaled by
     * maxNorm/(norm + 1e-6) (PyTorch's {@code clip_grad_norm_}), else left alone. Returns the norm before clipping.
     */
    @Name("c4j_clip_grad_norm") public static native float clipGradNorm(long len, FloatPointer grad, float maxNorm);
    /** 1 if all len values are finite, else 0. */
    @Name("c4j_all_finite") public static native int allFinite(long len, @Const FloatPointer x);

    // ---- blas.c
    /** Threads OpenBLAS may use for one GEMM. */
    @Name("c4j_set_num_threads") public static native void setNumThreads(int threads);
    /** Threads OpenBLAS currently uses for one GEMM. */
    @Name("c4j_get_num_threads") public static native int getNumThreads();
    /** Row-major C = alpha·op(A)·op(B) + beta·C through the linked OpenBLAS (the peak benchmark's reference). */
    @Name("c4j_sgemm") public static native void sgemm(int transA, int transB, int m, int n, int k, float alpha,
            @Const FloatPointer a, int lda, @Const FloatPointer b, int ldb, float beta, FloatPointer c, int ldc);
    /** Version of the native library's API, checked against this class at load time. */
    @Name("c4j_abi_version") public static native int abiVersion();
    /**
     * 1 while conv4j's AVX2/FMA kernels run (its own GEMM for convolutions, col2im rows, transposes),
     * 0 where the CPU lacks them or they are switched off (portable C, OpenBLAS's sgemm).
     */
    @Name("c4j_fast_kernels") public static native int fastKernels();
    /** Switches conv4j's AVX2/FMA kernels on (where the CPU has them) or off; not while a layer runs. */
    @Name("c4j_set_fast_kernels") public static native void setFastKernels(int on);
    /** 1 where the CPU (and OS) can run conv4j's AVX2/FMA kernels, whatever the switch says. */
    @Name("c4j_fast_kernels_available") public static native int fastKernelsAvailable();
    /** 1 while the fast convolution runs its AVX-512 form (16-lane GEMM) in place of the AVX2 one. */
    @Name("c4j_avx512_kernels") public static native int avx512Kernels();
    /** Keeps the fast convolution on AVX2 (0) or lets it use AVX-512 where the CPU has it; not while a layer runs. */
    @Name("c4j_set_avx512") public static native void setAvx512(int on);
    /** 1 where the CPU (and OS) can run the fast convolution's AVX-512 form, whatever the switch says. */
    @Name("c4j_avx512_available") public static native int avx512Available();
}
