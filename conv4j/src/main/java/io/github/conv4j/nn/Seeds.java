package io.github.conv4j.nn;

/**
 * Derives independent random streams from one seed: SplitMix64's finaliser over a combination,
 * so that (model seed, layer) and (layer seed, step) pairs that differ in any bit give unrelated
 * seeds (a plain {@code seed * k + step} lets two layers' streams collide shifted by a few steps).
 */
final class Seeds {
    private Seeds() {}

    static long mix(long seed, long salt) {
        long z = seed + 0x9E3779B97F4A7C15L * (salt + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
