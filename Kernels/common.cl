// Shared by every program (prepended first): no contraction of a*b+c into fma, so results
// match the CPU backend up to summation order, the numerically stable helpers, and the
// 16-lane chunk loads and stores of the elementwise kernels, and the matmul panel layout.
#pragma OPENCL FP_CONTRACT OFF

// Defines, for the type T (float or float16) with name suffix S:
//  stable_sigmoid##S(x) = 1 / (1 + e^-x) without overflow (e^-|x| is at most 1);
//  stable_softplus##S(x) = log(1 + e^x) = max(x, 0) + log1p(e^-|x|).
#define STABLE_HELPERS(T, S)                                                    \
    T stable_sigmoid##S(T x) {                                                  \
        T e = exp(-fabs(x));                                                    \
        return x >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);                  \
    }                                                                           \
    T stable_softplus##S(T x) { return fmax(x, 0.0f) + log1p(exp(-fabs(x))); }
STABLE_HELPERS(float, )
STABLE_HELPERS(float16, 16)

// x[i .. i+15] as one vector, lanes at or beyond n read as 0. Elementwise kernels give each
// work-item 16 consecutive elements: vector maths runs far faster than scalar calls on CPUs.
float16 load16(__global const float *x, int i, int n) {
    if (i + 16 <= n) return vload16(0, x + i);
    float lanes[16];
    for (int j = 0; j < 16; ++j) lanes[j] = i + j < n ? x[i + j] : 0.0f;
    return vload16(0, lanes);
}

// y[i .. i+15] = v, storing only the lanes below n.
void store16(float16 v, __global float *y, int i, int n) {
    if (i + 16 <= n) { vstore16(v, 0, y + i); return; }
    float lanes[16];
    vstore16(v, 0, lanes);
    for (int j = 0; j < 16 && i + j < n; ++j) y[i + j] = lanes[j];
}

// Offset of L(i, p) in the panel layout of the matmul kernels: matrix b of rows x depth
// matrices L[b] split into panels of `width` rows, stored [batch][panels][depth][width].
size_t panel_offset(int b, int i, int p, int panels, int depth, int width) {
    return (((size_t)b * panels + i / width) * depth + p) * width + i % width;
}

// max_c row[c] over `cols` entries; NaN if any entry is NaN.
float row_maximum(__global const float *row, int cols) {
    float m = row[0];
    for (int c = 1; c < cols && !isnan(m); ++c) m = isnan(row[c]) ? row[c] : fmax(m, row[c]);
    return m;
}

// log sum_c e^{row[c] - m}, with m the row maximum.
float row_log_sum_exp(__global const float *row, int cols, float m) {
    float s = 0.0f;
    for (int c = 0; c < cols; ++c) s += exp(row[c] - m);
    return log(s);
}
