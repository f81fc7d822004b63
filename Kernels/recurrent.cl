// Kernels of recurrent layers (needs common.cl): column slices of a [rows, cols] matrix and
// their adjoint, and the LSTM and GRU steps with their gradients, as the FusedDefaults
// functions of the same names state them. The cell kernels give work-item (t, r) the state
// columns 16t .. 16t+15 of row r; gate blocks of width h lie side by side in a row.

// y[r, c] = x[r, start + c] for the [rows, count] result; work-item (c, r).
__kernel void slice_columns(__global const float *x, __global float *y, int cols, int start, int count) {
    int c = get_global_id(0), r = get_global_id(1);
    if (c < count) y[(size_t)r * count + c] = x[(size_t)r * cols + start + c];
}

// y[r, c] = x[r, c - start] for start <= c < start + cols, else 0, for the [rows, width]
// result; work-item (c, r).
__kernel void place_columns(__global const float *x, __global float *y, int cols, int start, int width) {
    int c = get_global_id(0), r = get_global_id(1), k = c - start;
    if (c < width) y[(size_t)r * width + c] = k >= 0 && k < cols ? x[(size_t)r * cols + k] : 0.0f;
}

// i, f, o = sigmoid(a_i, a_f, a_o), g = tanh(a_g) of 16 columns of a row's gates a.
void lstm_gates(__global const float *a, int c, int h, float16 *i, float16 *f, float16 *g, float16 *o) {
    *i = stable_sigmoid16(load16(a, c, h));
    *f = stable_sigmoid16(load16(a + h, c, h));
    *g = tanh(load16(a + 2 * h, c, h));
    *o = stable_sigmoid16(load16(a + 3 * h, c, h));
}

// c' = f c + i g, h' = o tanh(c').
__kernel void lstm_cell(__global const float *gates, __global const float *cell, __global float *hidden,
                        __global float *new_cell, int h) {
    int c = 16 * get_global_id(0);
    if (c >= h) return;
    size_t row = (size_t)get_global_id(1) * h;
    float16 i, f, g, o;
    lstm_gates(gates + 4 * row, c, h, &i, &f, &g, &o);
    float16 next = f * load16(cell + row, c, h) + i * g;
    store16(next, new_cell + row, c, h);
    store16(o * tanh(next), hidden + row, c, h);
}

// dc = gc + gh o (1 - tanh^2 c'); da = [dc g i(1-i), dc c f(1-f), dc i (1-g^2), gh tanh(c') o(1-o)];
// dprev = dc f.
__kernel void lstm_cell_backward(__global const float *gates, __global const float *cell, __global const float *new_cell,
                                 __global const float *grad_hidden, __global const float *grad_cell,
                                 __global float *grad_gates, __global float *grad_previous, int h) {
    int c = 16 * get_global_id(0);
    if (c >= h) return;
    size_t row = (size_t)get_global_id(1) * h;
    __global float *da = grad_gates + 4 * row;
    float16 i, f, g, o;
    lstm_gates(gates + 4 * row, c, h, &i, &f, &g, &o);
    float16 t = tanh(load16(new_cell + row, c, h)), gh = load16(grad_hidden + row, c, h);
    float16 delta = load16(grad_cell + row, c, h) + gh * o * (1.0f - t * t);
    store16(delta * g * (i * (1.0f - i)), da, c, h);
    store16(delta * load16(cell + row, c, h) * (f * (1.0f - f)), da + h, c, h);
    store16(delta * i * (1.0f - g * g), da + 2 * h, c, h);
    store16(gh * t * (o * (1.0f - o)), da + 3 * h, c, h);
    store16(delta * f, grad_previous + row, c, h);
}

// r = sigmoid(x_r + u_r), z = sigmoid(x_z + u_z), n = tanh(x_n + r u_n) of 16 columns of a row.
void gru_gates(__global const float *x, __global const float *u, int c, int h,
               float16 *r, float16 *z, float16 *n, float16 *un) {
    *r = stable_sigmoid16(load16(x, c, h) + load16(u, c, h));
    *z = stable_sigmoid16(load16(x + h, c, h) + load16(u + h, c, h));
    *un = load16(u + 2 * h, c, h);
    *n = tanh(load16(x + 2 * h, c, h) + *r * *un);
}

// h' = n + z (h - n), that is (1 - z) n + z h.
__kernel void gru_cell(__global const float *input_gates, __global const float *hidden_gates, __global const float *hidden,
                       __global float *out, int h) {
    int c = 16 * get_global_id(0);
    if (c >= h) return;
    size_t row = (size_t)get_global_id(1) * h;
    float16 r, z, n, un;
    gru_gates(input_gates + 3 * row, hidden_gates + 3 * row, c, h, &r, &z, &n, &un);
    store16(n + z * (load16(hidden + row, c, h) - n), out + row, c, h);
}

// dn = g (1-z)(1-n^2), dz = g (h-n) z(1-z), dr = dn u_n r(1-r);
// dx = [dr, dz, dn], du = [dr, dz, dn r], dh = g z.
__kernel void gru_cell_backward(__global const float *input_gates, __global const float *hidden_gates, __global const float *hidden,
                                __global const float *grad, __global float *grad_input, __global float *grad_recurrent,
                                __global float *grad_hidden, int h) {
    int c = 16 * get_global_id(0);
    if (c >= h) return;
    size_t row = (size_t)get_global_id(1) * h;
    float16 r, z, n, un;
    gru_gates(input_gates + 3 * row, hidden_gates + 3 * row, c, h, &r, &z, &n, &un);
    float16 g = load16(grad + row, c, h);
    float16 dn = g * (1.0f - z) * (1.0f - n * n);
    float16 dz = g * (load16(hidden + row, c, h) - n) * (z * (1.0f - z));
    float16 dr = dn * un * (r * (1.0f - r));
    __global float *dx = grad_input + 3 * row, *du = grad_recurrent + 3 * row;
    store16(dr, dx, c, h);
    store16(dz, dx + h, c, h);
    store16(dn, dx + 2 * h, c, h);
    store16(dr, du, c, h);
    store16(dz, du + h, c, h);
    store16(dn * r, du + 2 * h, c, h);
    store16(g * z, grad_hidden + row, c, h);
}
