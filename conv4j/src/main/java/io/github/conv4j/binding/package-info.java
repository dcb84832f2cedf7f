/**
 * The JavaCPP declarations of {@code native/conv4j.h}: the only place with {@code native} methods
 * and {@code @Platform}. Callers validate every shape before calling in; the C side re-checks and
 * answers with a {@link io.github.conv4j.binding.Status} code rather than touching memory it was
 * not given.
 */
package io.github.conv4j.binding;
