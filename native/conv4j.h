/*
 * conv4j.h — the C API of conv4j's native kernels.
 *
 * Contract: Java validates every shape, stride and length before calling in. The C side still
 * re-checks what it cheaply can (geometry consistency, workspace length, label range) and answers
 * with a negative status instead of touching memory it was not given. No function allocates,
 * calls back into Java, or keeps a pointer after it returns.
 *
 * Layouts: activations NCHW, conv weights K x C/groups x R x S, linear weights OUT x IN, all
 * float32, contiguous. Parameter gradients ACCUMULATE (+=); input gradients are overwritten.
 */
#ifndef CONV4J_H
#define CONV4J_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes returned by every checked entry point. */
#define C4J_OK 0
#define C4J_EBADARG (-1)     /* geometry inconsistent or non-positive */
#define C4J_EWORKSPACE (-2)  /* workspace shorter than the geometry needs */
#define C4J_ELABEL (-3)      /* a class label outside [0, classes) */

/* The largest padded extent per axis, and the largest plane, the kernels accept: int32 indices
 * (pooling's argmax is an index into the input plane; cblas takes int dimensions). Per axis, with
 * ext = dil*(kernel-1)+1, both the swept span (out-1)*stride + ext and in + pad must not exceed
 * it; so must in_h*in_w and out_h*out_w, and for a convolution (c/groups)*r*s and
 * chunk*out_h*out_w. All of it is computed in 64 bits; a geometry past it is C4J_EBADARG. */
#define C4J_MAX_EXTENT INT32_MAX

/* Geometry of one 2-D convolution over a batch. out_h/out_w must equal
 * (in + 2*pad - (dil*(kernel-1)+1)) / stride + 1: the caller picks padding for its rounding mode. */
typedef struct c4j_conv_geom {
    int32_t n, c, h, w;          /* input  N x C x H x W */
    int32_t k, r, s;             /* output channels, kernel rows, kernel cols */
    int32_t stride_h, stride_w;
    int32_t pad_h, pad_w;        /* top/left padding; bottom/right padding is implied by out_h/out_w */
    int32_t dil_h, dil_w;
    int32_t groups;
    int32_t out_h, out_w;
    int32_t chunk;               /* images lowered together by one im2col + one GEMM */
    int32_t relu;                /* forward: nonzero applies max(0, .) after the bias (a ReLU
                                    fused into the convolution: y > 0 ? y : 0, NaN gives 0) */
    /* Which kernels compute each product, one C4J_PATH_* each: the forward (y), the weight
     * gradient (dw, and db with it) and the input gradient (dx). The backward may mix them: it
     * then runs once per path, each run computing only its own gradients. Any other value is
     * C4J_EBADARG. A zeroed geometry keeps the process-wide switch (c4j_set_fast_kernels). */
    int32_t path_fwd, path_dw, path_dx;
} c4j_conv_geom;

/* Values of c4j_conv_geom's path_* fields. FAST runs conv4j's AVX2/FMA convolution wherever the
 * CPU has it, whatever the process-wide switch; where it cannot run (no AVX2, a 1x1/s1/p0 kernel,
 * a padded plane past int32 offsets) the portable path runs instead, as with the switch. */
#define C4J_PATH_DEFAULT 0   /* the process-wide switch: fast where c4j_fast_kernels() is 1 */
#define C4J_PATH_FAST 1
#define C4J_PATH_PORTABLE 2  /* im2col + OpenBLAS sgemm */

/* Geometry of one 2-D pooling over a batch (max or average). */
typedef struct c4j_pool_geom {
    int32_t n, c, h, w;
    int32_t kernel_h, kernel_w;
    int32_t stride_h, stride_w;
    int32_t pad_h, pad_w;
    int32_t dil_h, dil_w;
    int32_t out_h, out_w;
} c4j_pool_geom;

/* ---- tensor.c: bulk memory operations on float buffers ------------------------------------ */
/* x[begin, end) = value in a buffer of len floats (C4J_EBADARG, nothing written, unless
 * 0 <= begin <= end <= len): a range as the optimisers' updates take, so that workers can each
 * fill a slice of one buffer through the same pointer (zeroGrad). */
int c4j_fill(int64_t len, int64_t begin, int64_t end, float value, float *x);
void c4j_copy(int64_t len, const float *src, float *dst);
/* dst += src (reducing per-thread gradient accumulators). */
void c4j_add(int64_t len, const float *src, float *dst);
/* Elementwise product: out = a*b (dropout backward). */
void c4j_mul(int64_t len, const float *a, const float *b, float *out);

