// Fused optimizer updates (needs common.cl); parameter and state buffers change in place.
// Work-item t updates elements 16t .. 16t+15 (those < n) as float16 vectors.

// SGD with momentum: v <- m v + (g + wd p), p <- p - lr v.
__kernel void sgd_step(__global float *p, __global const float *g, __global float *v, int n,
                       float lr, float momentum, float weightDecay) {
    int i = 16 * get_global_id(0);
    if (i >= n) return;
    float16 param = load16(p, i, n);
    float16 velocity = momentum * load16(v, i, n) + (load16(g, i, n) + weightDecay * param);
    store16(velocity, v, i, n);
    store16(param - lr * velocity, p, i, n);
}

// Adam with g' = g + wd p: m <- b1 m + (1 - b1) g', v <- b2 v + (1 - b2) g'^2,
// p <- p - lr (m / c1) / (sqrt(v / c2) + eps), with bias corrections c1, c2 from the host.
__kernel void adam_step(__global float *p, __global const float *g, __global float *m, __global float *v, int n,
                        float lr, float beta1, float beta2, float eps, float weightDecay, float c1, float c2) {
    int i = 16 * get_global_id(0);
    if (i >= n) return;
    float16 param = load16(p, i, n);
    float16 grad = load16(g, i, n) + weightDecay * param;
    float16 first = beta1 * load16(m, i, n) + (1.0f - beta1) * grad;
    float16 second = beta2 * load16(v, i, n) + (1.0f - beta2) * grad * grad;
    store16(first, m, i, n);
    store16(second, v, i, n);
    store16(param - lr * (first / c1) / (sqrt(second / c2) + eps), p, i, n);
}

// One step of a moving average: a <- a + w (p - a).
__kernel void moving_average_step(__global float *a, __global const float *p, int n, float w) {
    int i = 16 * get_global_id(0);
    if (i >= n) return;
    float16 average = load16(a, i, n);
    store16(average + w * (load16(p, i, n) - average), a, i, n);
}
