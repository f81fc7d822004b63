// The fused steps of layers (needs common.cl and elementwise.cl): the bias add with its
// activation and batch normalization's statistics, each with its gradient, over axis 1 of x
// seen as [outer, period, inner]. The elementwise kernels give each work-item 16 consecutive
// elements; the per-feature kernels give each feature j one work-group of FEATURE_GROUP (a
// power of two, set by the host) work-items, each adding its share of the feature's values in
// a fixed order, and the group adding the shares by a fixed halving tree: no atomics, the same
// result on every run.

// The flat index of value t (t = o * inner + q, o < outer, q < inner) of feature j.
size_t feature_index(int t, int j, int inner, int period) {
    return ((size_t)(t / inner) * period + j) * inner + t % inner;
}

// The sum of every work-item's `value` over the work-group, returned to each of them: the
// shares in `partial`, added by a halving tree in a fixed order.
float group_total(__local float *partial, float value) {
    int l = get_local_id(0);
    partial[l] = value;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = FEATURE_GROUP / 2; s > 0; s >>= 1) {
        if (l < s) partial[l] += partial[l + s];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    float total = partial[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return total;
}

// y[i] = act(x[i] + b[(i / inner) % period]); work-item t handles i = 16t .. 16t+15.
__kernel void bias_activation(int op, __global const float *x, __global const float *b, __global float *y, int n, int inner, int period) {
    int i = 16 * get_global_id(0);
    if (i < n) store16(unary_value(op, load16(x, i, n) + broadcast16(b, i, inner, period)), y, i, n);
}

// dx[i] = g[i] * act'(x[i] + b[(i / inner) % period]) (unary_backward's derivative), without the
// bias gradient: the path of devices without work-group reductions, whose host then sums dx
// with sum_broadcast. Work-item t handles i = 16t .. 16t+15.
__kernel void bias_activation_input_gradient(int op, __global const float *x, __global const float *b, __global const float *g,
                                             __global float *dx, int n, int inner, int period) {
    int i = 16 * get_global_id(0);
    if (i < n) store16(load16(g, i, n) * unary_derivative(op, load16(x, i, n) + broadcast16(b, i, inner, period)), dx, i, n);
}

// dx[i] = g[i] * act'(x[i] + b[j]) (unary_backward's derivative) over the `values` values of
// feature j = the group's index, and db[j] = the sum of those dx: the bias gradient in the
// same kernel, each work-item adding the dx it writes.
__kernel __attribute__((reqd_work_group_size(FEATURE_GROUP, 1, 1)))
void bias_activation_backward(int op, __global const float *x, __global const float *b, __global const float *g,
                              __global float *dx, __global float *db, int inner, int period, int values) {
    __local float partial[FEATURE_GROUP];
    int j = get_group_id(0);
    float bias = b[j], s = 0.0f;
    for (int t = get_local_id(0); t < values; t += FEATURE_GROUP) {
        size_t i = feature_index(t, j, inner, period);
        float d = g[i] * unary_derivative1(op, x[i] + bias);
        dx[i] = d;
        s += d;
    }
    float total = group_total(partial, s);
    if (get_local_id(0) == 0) db[j] = total;
}

// mean[j] = (sum x) * scale and variance[j] = (sum (x - mean[j])^2) * scale over the `values`
// values of feature j = the group's index (scale = 1 / values): two passes, the second over
// the deviations from the mean the first gives every work-item.
__kernel __attribute__((reqd_work_group_size(FEATURE_GROUP, 1, 1)))
void batch_norm_statistics(__global const float *x, __global float *mean, __global float *variance,
                           int inner, int period, int values, float scale) {
    __local float partial[FEATURE_GROUP];
    int j = get_group_id(0);
    float s = 0.0f;
    for (int t = get_local_id(0); t < values; t += FEATURE_GROUP) s += x[feature_index(t, j, inner, period)];
    float m = group_total(partial, s) * scale, squares = 0.0f;
    for (int t = get_local_id(0); t < values; t += FEATURE_GROUP) {
        float d = x[feature_index(t, j, inner, period)] - m;
        squares += d * d;
    }
    float v = group_total(partial, squares) * scale;
    if (get_local_id(0) == 0) { mean[j] = m; variance[j] = v; }
}

// dx[i] = ((x[i] - mean[j]) * gv[j]) * (2 * scale) + gm[j] * scale with j = (i / inner) % period
// and scale = 1 / (values per feature); work-item t handles i = 16t .. 16t+15.
__kernel void batch_norm_statistics_backward(__global const float *x, __global const float *mean, __global const float *gm,
                                             __global const float *gv, __global float *dx, int n, int inner, int period, float scale) {
    int i = 16 * get_global_id(0);
    if (i >= n) return;
    float16 centered = load16(x, i, n) - broadcast16(mean, i, inner, period);
    store16(centered * broadcast16(gv, i, inner, period) * (2.0f * scale) + broadcast16(gm, i, inner, period) * scale, dx, i, n);
}
