/** Ready-made architectures: LeNet-5, the reference CNN of the lecture, AlexNet, VGG-16. */
package io.github.conv4j.zoo;
