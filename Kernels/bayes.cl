// Kernels of Bayes by Backprop and the VAE (needs common.cl and philox.cl).
// Posterior scales are sigma = softplus(rho). The -1/2 log(2 pi) of both Gaussian
// log-densities cancels in log q - log p and is left out.

// w = mu + softplus(rho) eps and eps (kept for backward), eps = randomNormal(n, seed, stream);
// work-item b handles elements 4b .. 4b+3.
__kernel void sample_gaussian(__global const float *mu, __global const float *rho, __global float *w, __global float *eps,
                              int n, ulong seed, ulong stream, ulong first_block) {
    int b = get_global_id(0);
    if (4 * b >= n) return;
    float4 z = philox_normal4(seed, stream, first_block + (ulong)b);
    for (int lane = 0; lane < 4 && 4 * b + lane < n; ++lane) {
        int i = 4 * b + lane;
        float e = lane_of(z, lane);
        eps[i] = e;
        w[i] = mu[i] + stable_softplus(rho[i]) * e;
    }
}

// drho = g eps sigmoid(rho).
__kernel void sample_gaussian_backward(__global const float *rho, __global const float *eps, __global const float *g,
                                       __global float *drho, int n) {
    int i = get_global_id(0);
    if (i < n) drho[i] = g[i] * eps[i] * stable_sigmoid(rho[i]);
}

// Local reparameterization: b = m + sqrt(v + 1e-8) eps, and eps.
__kernel void sample_local(__global const float *mean, __global const float *variance, __global float *out, __global float *eps,
                           int n, ulong seed, ulong stream, ulong first_block) {
    int b = get_global_id(0);
    if (4 * b >= n) return;
    float4 z = philox_normal4(seed, stream, first_block + (ulong)b);
    for (int lane = 0; lane < 4 && 4 * b + lane < n; ++lane) {
        int i = 4 * b + lane;
        float e = lane_of(z, lane);
        eps[i] = e;
        out[i] = mean[i] + sqrt(variance[i] + 1e-8f) * e;
    }
}

// dv = g eps / (2 s) with s = sqrt(v + 1e-8).
__kernel void sample_local_backward(__global const float *variance, __global const float *eps, __global const float *g,
                                    __global float *dv, int n) {
    int i = get_global_id(0);
    if (i < n) dv[i] = g[i] * eps[i] / (2.0f * sqrt(variance[i] + 1e-8f));
}

// terms[i] = log(s / sigma) + (sigma^2 + mu^2) / (2 s^2) - 1/2, summed afterwards.
__kernel void kl_gaussian_terms(__global const float *mu, __global const float *rho, __global float *terms, int n, float s) {
    int i = get_global_id(0);
    if (i >= n) return;
    float sigma = stable_softplus(rho[i]);
    terms[i] = log(s) - log(sigma) + (sigma * sigma + mu[i] * mu[i]) / (2.0f * s * s) - 0.5f;
}

// dmu = g mu / s^2, drho = g (sigma / s^2 - 1 / sigma) sigmoid(rho), g = gout[0].
__kernel void kl_gaussian_backward(__global const float *mu, __global const float *rho, __global const float *gout,
                                   __global float *dmu, __global float *drho, int n, float s) {
    int i = get_global_id(0);
    if (i >= n) return;
    float g = gout[0];
    float sigma = stable_softplus(rho[i]);
    dmu[i] = g * mu[i] / (s * s);
    drho[i] = g * (sigma / (s * s) - 1.0f / sigma) * stable_sigmoid(rho[i]);
}

// log(pi N(w; 0, s1^2) + (1 - pi) N(w; 0, s2^2)) (without -1/2 log 2 pi) by log-sum-exp, so it
// is finite for any finite w and positive scales; *r1, *r2 receive the responsibilities.
float mixture_log_prior(float w, float pi, float s1, float s2, float *r1, float *r2) {
    float z1 = w / s1, z2 = w / s2;
    float a1 = log(pi) - log(s1) - 0.5f * z1 * z1;
    float a2 = log(1.0f - pi) - log(s2) - 0.5f * z2 * z2;
    float m = fmax(a1, a2);
    float lse = m + log(exp(a1 - m) + exp(a2 - m));
    *r1 = exp(a1 - lse);
    *r2 = exp(a2 - lse);
    return lse;
}

// terms[i] = log N(w; mu, sigma^2) - log p(w) for the scale-mixture prior, summed afterwards.
__kernel void mixture_kl_terms(__global const float *w, __global const float *mu, __global const float *rho, __global float *terms,
                               int n, float pi, float s1, float s2) {
    int i = get_global_id(0);
    if (i >= n) return;
    float sigma = stable_softplus(rho[i]);
    float d = (w[i] - mu[i]) / sigma;
    float r1, r2;
    terms[i] = -log(sigma) - 0.5f * d * d - mixture_log_prior(w[i], pi, s1, s2, &r1, &r2);
}

// With g = gout[0]: dw = g (-(w - mu) / sigma^2 + w (r1 / s1^2 + r2 / s2^2)),
// dmu = g (w - mu) / sigma^2, drho = g ((w - mu)^2 / sigma^3 - 1 / sigma) sigmoid(rho).
__kernel void mixture_kl_backward(__global const float *w, __global const float *mu, __global const float *rho,
                                  __global const float *gout, __global float *dw, __global float *dmu, __global float *drho,
                                  int n, float pi, float s1, float s2) {
    int i = get_global_id(0);
    if (i >= n) return;
    float g = gout[0];
    float sigma = stable_softplus(rho[i]);
    float d = (w[i] - mu[i]) / sigma;
    float r1, r2;
    mixture_log_prior(w[i], pi, s1, s2, &r1, &r2);
    float priorSlope = r1 * (w[i] / s1) / s1 + r2 * (w[i] / s2) / s2;
    dw[i] = g * (-d / sigma + priorSlope);
    dmu[i] = g * d / sigma;
    drho[i] = g * ((d * d - 1.0f) / sigma) * stable_sigmoid(rho[i]);
}

// k[r] = -1/2 sum_d (1 + lv[r, d] - mu[r, d]^2 - e^{lv[r, d]}), one work-item per row.
__kernel void kl_standard_normal(__global const float *mean, __global const float *logVariance, __global float *k, int rows, int cols) {
    int r = get_global_id(0);
    if (r >= rows) return;
    size_t base = (size_t)r * cols;
    float s = 0.0f;
    for (int d = 0; d < cols; ++d) {
        float mu = mean[base + d], lv = logVariance[base + d];
        s += 1.0f + lv - mu * mu - exp(lv);
    }
    k[r] = -0.5f * s;
}

// dmu = g[r] mu, dlv = g[r] (e^lv - 1) / 2, with r = i / cols.
__kernel void kl_standard_normal_backward(__global const float *mean, __global const float *logVariance, __global const float *g,
                                          __global float *dmean, __global float *dlogVariance, int n, int cols) {
    int i = get_global_id(0);
    if (i >= n) return;
    float gr = g[i / cols];
    dmean[i] = gr * mean[i];
    dlogVariance[i] = gr * 0.5f * (exp(logVariance[i]) - 1.0f);
}
