/**
 * conv4j's model and checkpoint file: versioned, checksummed (CRC32C) and written atomically
 * (temporary file, fsync, rename); a damaged or hostile file is a clear {@code IOException},
 * with no allocation beyond what its bytes justify.
 */
package io.github.conv4j.io;
