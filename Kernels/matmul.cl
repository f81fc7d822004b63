// Matrix products C[b] = op(A)[b] . op(B)[b], accumulated in float with fma. Each m x n
// product C[b] is stored as [n / group, m, group]: row-major when group == n; with group =
// OH*OW, a convolution's [O, N*OH*OW] product lands directly in NCHW order. The host picks
// one of two strategies by device type:
//  - CPU devices (PoCL): pack_panels copies op(A) into panels of 8 rows and op(B) into panels
//    of 16 columns (zero-padded, transposes resolved), then gemm_panels computes each 8x16
//    block of C with float16 vectors, without barriers or local memory (PoCL runs barriers
//    very slowly, but vectorises float16 arithmetic well). Operands whose stored layout already
//    serves (see gemm_panels) are read in place instead of packed; A . B^T with row-major A and
//    k % 16 == 0 goes to gemm_rows instead, which reads both rows as float16 chunks.
//  - GPUs: gemm_blocked (gemm_blocked.cl, register-blocked, tuned per device); gemm_tiled, a
//    TILE x TILE local-memory tiled kernel reading A and B directly, with TRANS_A / TRANS_B and
//    TILE (16, or 8 or 4 where 256 work-items do not fit in a work-group) set by build options,
//    is selectable and is the tuner's reference.
#ifndef TRANS_A
#define TRANS_A 0
#endif
#ifndef TRANS_B
#define TRANS_B 0
#endif
#ifndef TILE
#define TILE 16
#endif

// dst[panel_offset(b, i, p)] = L[b](i, p), zero where i >= rows; L[b] is the rows x depth matrix
// b stored row-major (transposed == 0) or stored as its transpose (depth x rows, transposed == 1).
// Global size (panels * width, depth, batch).
__kernel void pack_panels(__global const float *src, __global float *dst, int rows, int depth, int width, int transposed) {
    int i = get_global_id(0), p = get_global_id(1), b = get_global_id(2);
    int panels = (rows + width - 1) / width;
    if (i >= panels * width || p >= depth) return;
    size_t base = (size_t)b * rows * depth;
    float v = 0.0f;
    if (i < rows) v = transposed ? src[base + (size_t)p * rows + i] : src[base + (size_t)i * depth + p];
    dst[panel_offset(b, i, p, panels, depth, width)] = v;
}

// Stores lanes j < cols of v as C(row, col + j) of the m x n matrix c held as [n / group, m, group]
// (nothing if row >= m): one vector store when the lanes stay inside one group.
void store_row(float16 v, __global float *c, int row, int col, int m, int cols, int group) {
    if (row >= m) return;
    int g = col / group, q = col % group;
    if (q + cols <= group) { store16(v, c + ((size_t)g * m + row) * group + q, 0, cols); return; }
    float lanes[16];
    vstore16(v, 0, lanes);
    for (int j = 0; j < cols; ++j, ++q) {
        if (q == group) { q = 0; ++g; }
        c[((size_t)g * m + row) * group + q] = lanes[j];
    }
}

// C[b](8 tm + r, 16 tn + j) = sum_p L_A[b](8 tm + r, p) * L_B[b](16 tn + j, p) for the 8x16
// block (tm, tn) = (global id 0, global id 1) of batch global id 2, where L_A = op(A) and
// L_B = op(B)^T are read where their strides say: L_A(i, p) at
// a[b a_batch + (i / 8) a_panel + (i % 8) a_lane + p a_depth] (rows past m read row m - 1,
// whose results are not stored) and the 16 lanes of L_B(16 tn + j, p) at
// b[b b_batch + tn b_panel + p b_depth + j]. That covers the packed panels of pack_panels and
// operands read in place (op(A) either way, op(B) untransposed with n % 16 == 0).
// Neighbouring work-items share the B panel, so each B panel is read from memory once.
__kernel void gemm_panels(__global const float *a, int a_batch, int a_panel, int a_lane, int a_depth,
                          __global const float *bm, int b_batch, int b_panel, int b_depth,
                          __global float *c, int m, int n, int k, int group) {
    int tm = get_global_id(0), tn = get_global_id(1), b = get_global_id(2);
    if (tn * 16 >= n || tm * 8 >= m) return;
    __global const float *ar[8];
    for (int r = 0; r < 8; ++r) {
        int i = min(tm * 8 + r, m - 1);
        ar[r] = a + (size_t)b * a_batch + (size_t)(i / 8) * a_panel + (size_t)(i % 8) * a_lane;
    }
    __global const float *bq = bm + (size_t)b * b_batch + (size_t)tn * b_panel;
    float16 c0 = 0.0f, c1 = 0.0f, c2 = 0.0f, c3 = 0.0f, c4 = 0.0f, c5 = 0.0f, c6 = 0.0f, c7 = 0.0f;
    for (int p = 0; p < k; ++p) {
        float16 bv = vload16(0, bq + (size_t)p * b_depth);
        size_t q = (size_t)p * a_depth;
        c0 = fma((float16)(ar[0][q]), bv, c0);
        c1 = fma((float16)(ar[1][q]), bv, c1);
        c2 = fma((float16)(ar[2][q]), bv, c2);
        c3 = fma((float16)(ar[3][q]), bv, c3);
        c4 = fma((float16)(ar[4][q]), bv, c4);
        c5 = fma((float16)(ar[5][q]), bv, c5);
        c6 = fma((float16)(ar[6][q]), bv, c6);
        c7 = fma((float16)(ar[7][q]), bv, c7);
    }
    int row = tm * 8, col = tn * 16, cols = min(16, n - col);
    __global float *out = c + (size_t)b * m * n;
    store_row(c0, out, row + 0, col, m, cols, group);
    store_row(c1, out, row + 1, col, m, cols, group);
    store_row(c2, out, row + 2, col, m, cols, group);
    store_row(c3, out, row + 3, col, m, cols, group);
    store_row(c4, out, row + 4, col, m, cols, group);
    store_row(c5, out, row + 5, col, m, cols, group);
    store_row(c6, out, row + 6, col, m, cols, group);
    store_row(c7, out, row + 7, col, m, cols, group);
}

