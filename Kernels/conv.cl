// Convolution by im2col / col2im around the matmul kernels (needs common.cl). Geometry
// arguments, in order: N, C, H, W (input), KH, KW (filter), sy, sx (stride), py, px (padding),
// OH, OW (output). The column matrix is [C*KH*KW, N*OH*OW]:
// col[(c*KH + u)*KW + v][(n*OH + i)*OW + j] = x[n, c, i*sy + u - py, j*sx + v - px].

// Fills col from the NCHW input x, reading 0 outside the image. Global (N*OH*OW, C*KH*KW).
__kernel void im2col(__global const float *x, __global float *col, int N, int C, int H, int W, int KH, int KW,
                     int sy, int sx, int py, int px, int OH, int OW) {
    int q = get_global_id(0), r = get_global_id(1);
    int cols = N * OH * OW;
    if (q >= cols || r >= C * KH * KW) return;
    int j = q % OW, i = (q / OW) % OH, n = q / (OW * OH);
    int v = r % KW, u = (r / KW) % KH, c = r / (KW * KH);
    int y = i * sy + u - py, xx = j * sx + v - px;
    col[(size_t)r * cols + q] = (y >= 0 && y < H && xx >= 0 && xx < W) ? x[(((size_t)n * C + c) * H + y) * W + xx] : 0.0f;
}

// The adjoint of im2col: dx[n, c, h, w] = sum of col entries that im2col read from (n, c, h, w),
// gathered in a fixed order (deterministic, no atomics). Global N*C*H*W.
__kernel void col2im(__global const float *col, __global float *dx, int N, int C, int H, int W, int KH, int KW,
                     int sy, int sx, int py, int px, int OH, int OW) {
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

// out[b, a, p] = in[a, b, p] for in of shape [A, B, P]: swaps [O, N, P] and [N, O, P]. Global A*B*P.
__kernel void swap_leading(__global const float *in, __global float *out, int A, int B, int P) {
    int t = get_global_id(0);
    if (t >= A * B * P) return;
    int p = t % P, a = (t / P) % A, b = t / (P * A);
    out[t] = in[((size_t)a * B + b) * P + p];
}
