// Register-blocked GEMM for GPUs: C[b] = op(A)[b] . op(B)[b], accumulated in float with fma,
// each m x n product C[b] stored as [n / group, m, group] (row-major when group == n), like the
// kernels of matmul.cl. The host (GemmConfiguration) sets every parameter by build option:
//  TM x TN    the tile of C one work-group computes (rows x columns);
//  TK         the depth step: each pass stages a TM x TK tile of op(A) and a TK x TN tile of
//             op(B) in local memory;
//  WPTM x WPTN the block of C one work-item keeps in registers;
//  VWA, VWB   floats per global load of A and of B (1, 2 or 4), along the dimension each is
//             stored contiguously in; the host passes a width above 1 only when that stored row
//             length is a multiple of it, so every vector load is aligned and lies either wholly
//             inside or wholly outside the matrix;
//  PAD        floats of padding at the end of each local tile row (against bank conflicts);
//  TRANS_A, TRANS_B  A stored [k, m], B stored [n, k] (else [m, k] and [k, n]).
#if !defined(TM) || !defined(TN) || !defined(TK) || !defined(WPTM) || !defined(WPTN) || !defined(VWA) || !defined(VWB) || !defined(PAD) || !defined(TRANS_A) || !defined(TRANS_B)
#error "gemm_blocked needs TM, TN, TK, WPTM, WPTN, VWA, VWB, PAD, TRANS_A and TRANS_B"
#endif

// The work-group: RTSN x RTSM work-items (local id 0 along the columns of C).
#define RTSM (TM / WPTM)
#define RTSN (TN / WPTN)
#define THREADS (RTSM * RTSN)

#define FLOATS_1 float
#define FLOATS_2 float2
#define FLOATS_4 float4
#define STORE_1(v, p) (*(p) = (v))
#define STORE_2(v, p) vstore2((v), 0, (p))
#define STORE_4(v, p) vstore4((v), 0, (p))

