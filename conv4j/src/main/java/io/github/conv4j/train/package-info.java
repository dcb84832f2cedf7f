/** The trainer: epochs of seeded batches, metrics, per-epoch listeners, atomic resumable checkpoints. */
package io.github.conv4j.train;