/* ---- im2col.c: lowering one image (or a slice of channels) to columns ---------------------- */
/* col has (channels*kernel_h*kernel_w) rows of out_h*out_w entries each, rows ld_col apart
 * (ld_col >= out_h*out_w lets several images share one column matrix side by side). */
void c4j_im2col(const float *im, int32_t channels, int32_t height, int32_t width,
                int32_t kernel_h, int32_t kernel_w, int32_t pad_h, int32_t pad_w,
                int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                int32_t out_h, int32_t out_w, float *col, int64_t ld_col);
/* The adjoint of c4j_im2col: ADDS every column entry back into im (im must be zeroed first). */
void c4j_col2im(const float *col, int32_t channels, int32_t height, int32_t width,
                int32_t kernel_h, int32_t kernel_w, int32_t pad_h, int32_t pad_w,
                int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                int32_t out_h, int32_t out_w, float *im, int64_t ld_col);

/* ---- conv.c ------------------------------------------------------------------------------- */
/* Floats of scratch space c4j_conv2d_forward/backward need for this geometry (0 for 1x1/s1/p0). */
int64_t c4j_conv2d_workspace(const c4j_conv_geom *g);
/* Both passes work on the images [n_begin, n_end) of the batch (x, y, dy, dx are the whole
 * batch's buffers), so callers can run disjoint image ranges on several threads at once, each
 * with its own workspace and its own dw/db accumulators. */
/* y = conv(x, w) + b. b may be NULL. */
int c4j_conv2d_forward(const c4j_conv_geom *g, int32_t n_begin, int32_t n_end, const float *x,
                       const float *w, const float *b, float *y, float *workspace,
                       int64_t workspace_len);
/* The forward's weights packed once and reused while they are unchanged (a layer's inference
 * calls): the fast path's forward otherwise repacks W on every call, which for few pixels (a
 * batch of one at 7x7) costs more than the product. c4j_conv2d_packed_layout says which layout
 * the forward of g would read now: 0 where it packs nothing (the portable path, 1x1 kernels, the
 * one-channel and row-product kernels), else a code that changes with the path or ISA switches.
 * c4j_conv2d_pack writes that layout of w (K*C/groups*R*S floats) to packed, packed_len floats
 * long, and returns it (0: nothing written; C4J_EBADARG, or C4J_EWORKSPACE when packed is NULL
 * or short). c4j_conv2d_forward_packed is c4j_conv2d_forward reading W from packed when
 * packed_layout is the layout that runs now and packed_len covers it, and from w (packing it per
 * call) otherwise: the results are the same bit for bit either way. The caller repacks when w
 * changes; packed is only read, so workers may share it. */
int32_t c4j_conv2d_packed_layout(const c4j_conv_geom *g);
int32_t c4j_conv2d_pack(const c4j_conv_geom *g, const float *w, float *packed, int64_t packed_len);
int c4j_conv2d_forward_packed(const c4j_conv_geom *g, int32_t n_begin, int32_t n_end, const float *x,
                              const float *w, const float *packed, int64_t packed_len, int32_t packed_layout,
                              const float *b, float *y, float *workspace, int64_t workspace_len);
/* The forward followed by a max pooling of its output, chunk by chunk: each chunk's output (after
 * the bias and, with g->relu, the ReLU) goes to a chunk-sized part of the workspace and is pooled
 * from there while it is still in cache, so the convolution's whole output is never written to
 * memory and read back (a training step's backward needs only the pooling's output and argmax).
 * pg is the pooling over the whole batch as c4j_maxpool2d_forward sees it: one-channel planes
 * (pg->c == 1) of the convolution's output plane (pg->h, pg->w == g->out_h, g->out_w), g->n * g->k
 * of them; y_pool and argmax are its whole-batch buffers. Images [n_begin, n_end) of the batch:
 * their pooled planes and argmax come out bit for bit as the two calls would write them.
 * workspace_len >= c4j_conv2d_pool_workspace(g). */
int64_t c4j_conv2d_pool_workspace(const c4j_conv_geom *g);
int c4j_conv2d_forward_pool(const c4j_conv_geom *g, const c4j_pool_geom *pg, int32_t n_begin, int32_t n_end,
                            const float *x, const float *w, const float *packed, int64_t packed_len,
                            int32_t packed_layout, const float *b, float *y_pool, int32_t *argmax,
                            float *workspace, int64_t workspace_len);
