// Reductions and the softmax family (needs common.cl). Every reduction uses a fixed work
// partition and a fixed order, so results are deterministic run to run; no atomics.

// Stage 1 of a sum: partial[p] = sum of the 16-element chunks x[16c .. 16c+15] over
// c = p, p + parts, p + 2 parts, ... (elements < n), accumulated lane by lane in a float16 and
// its lanes then added in order.
__kernel void sum_partials(__global const float *x, __global float *partial, int n, int parts) {
    int p = get_global_id(0);
    if (p >= parts) return;
    float16 s = 0.0f;
    for (int i = 16 * p; i < n; i += 16 * parts) s += load16(x, i, n);
    float8 s8 = s.lo + s.hi;
    float4 s4 = s8.lo + s8.hi;
    float2 s2 = s4.lo + s4.hi;
    partial[p] = s2.lo + s2.hi;
}

// Stage 2 of a sum: out[0] = partial[0] + partial[1] + ... + partial[parts - 1], in order.
__kernel void sum_final(__global const float *partial, __global float *out, int parts) {
    if (get_global_id(0) != 0) return;
    float s = 0.0f;
    for (int p = 0; p < parts; ++p) s += partial[p];
    out[0] = s;
}

// y[j] = sum of x[i] over i with (i / inner) % period == j, i.e. over the outer index o and
// inner index q of x viewed as [n / (inner * period), period, inner].
__kernel void sum_broadcast(__global const float *x, __global float *y, int n, int inner, int period) {
    int j = get_global_id(0);
    if (j >= period) return;
    int outer = n / (inner * period);
    float s = 0.0f;
    for (int o = 0; o < outer; ++o) {
        __global const float *block = x + ((size_t)o * period + j) * inner;
        for (int q = 0; q < inner; ++q) s += block[q];
    }
    y[j] = s;
}

// y[r] = max_c x[r, c] (NaN if the row holds a NaN), one work-item per row.
__kernel void row_max(__global const float *x, __global float *y, int rows, int cols) {
    int r = get_global_id(0);
    if (r < rows) y[r] = row_maximum(x + (size_t)r * cols, cols);
}

// y[r, c] = e^{x[r, c] - max_r} / sum_c' e^{x[r, c'] - max_r}, one work-item per row.
__kernel void softmax(__global const float *x, __global float *y, int rows, int cols) {
    int r = get_global_id(0);
    if (r >= rows) return;
    __global const float *row = x + (size_t)r * cols;
    float m = row_maximum(row, cols);
    float s = 0.0f;
    for (int c = 0; c < cols; ++c) s += exp(row[c] - m);
    for (int c = 0; c < cols; ++c) y[(size_t)r * cols + c] = exp(row[c] - m) / s;
}

// y[r, c] = x[r, c] - max_r - log sum_c' e^{x[r, c'] - max_r}, one work-item per row.
__kernel void log_softmax(__global const float *x, __global float *y, int rows, int cols) {
    int r = get_global_id(0);
    if (r >= rows) return;
    __global const float *row = x + (size_t)r * cols;
    float m = row_maximum(row, cols);
    float lse = row_log_sum_exp(row, cols, m);
    for (int c = 0; c < cols; ++c) y[(size_t)r * cols + c] = row[c] - m - lse;
}

// dx[r, c] = y[r, c] * (g[r, c] - sum_c' g[r, c'] y[r, c']) for y = softmax(x).
__kernel void softmax_backward(__global const float *y, __global const float *g, __global float *dx, int rows, int cols) {
    int r = get_global_id(0);
    if (r >= rows) return;
    size_t base = (size_t)r * cols;
    float dot = 0.0f;
    for (int c = 0; c < cols; ++c) dot += g[base + c] * y[base + c];
    for (int c = 0; c < cols; ++c) dx[base + c] = y[base + c] * (g[base + c] - dot);
}

// dx[r, c] = g[r, c] - e^{y[r, c]} sum_c' g[r, c'] for y = log_softmax(x).
__kernel void log_softmax_backward(__global const float *y, __global const float *g, __global float *dx, int rows, int cols) {
    int r = get_global_id(0);
    if (r >= rows) return;
    size_t base = (size_t)r * cols;
    float total = 0.0f;
    for (int c = 0; c < cols; ++c) total += g[base + c];
    for (int c = 0; c < cols; ++c) dx[base + c] = g[base + c] - exp(y[base + c]) * total;
}
