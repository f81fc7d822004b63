// Loss kernels (needs common.cl), per item; the caller reduces.

// True when label t is an integer class index in 0 ..< cols.
bool valid_label(float t, int cols) {
    return t >= 0.0f && t < (float)cols && t == floor(t);
}

// l[r] = -log softmax(x[r])[label[r]] = max_r + log sum_c e^{x[r,c] - max_r} - x[r, label];
// NaN when the label is not an integer in 0 ..< cols (no out-of-bounds read).
__kernel void cross_entropy(__global const float *logits, __global const float *labels, __global float *loss, int rows, int cols) {
    int r = get_global_id(0);
    if (r >= rows) return;
    float t = labels[r];
    if (!valid_label(t, cols)) { loss[r] = NAN; return; }
    __global const float *row = logits + (size_t)r * cols;
    float m = row_maximum(row, cols);
    loss[r] = m + row_log_sum_exp(row, cols, m) - row[(int)t];
}

// dx[r, c] = g[r] * (softmax(x[r])[c] - [c == label[r]]); NaN for the whole row of an invalid label.
__kernel void cross_entropy_backward(__global const float *logits, __global const float *labels, __global const float *g,
                                     __global float *dx, int rows, int cols) {
    int r = get_global_id(0);
    if (r >= rows) return;
    float t = labels[r];
    size_t base = (size_t)r * cols;
    if (!valid_label(t, cols)) {
        for (int c = 0; c < cols; ++c) dx[base + c] = NAN;
        return;
    }
    __global const float *row = logits + base;
    float m = row_maximum(row, cols);
    float lse = row_log_sum_exp(row, cols, m);
    int label = (int)t;
    for (int c = 0; c < cols; ++c) dx[base + c] = g[r] * (exp(row[c] - m - lse) - (c == label ? 1.0f : 0.0f));
}

// l[i] = max(x, 0) - x t + log1p(e^{-|x|}), the stable binary cross-entropy with logits.
__kernel void bce_with_logits(__global const float *x, __global const float *t, __global float *loss, int n) {
    int i = get_global_id(0);
    if (i < n) loss[i] = fmax(x[i], 0.0f) - x[i] * t[i] + log1p(exp(-fabs(x[i])));
}

// dx[i] = g[i] * (sigma(x[i]) - t[i]).
__kernel void bce_with_logits_backward(__global const float *x, __global const float *t, __global const float *g, __global float *dx, int n) {
    int i = get_global_id(0);
    if (i < n) dx[i] = g[i] * (stable_sigmoid(x[i]) - t[i]);
}
