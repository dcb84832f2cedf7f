package io.github.conv4j.spark;

import java.io.Serializable;

/**
 * What the driver broadcasts each step: the model's flat parameters and, for models with running
 * statistics (BatchNorm), its flat state, as plain arrays (never the off-heap tensors). A worker
 * starts its step from both, so its running statistics continue the driver's.
 *
 * @param parameters the flat parameters
 * @param state      the flat running statistics, or null when the model has none
 */
record ModelValues(float[] parameters, float[] state) implements Serializable {}
