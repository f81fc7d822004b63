// Elementwise kernels (needs common.cl). Op codes follow `UnaryOp.allCases` / `BinaryOp.allCases` order.
#define OP_RELU 0
#define OP_LEAKY_RELU 1
#define OP_TANH 2
#define OP_SIGMOID 3
#define OP_SOFTPLUS 4
#define OP_EXP 5
#define OP_LOG 6
#define OP_SQUARE 7
#define OP_SQRT 8
#define OP_NEGATE 9
#define OP_ABS 10
#define OP_SIGN 11
#define OP_STEP 12
#define LEAKY_SLOPE 0.2f

// Defines, for the type T (float16 or float) with name suffix S and the suffix H of its
// stable helpers, one definition of each op for the vector kernels and the scalar ones (the
// fused kernels of layers.cl take unary_backward's derivatives from here):
//  sign_of##S(x): 1 for x > 0, -1 for x < 0, else 0 (zero and NaN), lane by lane;
//  unary_value##S(op, x) = f(x) and unary_derivative##S(op, x) = f'(x) for unary op `op`.
#define UNARY_FUNCTIONS(T, S, H)                                                \
    T sign_of##S(T x) { return x > 0.0f ? (T)1.0f : x < 0.0f ? (T)-1.0f : (T)0.0f; } \
    T unary_value##S(int op, T x) {                                             \
        switch (op) {                                                           \
        case OP_RELU: return fmax(x, 0.0f);                                     \
        case OP_LEAKY_RELU: return x > 0.0f ? x : LEAKY_SLOPE * x;              \
        case OP_TANH: return tanh(x);                                           \
        case OP_SIGMOID: return stable_sigmoid##H(x);                           \
        case OP_SOFTPLUS: return stable_softplus##H(x);                         \
        case OP_EXP: return exp(x);                                             \
        case OP_LOG: return log(x);                                             \
        case OP_SQUARE: return x * x;                                           \
        case OP_SQRT: return sqrt(x);                                           \
        case OP_NEGATE: return -x;                                              \
        case OP_ABS: return fabs(x);                                            \
        case OP_SIGN: return sign_of##S(x);                                     \
        default: return x > 0.0f ? (T)1.0f : (T)0.0f; /* OP_STEP */             \
        }                                                                       \
    }                                                                           \
    T unary_derivative##S(int op, T x) {                                        \
        switch (op) {                                                           \
        case OP_RELU: return x > 0.0f ? (T)1.0f : (T)0.0f;                      \
        case OP_LEAKY_RELU: return x > 0.0f ? (T)1.0f : (T)LEAKY_SLOPE;         \
        case OP_TANH: { T t = tanh(x); return 1.0f - t * t; }                   \
        case OP_SIGMOID: { T s = stable_sigmoid##H(x); return s * (1.0f - s); } \
        case OP_SOFTPLUS: return stable_sigmoid##H(x);                          \
        case OP_EXP: return exp(x);                                             \
        case OP_LOG: return 1.0f / x;                                           \
        case OP_SQUARE: return 2.0f * x;                                        \
        case OP_SQRT: return 1.0f / (2.0f * sqrt(x));                           \
        case OP_NEGATE: return (T)-1.0f;                                        \
        case OP_ABS: return sign_of##S(x);                                      \
        default: return (T)0.0f; /* OP_SIGN, OP_STEP */                         \
        }                                                                       \
    }
UNARY_FUNCTIONS(float16, , 16)
UNARY_FUNCTIONS(float, 1, )

// y[(k / inner) % period] for k = i .. i+15: one vector load when those lanes read 16
// consecutive entries, one broadcast entry when they read a single one, else gathered lane by
// lane (lanes past the end of x read valid entries too).
float16 broadcast16(__global const float *y, int i, int inner, int period) {
    int q = i % inner, j = (i / inner) % period;
    if (inner == 1 && j + 16 <= period) return vload16(0, y + j);
    if (q + 16 <= inner) return (float16)y[j];
    float lanes[16];
    for (int lane = 0; lane < 16; ++lane) {
        lanes[lane] = y[j];
        if (++q == inner) { q = 0; if (++j == period) j = 0; }
    }
    return vload16(0, lanes);
}

// y[i] = op(x[i]); work-item t handles i = 16t .. 16t+15.
__kernel void unary(int op, __global const float *x, __global float *y, int n) {
    int i = 16 * get_global_id(0);
    if (i < n) store16(unary_value(op, load16(x, i, n)), y, i, n);
}

// dx[i] = g[i] * op'(x[i]); work-item t handles i = 16t .. 16t+15.
__kernel void unary_backward(int op, __global const float *x, __global const float *g, __global float *dx, int n) {
    int i = 16 * get_global_id(0);
    if (i < n) store16(load16(g, i, n) * unary_derivative(op, load16(x, i, n)), dx, i, n);
}

// z[i] = x[i] op y[(i / inner) % period] for op in add, subtract, multiply, divide; work-item t
// handles i = 16t .. 16t+15 (y's lanes by broadcast16).
__kernel void binary(int op, __global const float *x, __global const float *y, __global float *z, int n, int inner, int period) {
    int i = 16 * get_global_id(0);
    if (i >= n) return;
    float16 a = load16(x, i, n), b = broadcast16(y, i, inner, period);
    store16(op == 0 ? a + b : op == 1 ? a - b : op == 2 ? a * b : a / b, z, i, n);
}

// y[i] = scale * x[i] + shift; work-item t handles i = 16t .. 16t+15.
__kernel void affine(__global const float *x, __global float *y, int n, float scale, float shift) {
    int i = 16 * get_global_id(0);
    if (i < n) store16(scale * load16(x, i, n) + shift, y, i, n);
}
