/**
 * Seeded per-sample training augmentations (random crop, horizontal flip, random erasing, random
 * resized crop), applied by {@link io.github.conv4j.data.Batches} to each image on the [0, 1]
 * scale before normalisation; see {@link io.github.conv4j.data.augment.Augmentation}.
 */
package io.github.conv4j.data.augment;
