// Convolution by im2col / col2im around the matmul kernels (needs common.cl). Geometry
// arguments, in order: N, C, H, W (input), KH, KW (filter), sy, sx (stride), py, px (padding),
// OH, OW (output). The column matrix is [C*KH*KW, N*OH*OW]:
// col[(c*KH + u)*KW + v][(n*OH + i)*OW + j] = x[n, c, i*sy + u - py, j*sx + v - px],
// and dY' = [O, N*OH*OW] is the output gradient dy[N, O, OH, OW] with its two leading axes swapped.
#define GEOMETRY_ARGS int N, int C, int H, int W, int KH, int KW, int sy, int sx, int py, int px, int OH, int OW

// The kernels that write col or dY' place entry (a, q) at dst[part_a(a) + part_q(q)], each part
// given by an axis (period, outer, inner): part(i) = (i / period) * outer + (i % period) * inner.
// That covers the row-major matrix (period INT_MAX, outer 0, inner = row length or 1) and the
// matmul panel layout of panel_offset, in either orientation (row axis: period = width,
// outer = kc * width, inner = 1; depth axis: period = kc, outer = panels * kc * width,
// inner = width). An AxisPos walks one axis index by index without dividing.
#define AXIS_ARGS(a) int a##_period, int a##_outer, int a##_inner
#define AXIS(a) a##_period, a##_outer, a##_inner
typedef struct { long part; int phase; } AxisPos;

// The position of index i on an axis.
AxisPos axis_at(int i, int period, int outer, int inner) {
    AxisPos a = { (long)(i / period) * outer + (long)(i % period) * inner, i % period };
    return a;
}

// Moves *a to the next index.
void axis_next(AxisPos *a, int period, int outer, int inner) {
    if (++a->phase == period) {
        a->phase = 0;
        a->part += outer - (long)(period - 1) * inner;
    } else {
        a->part += inner;
    }
}

// ceil(a / b) for b > 0, and 0 for a <= 0.
int ceil_div_pos(int a, int b) { return a <= 0 ? 0 : (a + b - 1) / b; }

// Writes every col[r][q] of output row (n, i) and channel c, work-item (n*OH + i, c): for each
// tap (u, v) a run of OW entries, x values where the tap is inside the image (j in [lo, hi)) and
// 0 in the padding. Global (N*OH, C).
__kernel void im2col(__global const float *x, __global float *dst, AXIS_ARGS(r), AXIS_ARGS(q), GEOMETRY_ARGS) {
    int row = get_global_id(0), c = get_global_id(1);
    if (row >= N * OH || c >= C) return;
    int n = row / OH, i = row % OH;
    AxisPos ra = axis_at(c * KH * KW, AXIS(r)), q0 = axis_at(row * OW, AXIS(q));
    for (int u = 0; u < KH; ++u) {
        int y = i * sy + u - py;
        bool inside = y >= 0 && y < H;
        __global const float *line = x + (((size_t)n * C + c) * H + (inside ? y : 0)) * W;
        for (int v = 0; v < KW; ++v, axis_next(&ra, AXIS(r))) {
            int lo = inside ? min(OW, ceil_div_pos(px - v, sx)) : 0;
            int hi = inside ? max(lo, min(OW, ceil_div_pos(W + px - v, sx))) : 0;
            __global float *out = dst + ra.part;
            AxisPos qa = q0;
            for (int j = 0; j < OW; ++j, axis_next(&qa, AXIS(q))) out[qa.part] = j >= lo && j < hi ? line[j * sx + v - px] : 0.0f;
        }
    }
}

// x[idx] in the lanes where ok is set, 0 elsewhere (those lanes read x[0]): a gather.
float16 gather16(__global const float *x, int16 idx, int16 ok) {
    idx = select((int16)0, idx, ok);
    float16 g = (float16)(x[idx.s0], x[idx.s1], x[idx.s2], x[idx.s3], x[idx.s4], x[idx.s5], x[idx.s6], x[idx.s7],
                          x[idx.s8], x[idx.s9], x[idx.sa], x[idx.sb], x[idx.sc], x[idx.sd], x[idx.se], x[idx.sf]);
    return select((float16)0.0f, g, ok);
}