/* dw += dL/dw, db += dL/db, dx = dL/dx. Any of dx, dw, db may be NULL to skip that gradient. */
int c4j_conv2d_backward(const c4j_conv_geom *g, int32_t n_begin, int32_t n_end, const float *x,
                        const float *w, const float *dy, float *dx, float *dw, float *db,
                        float *workspace, int64_t workspace_len);

/* ---- cpu.c: conv4j's AVX2/FMA kernels (own GEMM for convolutions, col2im rows, transposes) -- */
/* 1 while they run; 0 where the CPU or compiler lacks them, or switched off. */
int32_t c4j_fast_kernels(void);
/* 0 switches them off (portable C and cblas_sgemm everywhere), anything else back on where the
 * CPU has them. Set it while no kernel runs. */
void c4j_set_fast_kernels(int32_t on);
/* 1 where the CPU (and OS) can run them, whatever c4j_set_fast_kernels says: C4J_PATH_FAST's test. */
int32_t c4j_fast_kernels_available(void);
/* Within those, the AVX-512 form of the fast convolution (its own GEMM, 16-lane vectors): 1 while
 * it runs in place of the AVX2 one, that is where the CPU and OS have AVX-512 F/BW/VL/DQ and
 * c4j_set_avx512 left it on (the default); it follows C4J_PATH_FAST and the switch above as the
 * AVX2 form does. */
int32_t c4j_avx512_kernels(void);
/* 0 keeps the fast convolution on AVX2 even where AVX-512 runs (to compare); anything else back
 * on. Set it while no kernel runs. */
void c4j_set_avx512(int32_t on);
/* 1 where the CPU (and OS) can run the AVX-512 form, whatever c4j_set_avx512 says. */
int32_t c4j_avx512_available(void);

/* ---- pool.c ------------------------------------------------------------------------------- */
/* Pooling layers also take an image range [n_begin, n_end) of the batch, so that
 * callers may run disjoint ranges on several threads at once. */
/* argmax receives, per output, the index of the winning input inside its H x W plane
 * (first maximum in scan order; NaN wins and propagates). With argmax NULL only y is written
 * (an evaluation forward, which nothing back-propagates through): the same values. */
int c4j_maxpool2d_forward(const c4j_pool_geom *g, int32_t n_begin, int32_t n_end, const float *x, float *y,
                          int32_t *argmax);
/* dx = scatter-add of dy at argmax (dx is overwritten). With y (the forward's output; may be
 * NULL) only outputs with y > 0 pass their gradient: the backward of a ReLU before the pooling,
 * fused into it (the ReLU's output is the pooling's input, so y > 0 exactly where the ReLU
 * passed the winning input). */
int c4j_maxpool2d_backward(const c4j_pool_geom *g, int32_t n_begin, int32_t n_end, const float *dy,
                           const int32_t *argmax, const float *y, float *dx);
/* Average pooling with PyTorch's divisor rule; dilation must be 1. */
int c4j_avgpool2d_forward(const c4j_pool_geom *g, int32_t count_include_pad, const float *x, float *y);
int c4j_avgpool2d_backward(const c4j_pool_geom *g, int32_t count_include_pad, const float *dy, float *dx);

/* ---- activation.c ------------------------------------------------------------------------- */
/* ReLU on the elements [begin, end) of whole-batch buffers, so that callers may run disjoint
 * ranges on several threads at once. y = max(0, x). */
void c4j_relu_forward(int64_t begin, int64_t end, const float *x, float *y);
/* dx = dy where y > 0 (y is ReLU's output; the derivative at 0 is 0). dy2 (or NULL): a second
 * gradient of the output, added first (dy + dy2, as c4j_sum_forward's a + b): the gradient sum of
 * a ReLU with two readers and its backward in one pass. */
void c4j_relu_backward(int64_t begin, int64_t end, const float *y, const float *dy, const float *dy2, float *dx);
/* Inverted dropout: mask[i] = 0 or 1/(1-p) from a counter-based hash of (seed, i); y = x*mask. */
void c4j_dropout_forward(int64_t len, float p, uint64_t seed, const float *x, float *y, float *mask);

