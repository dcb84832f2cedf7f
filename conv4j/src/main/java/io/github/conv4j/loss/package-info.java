/** Losses over whole batches in C: softmax cross-entropy, its gradient and the count of correct predictions. */
package io.github.conv4j.loss;
