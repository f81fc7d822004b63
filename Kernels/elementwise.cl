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
#define LEAKY_SLOPE 0.2f

// f(x) for unary op `op`.
float unary_value(int op, float x) {
    switch (op) {
    case OP_RELU: return fmax(x, 0.0f);
    case OP_LEAKY_RELU: return x > 0.0f ? x : LEAKY_SLOPE * x;
    case OP_TANH: return tanh(x);
    case OP_SIGMOID: return stable_sigmoid(x);
    case OP_SOFTPLUS: return stable_softplus(x);
    case OP_EXP: return exp(x);
    case OP_LOG: return log(x);
    case OP_SQUARE: return x * x;
    case OP_SQRT: return sqrt(x);
    default: return -x;
    }
}

// f'(x) for unary op `op`.
float unary_derivative(int op, float x) {
    switch (op) {
    case OP_RELU: return x > 0.0f ? 1.0f : 0.0f;
    case OP_LEAKY_RELU: return x > 0.0f ? 1.0f : LEAKY_SLOPE;
    case OP_TANH: { float t = tanh(x); return 1.0f - t * t; }
    case OP_SIGMOID: { float s = stable_sigmoid(x); return s * (1.0f - s); }
    case OP_SOFTPLUS: return stable_sigmoid(x);
    case OP_EXP: return exp(x);
    case OP_LOG: return 1.0f / x;
    case OP_SQUARE: return 2.0f * x;
    case OP_SQRT: return 1.0f / (2.0f * sqrt(x));
    default: return -1.0f;
    }
}

// y[i] = op(x[i]).
__kernel void unary(int op, __global const float *x, __global float *y, int n) {
    int i = get_global_id(0);
    if (i < n) y[i] = unary_value(op, x[i]);
}

// dx[i] = g[i] * op'(x[i]).
__kernel void unary_backward(int op, __global const float *x, __global const float *g, __global float *dx, int n) {
    int i = get_global_id(0);
    if (i < n) dx[i] = g[i] * unary_derivative(op, x[i]);
}

// z[i] = x[i] op y[(i / inner) % period] for op in add, subtract, multiply, divide.
__kernel void binary(int op, __global const float *x, __global const float *y, __global float *z, int n, int inner, int period) {
    int i = get_global_id(0);
    if (i >= n) return;
    float a = x[i], b = y[(i / inner) % period];
    z[i] = op == 0 ? a + b : op == 1 ? a - b : op == 2 ? a * b : a / b;
}

// y[i] = scale * x[i] + shift.
__kernel void affine(__global const float *x, __global float *y, int n, float scale, float shift) {
    int i = get_global_id(0);
    if (i < n) y[i] = scale * x[i] + shift;
}