/* The pointwise activations of c4j_activation_forward/backward, as PyTorch defines them. */
#define C4J_ACT_LEAKY_RELU 0   /* x > 0 ? x : alpha*x; slope alpha at 0 */
#define C4J_ACT_SIGMOID 1      /* 1/(1+e^-x) */
#define C4J_ACT_TANH 2
#define C4J_ACT_RELU6 3        /* min(max(x, 0), 6); slope 0 at 0 and at 6 */
#define C4J_ACT_SILU 4         /* x*sigmoid(x) */
#define C4J_ACT_GELU 5         /* x*Phi(x), exact (erf) */
#define C4J_ACT_GELU_TANH 6    /* 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3))) */
#define C4J_ACT_HARDSIGMOID 7  /* min(max(x + 3, 0), 6)/6; slope 1/6 on (-3, 3), else 0 */
#define C4J_ACT_HARDSWISH 8    /* x*hardsigmoid(x); slope 0 below -3, x/3 + 1/2 on [-3, 3], 1 above */
#define C4J_ACT_KINDS 9        /* kinds are [0, C4J_ACT_KINDS) */
/* y[i] = f(x[i]) over len elements of the activation `kind` (alpha: leaky_relu's negative slope,
 * ignored by the others). C4J_EBADARG for an unknown kind or len < 0, before touching memory. */
int c4j_activation_forward(int32_t kind, float alpha, int64_t len, const float *x, float *y);
/* dx[i] = dy[i] * f'(x[i]) (x is the forward's INPUT; dx overwritten). Statuses as the forward. */
int c4j_activation_backward(int32_t kind, float alpha, int64_t len, const float *x, const float *dy, float *dx);

/* ---- softmax.c: softmax / log-softmax along the rows of n x c (x, y, dy, dx: n*c floats) ---- */
/* y = softmax(x) row by row, or log_softmax(x) when log_form is nonzero (max-subtracted).
 * C4J_EBADARG for n < 0 or c <= 0. */
int c4j_softmax_forward(int32_t n, int32_t c, int32_t log_form, const float *x, float *y);
/* dx from the forward's OUTPUT y: y*(dy - sum(dy*y)) for softmax, dy - e^y*sum(dy) for
 * log-softmax (sums per row; dx overwritten). Statuses as the forward. */
int c4j_softmax_backward(int32_t n, int32_t c, int32_t log_form, const float *y, const float *dy, float *dx);

/* ---- adaptive_pool.c: PyTorch's AdaptiveAvgPool2d over N x C x H x W -> N x C x OH x OW ------ */
/* Output row i averages input rows floor(i*h/out_h) .. ceil((i+1)*h/out_h) - 1 (columns alike;
 * windows may overlap). x holds n*c*h*w floats, y n*c*out_h*out_w. C4J_EBADARG for n < 0 or a
 * non-positive c, h, w, out_h, out_w. */
int c4j_adaptive_avgpool2d_forward(int32_t n, int32_t c, int32_t h, int32_t w, int32_t out_h, int32_t out_w,
                                   const float *x, float *y);
/* dx = the adjoint: every dy spread evenly over its window, overlapping windows adding up (dx
 * overwritten). Statuses as the forward. */
int c4j_adaptive_avgpool2d_backward(int32_t n, int32_t c, int32_t h, int32_t w, int32_t out_h, int32_t out_w,
                                    const float *dy, float *dx);

/* ---- linear.c ----------------------------------------------------------------------------- */
/* Features [o_begin, o_end) of y[n,out] = x[n,in] . w[out,in]^T + b[out]; b may be NULL; a range
 * reaching outside [0, out) does nothing. */
void c4j_linear_forward(int32_t n, int32_t in, int32_t out, int32_t o_begin, int32_t o_end,
                        const float *x, const float *w, const float *b, float *y);
/* Rows [o_begin, o_end) of dw += dy^T . x and db += sum_n dy; columns [i_begin, i_end) of
 * dx = dy . w (overwritten). Any output may be NULL. Disjoint ranges may run on several threads
 * at once on the same dw, db and dx. A range reaching outside [0, out) or [0, in) does nothing. */
void c4j_linear_backward(int32_t n, int32_t in, int32_t out, int32_t o_begin, int32_t o_end,
                         int32_t i_begin, int32_t i_end, const float *x, const float *w,
                         const float *dy, float *dx, float *dw, float *db);

/* ---- batchnorm.c -------------------------------------------------------------------------- */
/* x, y, dy and dx hold n*c*hw floats, the per-channel buffers c each. BatchNorm1d (N x C) is
 * this with hw = 1: the statistics per channel over N*hw values are then over the N rows, its
 * very math. The passes over the data cover images [n_begin, n_end) (clamped to [0, n)), so
 * callers split the batch over threads; the statistics in between are one call over the batch.
 * Forward in training: sums (dy NULL), stats (training 1: batch mean and inverse std saved, the
 * running statistics updated with the unbiased variance and PyTorch's momentum), normalize. In
 * evaluation: stats (training 0: the running statistics saved), normalize. */
