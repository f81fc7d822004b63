// Convolution by im2col / col2im around the matmul kernels (needs common.cl). Geometry
// arguments, in order: N, C, H, W (input), KH, KW (filter), sy, sx (stride), py, px (padding),
// OH, OW (output). The column matrix is [C*KH*KW, N*OH*OW]:
// col[(c*KH + u)*KW + v][(n*OH + i)*OW + j] = x[n, c, i*sy + u - py, j*sx + v - px],
// and dY' = [O, N*OH*OW] is the output gradient dy[N, O, OH, OW] with its two leading axes swapped.
#define GEOMETRY_ARGS int N, int C, int H, int W, int KH, int KW, int sy, int sx, int py, int px, int OH, int OW

// col[r][q] with r = (c*KH + u)*KW + v and q = (n*OH + i)*OW + j given by their coordinates: the
// input pixel it copies, or 0 in the padding.
float im2col_at(__global const float *x, int c, int u, int v, int n, int i, int j, GEOMETRY_ARGS) {
    int y = i * sy + u - py, xx = j * sx + v - px;
    return (y >= 0 && y < H && xx >= 0 && xx < W) ? x[(((size_t)n * C + c) * H + y) * W + xx] : 0.0f;
}

// dY'[o][q] = dy[q / (OH*OW), o, q % (OH*OW)] for o < O, q < N*OH*OW.
float output_value(__global const float *dy, int o, int q, int O, int N, int OH, int OW) {
    int pixels = OH * OW;
    return dy[((size_t)(q / pixels) * O + o) * pixels + q % pixels];
}

// Fills the row-major col from the NCHW input x. Global (N*OH*OW, C*KH*KW).
__kernel void im2col(__global const float *x, __global float *col, GEOMETRY_ARGS) {
    int q = get_global_id(0), r = get_global_id(1);
    int cols = N * OH * OW;
    if (q >= cols || r >= C * KH * KW) return;
    col[(size_t)r * cols + q] = im2col_at(x, r / (KW * KH), (r / KW) % KH, r % KW, q / (OW * OH), (q / OW) % OH, q % OW,
                                          N, C, H, W, KH, KW, sy, sx, py, px, OH, OW);
}

// Packs L = col (transposed == 0) or L = colᵀ (transposed == 1) straight into the matmul panel
// layout: panels of `width` rows, the depth split into chunks of kc that form the batch (split-K):
// dst[panel_offset(p / kc, i, p % kc)] = L(i, p), zero beyond L. Work-item (t, p) writes the
// `width` consecutive entries of panel t at depth p, stepping the coordinates of r (or q) lane by
// lane instead of dividing. Global (panels, chunks * kc).
__kernel void im2col_panels(__global const float *x, __global float *dst, int width, int kc, int transposed, GEOMETRY_ARGS) {
    int t = get_global_id(0), p = get_global_id(1);
    int depthC = C * KH * KW, cols = N * OH * OW;
    int rows = transposed ? cols : depthC, depth = transposed ? depthC : cols;
    int panels = (rows + width - 1) / width;
    if (t >= panels || p >= (depth + kc - 1) / kc * kc) return;
    __global float *out = dst + panel_offset(p / kc, t * width, p % kc, panels, kc, width);
    int r = transposed ? p : t * width, q = transposed ? t * width : p;
    int c = r / (KW * KH), u = (r / KW) % KH, v = r % KW;
    int n = q / (OW * OH), i = (q / OW) % OH, j = q % OW;
    for (int lane = 0; lane < width; ++lane) {
        out[lane] = r < depthC && q < cols ? im2col_at(x, c, u, v, n, i, j, N, C, H, W, KH, KW, sy, sx, py, px, OH, OW) : 0.0f;
        if (transposed) {
            ++q;
            if (++j == OW) { j = 0; if (++i == OH) { i = 0; ++n; } }
        } else {
            ++r;
            if (++v == KW) { v = 0; if (++u == KH) { u = 0; ++c; } }
        }
    }
}

// As im2col_panels, for L = dY' (transposed == 0) or L = dY'ᵀ (transposed == 1) of the output
// gradient dy with O channels. Global (panels, chunks * kc).
__kernel void output_panels(__global const float *dy, __global float *dst, int width, int kc, int transposed, int O, int N, int OH, int OW) {
    int t = get_global_id(0), p = get_global_id(1);
    int cols = N * OH * OW;
    int rows = transposed ? cols : O, depth = transposed ? O : cols;
    int panels = (rows + width - 1) / width;
    if (t >= panels || p >= (depth + kc - 1) / kc * kc) return;
    __global float *out = dst + panel_offset(p / kc, t * width, p % kc, panels, kc, width);
    for (int lane = 0, i = t * width; lane < width; ++lane, ++i) {
        int o = transposed ? p : i, q = transposed ? i : p;
        out[lane] = o < O && q < cols ? output_value(dy, o, q, O, N, OH, OW) : 0.0f;
    }
}

// The adjoint of im2col: dx[n, c, h, w] = sum of col entries that im2col read from (n, c, h, w),
// gathered in a fixed order (deterministic, no atomics). Global N*C*H*W.
__kernel void col2im(__global const float *col, __global float *dx, GEOMETRY_ARGS) {
    int t = get_global_id(0);
    if (t >= N * C * H * W) return;
    int w = t % W, h = (t / W) % H, c = (t / (W * H)) % C, n = t / (W * H * C);
    int cols = N * OH * OW;
    float s = 0.0f;
    for (int u = 0; u < KH; ++u) {
        int y = h + py - u;
        if (y < 0 || y % sy != 0 || y / sy >= OH) continue;
        for (int v = 0; v < KW; ++v) {
            int xx = w + px - v;
            if (xx < 0 || xx % sx != 0 || xx / sx >= OW) continue;
            s += col[((size_t)(c * KH + u) * KW + v) * cols + ((size_t)n * OH + y / sy) * OW + xx / sx];
        }
    }
    dx[t] = s;
}

// out[b, a, p] = in[a, b, p] for in of shape [A, B, P]: dy [N, O, P] to dY' [O, N, P]. Global A*B*P.
__kernel void swap_leading(__global const float *in, __global float *out, int A, int B, int P) {
    int t = get_global_id(0);
    if (t >= A * B * P) return;
    int p = t % P, a = (t / P) % A, b = t / (P * A);
    out[t] = in[((size_t)a * B + b) * P + p];
}