// The 16 columns q = 16 t + lane of block t: lane offsets 0..15, and q itself.
int16 block_columns(int t) { return (int16)(t * 16) + (int16)(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15); }

// im2col for placements whose q axis keeps each block of 16 columns contiguous (inner 1, no
// wrap inside a block): work-item t writes col[r][16 t .. 16 t + 15] for every row r as one
// float16 store each, its lanes gathered from x (0 in the padding and past N*OH*OW columns,
// which are not stored). Global ceil(N*OH*OW / 16).
__kernel void im2col_blocks(__global const float *x, __global float *dst, AXIS_ARGS(r), AXIS_ARGS(q), GEOMETRY_ARGS) {
    int t = get_global_id(0), cols = N * OH * OW;
    if (t * 16 >= cols) return;
    int16 q = block_columns(t), k = q % (OH * OW), i = k / OW, j = k % OW;
    int16 base = q / (OH * OW) * C * H * W;
    __global float *out = dst + axis_at(t * 16, AXIS(q)).part;
    AxisPos ra = axis_at(0, AXIS(r));
    for (int c = 0; c < C; ++c, base += H * W) {
        for (int u = 0; u < KH; ++u) {
            int16 y = i * sy + u - py, inside = q < cols & y >= 0 & y < H;
            for (int v = 0; v < KW; ++v, axis_next(&ra, AXIS(r))) {
                int16 xx = j * sx + v - px;
                store16(gather16(x, base + y * W + xx, inside & xx >= 0 & xx < W), out + ra.part, 0, cols - t * 16);
            }
        }
    }
}

// Writes dY'[o][q] = dy[n, o, k] for q = n*P + k, the P = OH*OW pixels of image n and channel o
// copied in order by work-item (n, o). Global (N, O).
__kernel void output_matrix(__global const float *dy, __global float *dst, AXIS_ARGS(o), AXIS_ARGS(q), int N, int O, int P) {
    int n = get_global_id(0), o = get_global_id(1);
    if (n >= N || o >= O) return;
    __global const float *src = dy + ((size_t)n * O + o) * P;
    __global float *out = dst + axis_at(o, AXIS(o)).part;
    AxisPos qa = axis_at(n * P, AXIS(q));
    for (int k = 0; k < P; ++k, axis_next(&qa, AXIS(q))) out[qa.part] = src[k];
}

// The adjoint of im2col: dx[n, c, h, w] = sum of the row-major col entries that im2col read from
// (n, c, h, w). Work-item (n*C + c)*H + h zeroes its image row, then adds each tap's run of col
// in (u, v) order (w = j*sx + v - px for j in [lo, hi)): a fixed order, no atomics. Global N*C*H.
__kernel void col2im(__global const float *col, __global float *dx, GEOMETRY_ARGS) {
    int t = get_global_id(0);
    if (t >= N * C * H) return;
    int h = t % H, c = (t / H) % C, n = t / (H * C);
    size_t cols = (size_t)N * OH * OW;
    __global float *out = dx + (size_t)t * W;
    for (int w = 0; w < W; ++w) out[w] = 0.0f;
    for (int u = 0; u < KH; ++u) {
        int y = h + py - u;
        if (y < 0 || y % sy != 0 || y / sy >= OH) continue;
        __global const float *in = col + (size_t)(c * KH + u) * KW * cols + ((size_t)n * OH + y / sy) * OW;
        for (int v = 0; v < KW; ++v, in += cols) {
            int lo = min(OW, ceil_div_pos(px - v, sx)), hi = min(OW, ceil_div_pos(W + px - v, sx));
            for (int j = lo; j < hi; ++j) out[j * sx + v - px] += in[j];
        }
    }
}