/* Per image i and channel ch, at 2*(i*c + ch) and the next: without dy, the plane's Σ x and its
 * Σ (x - a)² about its own mean a (mean and relu_affine unused); with dy, Σ dy and Σ dy·(x - mean[ch]).
 * relu_affine (or NULL): the forward's affine (2 per channel), whose fused ReLU the backward takes
 * over: dy counts only where x·scale + shift > 0, the ReLU's own mask, recomputed from x. */
void c4j_batchnorm2d_sums(int32_t n, int32_t c, int64_t hw, int32_t n_begin, int32_t n_end, const float *x,
                          const float *mean, const float *dy, const float *relu_affine, double *sums);
/* Also writes affine (2 per channel): scale = gamma·invstd and shift = beta - mean·scale of the
 * saved statistics, in float: what normalize applies. */
void c4j_batchnorm2d_stats(int32_t n, int32_t c, int64_t hw, int32_t training, const double *sums, float eps,
                           float momentum, float *running_mean, float *running_var, float *save_mean,
                           float *save_invstd, const float *gamma, const float *beta, float *affine);
/* y = x·scale + shift (affine from stats), plus addend (n*c*hw floats, or NULL: a residual
 * addition fused in, as c4j_sum_forward adds two inputs); relu nonzero: then y = max(0, .) (the
 * ReLU after it fused; NaN gives 0). */
void c4j_batchnorm2d_normalize(int32_t n, int32_t c, int64_t hw, int32_t n_begin, int32_t n_end, int32_t relu,
                               const float *x, const float *affine, const float *addend, float *y);
/* Backward of the forward of the same `training` mode (in evaluation the running statistics are
 * constants and dx = gamma*invstd*dy), from the sums with dy over the whole batch: dgamma and
 * dbeta accumulated (either may be NULL), and coeffs (3 per channel) for input_grad, which
 * overwrites dx for its images. */
void c4j_batchnorm2d_grad_coeffs(int32_t n, int32_t c, int64_t hw, int32_t training, const double *sums,
                                 const float *gamma, const float *save_invstd, float *dgamma, float *dbeta,
                                 float *coeffs);
/* relu_affine as for sums: dy taken as 0 where the fused ReLU passed none. */
void c4j_batchnorm2d_input_grad(int32_t n, int32_t c, int64_t hw, int32_t n_begin, int32_t n_end, const float *x,
                                const float *save_mean, const float *coeffs, const float *dy, const float *relu_affine,
                                float *dx);

/* ---- loss.c ------------------------------------------------------------------------------- */
/* Mean softmax cross-entropy over n rows of c logits (log-sum-exp stable).
 * loss[0] = the mean loss; dlogits = (softmax - onehot)/n (may be NULL);
 * correct[0] = rows whose argmax equals the label (may be NULL). */
int c4j_softmax_cross_entropy(int32_t n, int32_t c, const float *logits, const int32_t *labels,
                              float *loss, float *dlogits, int32_t *correct);
/* The same with label smoothing: target (1 - smoothing)*onehot + smoothing/c, so
 * loss[0] = mean of sum_j -target_j*log softmax_j and dlogits = (softmax - target)/n.
 * smoothing = 0 is c4j_softmax_cross_entropy exactly; C4J_EBADARG outside [0, 1]. */
int c4j_softmax_cross_entropy_smoothed(int32_t n, int32_t c, float smoothing, const float *logits,
                                       const int32_t *labels, float *loss, float *dlogits, int32_t *correct);
/* c4j_softmax_cross_entropy_smoothed with class weights (c of them, non-negative and finite):
 * PyTorch's cross_entropy(weight=, label_smoothing=) with mean reduction, the mean weighted by
 * the targets' weights. C4J_EBADARG for a bad weight or when the targets' weights sum to 0. */
int c4j_softmax_cross_entropy_weighted(int32_t n, int32_t c, float smoothing, const float *weights,
                                       const float *logits, const int32_t *labels, float *loss,
                                       float *dlogits, int32_t *correct);
/* Row-wise softmax (inference): c4j_softmax_forward without the log form. */
void c4j_softmax(int32_t n, int32_t c, const float *logits, float *probs);

