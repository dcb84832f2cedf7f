/**
 * The {@code conv4j} command: {@code train}, {@code eval}, {@code predict}, {@code summary},
 * {@code bench}. Paths are the caller's; {@code scripts/conv4j} builds and runs it.
 */
package io.github.conv4j.cli;
