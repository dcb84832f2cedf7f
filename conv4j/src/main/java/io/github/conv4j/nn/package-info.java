/**
 * Layers and models. A layer ({@link io.github.conv4j.nn.Layer}) is an immutable configuration
 * with named options ({@code new Conv2d(1, 32, 5).padding(2)}) that infers shapes and creates an
 * {@link io.github.conv4j.nn.Op}, its runtime, whose forward and backward each make one native
 * call per batch. {@link io.github.conv4j.nn.Sequential} chains layers with all parameters in one
 * flat off-heap buffer; {@link io.github.conv4j.nn.Graph} (built with a
 * {@link io.github.conv4j.nn.GraphBuilder}) joins named nodes into a directed acyclic graph with
 * {@link io.github.conv4j.nn.MergeLayer}s ({@link io.github.conv4j.nn.Add},
 * {@link io.github.conv4j.nn.Concat}, {@link io.github.conv4j.nn.Mul}) and reusable
 * {@link io.github.conv4j.nn.Block}s ({@link io.github.conv4j.nn.BasicBlock},
 * {@link io.github.conv4j.nn.Bottleneck}, {@link io.github.conv4j.nn.InvertedResidual},
 * {@link io.github.conv4j.nn.SqueezeExcitation}); both are a {@link io.github.conv4j.nn.Model},
 * what training and model files take. {@link io.github.conv4j.nn.PaddingMode} documents the rounding modes;
 * {@link io.github.conv4j.nn.Parallelism} how the cores are used.
 */
package io.github.conv4j.nn;
