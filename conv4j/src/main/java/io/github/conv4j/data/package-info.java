/** Labelled image data sets (IDX today), their normalisation, and batching into reused off-heap buffers. */
package io.github.conv4j.data;
