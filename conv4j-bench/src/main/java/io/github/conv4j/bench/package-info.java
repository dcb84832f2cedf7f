/** JMH benchmarks of the convolution layers beside the OpenBLAS sgemm peak, measured in alternating pairs. */
package io.github.conv4j.bench;
