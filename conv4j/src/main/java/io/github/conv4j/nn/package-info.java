/**
 * Layers and models. A layer ({@link io.github.conv4j.nn.Layer}) is an immutable configuration
 * with named options ({@code new Conv2d(1, 32, 5).padding(2)}) that infers shapes and creates an
 * {@link io.github.conv4j.nn.Op}, its runtime, whose forward and backward each make one native
 * call per batch. {@link io.github.conv4j.nn.Sequential} chains layers with all parameters in one
 * flat off-heap buffer; {@link io.github.conv4j.nn.PaddingMode} documents the rounding modes;
 * {@link io.github.conv4j.nn.Parallelism} how the cores are used.
 */
package io.github.conv4j.nn;
