/**
 * Off-heap float32 (and int32) memory with a shape: creation, copy in and out, views, and
 * deterministic freeing by {@code close()}. A tensor either owns its memory or is a view of
 * another tensor; closing frees only what the tensor owns.
 */
package io.github.conv4j.tensor;