// Defines load_tile_W: the work-group's THREADS work-items (this one is `id`) copy the
// tile_rows x tile_cols block at (r0, s0) of the rows x cols row-major matrix src into tile,
// rows tile_cols + PAD floats apart: tile[r (tile_cols + PAD) + s] = src(r0 + r, s0 + s), 0 outside
// src. W consecutive floats per load, consecutive work-items on consecutive vectors of a row
// (coalesced). Needs cols, s0 and tile_cols multiples of W (then a vector is in or out whole).
#define TILE_LOADER(W)                                                                                  \
    void load_tile_##W(__global const float *src, int rows, int cols, int r0, int s0, __local float *tile, \
                       int tile_rows, int tile_cols, int id) {                                           \
        int vectors = tile_cols / W;                                                                     \
        for (int l = id; l < tile_rows * vectors; l += THREADS) {                                        \
            int r = l / vectors, s = l % vectors * W;                                                    \
            FLOATS_##W v = 0.0f;                                                                         \
            if (r0 + r < rows && s0 + s < cols)                                                          \
                v = *(__global const FLOATS_##W *)(src + (size_t)(r0 + r) * cols + s0 + s);             \
            STORE_##W(v, tile + r * (tile_cols + PAD) + s);                                              \
        }                                                                                                \
    }
TILE_LOADER(1)
TILE_LOADER(2)
TILE_LOADER(4)
#define LOAD_TILE_(W) load_tile_##W
#define LOAD_TILE(W) LOAD_TILE_(W)

// The local tiles keep the stored orientation of each operand, so vector loads land in one
// row: op(A)(i, p) of the tile is a_tile[i][p] ([TM][TK + PAD]) or, for TRANS_A, a_tile[p][i]
// ([TK][TM + PAD]); op(B)(p, j) is b_tile[p][j] ([TK][TN + PAD]) or, for TRANS_B, b_tile[j][p]
// ([TN][TK + PAD]). The inner loop reads b at consecutive j across a row of work-items: for
// TRANS_B those are TK + PAD floats apart, and PAD = 1 makes that stride odd, so they fall in
// different banks; a depends only on the row of work-items (a broadcast).
#if TRANS_A
#define A_TILE_FLOATS (TK * (TM + PAD))
#define A_AT(i, p) a_tile[(p) * (TM + PAD) + (i)]
#else
#define A_TILE_FLOATS (TM * (TK + PAD))
#define A_AT(i, p) a_tile[(i) * (TK + PAD) + (p)]
#endif
#if TRANS_B
#define B_TILE_FLOATS (TN * (TK + PAD))
#define B_AT(p, j) b_tile[(j) * (TK + PAD) + (p)]
#else
#define B_TILE_FLOATS (TK * (TN + PAD))
#define B_AT(p, j) b_tile[(p) * (TN + PAD) + (j)]
#endif

// Work-group (gn, gm) = (group id 0, group id 1) of batch global id 2 computes the TM x TN tile
// of C at rows m0 = gm TM, columns n0 = gn TN; work-item (tn, tm) = (local id 0, local id 1)
// of it computes the WPTM x WPTN elements
//   C[b](m0 + tm + wm RTSM, n0 + tn + wn RTSN) = sum_p op(A)(row, p) op(B)(p, col)
// for wm < WPTM, wn < WPTN (interleaved, so a row of work-items stores consecutive columns and
// reads consecutive local floats). The sum runs over p in order, in TK steps: each step stages
// the two tiles (zero past m, n or k; edge tiles are padded with zeros, so any m, n, k work),
// then every work-item takes WPTM values of op(A) and WPTN of op(B) into registers per p and
// does WPTM x WPTN fmas. Only elements inside C are stored.
// Work-group (RTSN, RTSM, 1), global (ceil(n / TN) RTSN, ceil(m / TM) RTSM, batch).
__kernel __attribute__((reqd_work_group_size(RTSN, RTSM, 1)))
void gemm_blocked(__global const float *a, __global const float *b, __global float *c, int m, int n, int k, int group) {
    int tn = get_local_id(0), tm = get_local_id(1), batch = get_global_id(2);
    int id = tm * RTSN + tn;
    int m0 = get_group_id(1) * TM, n0 = get_group_id(0) * TN;
    a += (size_t)batch * m * k;
    b += (size_t)batch * k * n;
    __local float a_tile[A_TILE_FLOATS], b_tile[B_TILE_FLOATS];
    float acc[WPTM][WPTN];
#pragma unroll
    for (int wm = 0; wm < WPTM; ++wm)
#pragma unroll
        for (int wn = 0; wn < WPTN; ++wn) acc[wm][wn] = 0.0f;
    for (int t = 0; t < k; t += TK) {
#if TRANS_A
        LOAD_TILE(VWA)(a, k, m, t, m0, a_tile, TK, TM, id);
#else
        LOAD_TILE(VWA)(a, m, k, m0, t, a_tile, TM, TK, id);
#endif
#if TRANS_B
        LOAD_TILE(VWB)(b, n, k, n0, t, b_tile, TN, TK, id);
#else
        LOAD_TILE(VWB)(b, k, n, t, n0, b_tile, TK, TN, id);
#endif
        barrier(CLK_LOCAL_MEM_FENCE);
#pragma unroll
        for (int p = 0; p < TK; ++p) {
            float av[WPTM], bv[WPTN];
#pragma unroll
            for (int wm = 0; wm < WPTM; ++wm) av[wm] = A_AT(tm + wm * RTSM, p);
#pragma unroll
            for (int wn = 0; wn < WPTN; ++wn) bv[wn] = B_AT(p, tn + wn * RTSN);
#pragma unroll
            for (int wm = 0; wm < WPTM; ++wm)
#pragma unroll
                for (int wn = 0; wn < WPTN; ++wn) acc[wm][wn] = fma(av[wm], bv[wn], acc[wm][wn]);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    __global float *out = c + (size_t)batch * m * n;
#pragma unroll
    for (int wm = 0; wm < WPTM; ++wm) {
        int row = m0 + tm + wm * RTSM;
        if (row >= m) continue;
#pragma unroll
        for (int wn = 0; wn < WPTN; ++wn) {
            int col = n0 + tn + wn * RTSN;
            if (col < n) out[((size_t)(col / group) * m + row) * group + col % group] = acc[wm][wn];
        }
    }
}
