/** {@link io.github.conv4j.infer.Classifier}: a loaded model with its preprocessing, giving thread-safe predictions. */
package io.github.conv4j.infer;