/* ---- optim.c: one update over a flat parameter buffer ------------------------------------- */
/* Both updates touch elements [begin, end) of buffers of len floats (C4J_EBADARG unless
 * 0 <= begin <= end <= len), so that workers can each update a slice of one buffer; every element's
 * update depends on that element alone, so how the buffer is cut changes no bit.
 * PyTorch's SGD: g' = g + wd*p; v = momentum*v + (1-dampening)*g' (v = g' on the first step);
 * step = nesterov ? g' + momentum*v : v; p -= lr*step. */
int c4j_sgd_step(int64_t len, int64_t begin, int64_t end, float *param, const float *grad, float *velocity,
                 float lr, float momentum, float dampening, float weight_decay, int32_t nesterov,
                 int32_t first_step);
/* Adam (decoupled = 0: L2 added to the gradient) and AdamW (decoupled = 1). step counts from 1. */
int c4j_adam_step(int64_t len, int64_t begin, int64_t end, float *param, const float *grad, float *m, float *v,
                  float lr, float beta1, float beta2, float eps, float weight_decay, int32_t decoupled,
                  int64_t step);
/* Gradient clipping by global norm: when the L2 norm of grad exceeds max_norm, scales grad by
 * max_norm/(norm + 1e-6) (PyTorch's clip_grad_norm_); returns the norm before clipping. */
float c4j_clip_grad_norm(int64_t len, float *grad, float max_norm);
/* 1 if every value is finite, else 0. */
int c4j_all_finite(int64_t len, const float *x);

/* ---- merge.c: the merge layers of graph models, one call over the whole batch ---- */
/* out = inputs[0] + ... + inputs[count-1] (count >= 1) over the elements [begin, end); relu
 * nonzero: max(0, .) of the sum (the ReLU after it fused; NaN gives 0). */
int c4j_sum_forward(int64_t begin, int64_t end, int32_t count, const float *const *inputs, int32_t relu, float *out);
/* Concatenation along axis 1 of n samples: sample s of input i is inner[i] floats (its channels
 * times the plane), placed one after another in out's sample s. */
int c4j_concat_forward(int32_t n, int32_t count, const int64_t *inner, const float *const *inputs, float *out);
/* The split of dy back into the inputs' gradients (overwritten; dx[i] NULL skips input i). */
int c4j_concat_backward(int32_t n, int32_t count, const int64_t *inner, const float *dy, float *const *dx);
/* y = x * gate broadcast over planes: x and y are planes x plane floats, gate one per plane
 * (N*C x H*W times N*C x 1: a squeeze-and-excitation gate). */
int c4j_scale_forward(int64_t planes, int64_t plane, const float *x, const float *gate, float *y);
/* dx = dy * gate (broadcast), dgate[p] = sum over plane p of dy * x; both overwritten, either may be NULL. */
int c4j_scale_backward(int64_t planes, int64_t plane, const float *x, const float *gate, const float *dy, float *dx,
                       float *dgate);

/* ---- channels.c: ShuffleNet's channel layers, pure copies of planes over the whole batch ---- */
/* y = x with its groups*per_group channels shuffled: channel g*per_group + j of each of the n
 * samples goes to channel j*groups + g (PyTorch's view(n, groups, per_group, ...).transpose(1, 2));
 * swapping groups and per_group gives the inverse. x and y must not overlap. */
int c4j_channel_shuffle(int32_t n, int64_t groups, int64_t per_group, int64_t plane, const float *x, float *y);
/* y = channels [start, start + count) of x (n x channels x plane floats); y is n x count x plane. */
int c4j_channel_slice_forward(int32_t n, int64_t channels, int64_t start, int64_t count, int64_t plane,
                              const float *x, float *y);
/* dx = dy in channels [start, start + count), 0 in the others (dx overwritten). */
int c4j_channel_slice_backward(int32_t n, int64_t channels, int64_t start, int64_t count, int64_t plane,
                               const float *dy, float *dx);

/* ---- blas.c: the OpenBLAS we link, exposed for threading control and the peak benchmark ---- */
void c4j_set_num_threads(int32_t threads);
int32_t c4j_get_num_threads(void);
/* Row-major C = alpha*op(A)*op(B) + beta*C. */
void c4j_sgemm(int32_t trans_a, int32_t trans_b, int32_t m, int32_t n, int32_t k, float alpha,
               const float *a, int32_t lda, const float *b, int32_t ldb, float beta, float *c,
               int32_t ldc);
/* Version of this native library's API, checked by the Java side at load time. */
int32_t c4j_abi_version(void);

#ifdef __cplusplus
}
#endif
#endif /* CONV4J_H */
