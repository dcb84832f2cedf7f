/**
 * JMH benchmarks of the convolution layers beside the OpenBLAS sgemm peak, measured in alternating
 * pairs; and conv4j's inference against ONNX Runtime's on one ONNX file, with where conv4j's time
 * goes ({@link io.github.conv4j.bench.OnnxRuntimeComparisonMain}, {@link io.github.conv4j.bench.InferenceBreakdownMain}).
 */
package io.github.conv4j.bench;