// C[b](4 tm + r, 4 tn + j) = sum_p A[b](4 tm + r, p) * B[b](4 tn + j, p) for the 4x4 block
// (tm, tn) = (global id 0, global id 1) of batch global id 2, with A (m x k) and B (n x k) both
// row-major and k % 16 == 0: the product A . B^T as dot products of float16 chunks of rows
// (rows past m or n read the last row; their results are not stored).
__kernel void gemm_rows(__global const float *a, __global const float *bm, __global float *c, int m, int n, int k, int group) {
    int tm = get_global_id(0), tn = get_global_id(1), b = get_global_id(2);
    if (tm * 4 >= m || tn * 4 >= n) return;
    __global const float *ar[4], *br[4];
    for (int r = 0; r < 4; ++r) {
        ar[r] = a + ((size_t)b * m + min(tm * 4 + r, m - 1)) * k;
        br[r] = bm + ((size_t)b * n + min(tn * 4 + r, n - 1)) * k;
    }
    float16 a0, a1, a2, a3, b0, b1, b2, b3;
    float16 c00 = 0.0f, c01 = 0.0f, c02 = 0.0f, c03 = 0.0f, c10 = 0.0f, c11 = 0.0f, c12 = 0.0f, c13 = 0.0f;
    float16 c20 = 0.0f, c21 = 0.0f, c22 = 0.0f, c23 = 0.0f, c30 = 0.0f, c31 = 0.0f, c32 = 0.0f, c33 = 0.0f;
    for (int p = 0; p < k; p += 16) {
        a0 = vload16(0, ar[0] + p); a1 = vload16(0, ar[1] + p); a2 = vload16(0, ar[2] + p); a3 = vload16(0, ar[3] + p);
        b0 = vload16(0, br[0] + p); b1 = vload16(0, br[1] + p); b2 = vload16(0, br[2] + p); b3 = vload16(0, br[3] + p);
        c00 = fma(a0, b0, c00); c01 = fma(a0, b1, c01); c02 = fma(a0, b2, c02); c03 = fma(a0, b3, c03);
        c10 = fma(a1, b0, c10); c11 = fma(a1, b1, c11); c12 = fma(a1, b2, c12); c13 = fma(a1, b3, c13);
        c20 = fma(a2, b0, c20); c21 = fma(a2, b1, c21); c22 = fma(a2, b2, c22); c23 = fma(a2, b3, c23);
        c30 = fma(a3, b0, c30); c31 = fma(a3, b1, c31); c32 = fma(a3, b2, c32); c33 = fma(a3, b3, c33);
    }
    float16 acc[4][4] = {{c00, c01, c02, c03}, {c10, c11, c12, c13}, {c20, c21, c22, c23}, {c30, c31, c32, c33}};
    __global float *out = c + (size_t)b * m * n;
    for (int r = 0; r < 4 && tm * 4 + r < m; ++r)
        for (int j = 0; j < 4 && tn * 4 + j < n; ++j) {
            int row = tm * 4 + r, col = tn * 4 + j;
            float16 v = acc[r][j];
            float8 h8 = v.lo + v.hi;
            float4 h4 = h8.lo + h8.hi;
            float2 h2 = h4.lo + h4.hi;
            out[((size_t)(col / group) * m + row) * group + col % group] = h2.x + h2.y;
        }
}

// C[b](row, col) = sum_p op(A)(row, p) op(B)(p, col) with TILE x TILE tiles of op(A) and op(B)
// staged in local memory; work-group (TILE, TILE, 1), global (n, m, batch) rounded up to the tile.
__kernel __attribute__((reqd_work_group_size(TILE, TILE, 1)))
void gemm_tiled(__global const float *a, __global const float *b, __global float *c, int m, int n, int k, int group) {
    int col = get_global_id(0), row = get_global_id(1), batch = get_global_id(2);
    int lc = get_local_id(0), lr = get_local_id(1);
    a += (size_t)batch * m * k;
    b += (size_t)batch * k * n;
    __local float as[TILE][TILE], bs[TILE][TILE];
    float acc = 0.0f;
    for (int t = 0; t < k; t += TILE) {
        int pa = t + lc, pb = t + lr;
        as[lr][lc] = (row < m && pa < k) ? (TRANS_A ? a[(size_t)pa * m + row] : a[(size_t)row * k + pa]) : 0.0f;
        bs[lr][lc] = (col < n && pb < k) ? (TRANS_B ? b[(size_t)col * k + pb] : b[(size_t)pb * n + col]) : 0.0f;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int q = 0; q < TILE; ++q) acc = fma(as[lr][q], bs[q][lc], acc);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (row < m && col < n) c[(size_t)batch * m * n + ((size_t)(col / group) * m + row) * group + col % group] = acc;
}
