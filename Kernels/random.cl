// Random tensors (needs philox.cl). Work-item b fills elements 4b .. 4b+3 (those < n).

// u[i] = uniform lane i % 4 of block first_block + i / 4 (mod 2^64), in (0, 1].
__kernel void random_uniform(__global float *out, int n, ulong seed, ulong stream, ulong first_block) {
    int b = get_global_id(0);
    if (4 * b >= n) return;
    float4 u = philox_uniform4(seed, stream, first_block + (ulong)b);
    for (int lane = 0; lane < 4 && 4 * b + lane < n; ++lane) out[4 * b + lane] = lane_of(u, lane);
}

// Standard normals by Box-Muller on lanes (0, 1) and (2, 3) of block first_block + i / 4.
__kernel void random_normal(__global float *out, int n, ulong seed, ulong stream, ulong first_block) {
    int b = get_global_id(0);
    if (4 * b >= n) return;
    float4 z = philox_normal4(seed, stream, first_block + (ulong)b);
    for (int lane = 0; lane < 4 && 4 * b + lane < n; ++lane) out[4 * b + lane] = lane_of(z, lane);
}

// Inverted dropout: m[i] = 1 / (1 - p) where u[i] > p, else 0.
__kernel void dropout_mask(__global float *out, int n, float p, ulong seed, ulong stream, ulong first_block) {
    int b = get_global_id(0);
    if (4 * b >= n) return;
    float4 u = philox_uniform4(seed, stream, first_block + (ulong)b);
    float keep = 1.0f / (1.0f - p);
    for (int lane = 0; lane < 4 && 4 * b + lane < n; ++lane) out[4 * b + lane] = lane_of(u, lane) > p ? keep : 0.0f;
}
