// Random tensors (needs philox.cl). Work-item t fills elements 16t .. 16t+15 (those < n), which
// are the four Philox blocks first_block + 4t .. first_block + 4t + 3.

// u[i] = uniform lane i % 4 of block first_block + i / 4 (mod 2^64), in (0, 1].
__kernel void random_uniform(__global float *out, int n, ulong seed, ulong stream, ulong first_block) {
    int t = get_global_id(0);
    if (16 * t < n) store16(philox_uniform16(seed, stream, first_block + 4 * (ulong)t), out, 16 * t, n);
}

// Standard normals by Box-Muller on lanes (0, 1) and (2, 3) of block first_block + i / 4.
__kernel void random_normal(__global float *out, int n, ulong seed, ulong stream, ulong first_block) {
    int t = get_global_id(0);
    if (16 * t < n) store16(philox_normal16(seed, stream, first_block + 4 * (ulong)t), out, 16 * t, n);
}

// Inverted dropout: m[i] = 1 / (1 - p) where u[i] > p, else 0.
__kernel void dropout_mask(__global float *out, int n, float p, ulong seed, ulong stream, ulong first_block) {
    int t = get_global_id(0);
    if (16 * t >= n) return;
    float16 u = philox_uniform16(seed, stream, first_block + 4 * (ulong)t);
    store16(u > p ? (float16)(1.0f / (1.0f - p)) : (float16)0.0f, out, 16 * t, n);
}
