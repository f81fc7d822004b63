// Fused optimizer updates (needs common.cl); parameter and state buffers change in place.

// SGD with momentum: v <- m v + (g + wd p), p <- p - lr v.
__kernel void sgd_step(__global float *p, __global const float *g, __global float *v, int n,
                       float lr, float momentum, float weightDecay) {
    int i = get_global_id(0);
    if (i >= n) return;
    float velocity = momentum * v[i] + (g[i] + weightDecay * p[i]);
    v[i] = velocity;
    p[i] = p[i] - lr * velocity;
}

// Adam with g' = g + wd p: m <- b1 m + (1 - b1) g', v <- b2 v + (1 - b2) g'^2,
// p <- p - lr (m / c1) / (sqrt(v / c2) + eps), with bias corrections c1, c2 from the host.
__kernel void adam_step(__global float *p, __global const float *g, __global float *m, __global float *v, int n,
                        float lr, float beta1, float beta2, float eps, float weightDecay, float c1, float c2) {
    int i = get_global_id(0);
    if (i >= n) return;
    float grad = g[i] + weightDecay * p[i];
    float first = beta1 * m[i] + (1.0f - beta1) * grad;
    float second = beta2 * v[i] + (1.0f - beta2) * grad * grad;
    m[i] = first;
    v[i] = second;
    p[i] = p[i] - lr * (first / c1) / (sqrt(second / c2) + eps);
}
