// Shared by every program (prepended first): no contraction of a*b+c into fma, so results
// match the CPU backend up to summation order, and the numerically stable helpers.
#pragma OPENCL FP_CONTRACT OFF

// sigma(x) = 1 / (1 + e^-x) without overflow: e^-|x| is at most 1.
float stable_sigmoid(float x) {
    float e = exp(-fabs(x));
    return x >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
}

// softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^-|x|).
float stable_softplus(float x) {
    return fmax(x, 0.0f) + log1p(exp(-fabs(x)));
}

// max_c row[c] over `cols` entries.
float row_max(__global const float *row, int cols) {
    float m = row[0];
    for (int c = 1; c < cols; ++c) m = fmax(m, row[c]);
    return m;
}

// log sum_c e^{row[c] - m}, with m the row maximum.
float row_log_sum_exp(__global const float *row, int cols, float m) {
    float s = 0.0f;
    for (int c = 0; c < cols; ++c) s += exp(row[c] - m);
    return log(s);
}
