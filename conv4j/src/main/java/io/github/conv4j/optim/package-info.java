/**
 * Optimisers (SGD with momentum and Nesterov, Adam, AdamW): one native update over the model's
 * flat parameter buffer per step; learning-rate schedules.
 */
package io.github.conv4j.optim;
