// Kernels of Bayes by Backprop and the VAE (needs common.cl and philox.cl).
// Posterior scales are sigma = softplus(rho). The -1/2 log(2 pi) of both Gaussian
// log-densities cancels in log q - log p and is left out.

// Kernels over the elements of the weights (all but the two kl_standard_normal ones) give
// work-item t the elements 16t .. 16t+15; the sampling ones draw them from the Philox blocks
// first_block + 4t .. first_block + 4t + 3 (eps = randomNormal).

// w = mu + softplus(rho) eps and eps (kept for backward).
__kernel void sample_gaussian(__global const float *mu, __global const float *rho, __global float *w, __global float *eps,
                              int n, ulong seed, ulong stream, ulong first_block) {
    int t = get_global_id(0), i = 16 * t;
    if (i >= n) return;
    float16 e = philox_normal16(seed, stream, first_block + 4 * (ulong)t);
    store16(e, eps, i, n);
    store16(load16(mu, i, n) + stable_softplus16(load16(rho, i, n)) * e, w, i, n);
}

// drho = g eps sigmoid(rho).
__kernel void sample_gaussian_backward(__global const float *rho, __global const float *eps, __global const float *g,
                                       __global float *drho, int n) {
    int i = 16 * get_global_id(0);
    if (i < n) store16(load16(g, i, n) * load16(eps, i, n) * stable_sigmoid16(load16(rho, i, n)), drho, i, n);
}

// Local reparameterization: b = m + sqrt(v + 1e-8) eps, and eps.
__kernel void sample_local(__global const float *mean, __global const float *variance, __global float *out, __global float *eps,
                           int n, ulong seed, ulong stream, ulong first_block) {
    int t = get_global_id(0), i = 16 * t;
    if (i >= n) return;
    float16 e = philox_normal16(seed, stream, first_block + 4 * (ulong)t);
    store16(e, eps, i, n);
    store16(load16(mean, i, n) + sqrt(load16(variance, i, n) + 1e-8f) * e, out, i, n);
}

// dv = g eps / (2 s) with s = sqrt(v + 1e-8).
__kernel void sample_local_backward(__global const float *variance, __global const float *eps, __global const float *g,
                                    __global float *dv, int n) {
    int i = 16 * get_global_id(0);
    if (i < n) store16(load16(g, i, n) * load16(eps, i, n) / (2.0f * sqrt(load16(variance, i, n) + 1e-8f)), dv, i, n);
}

// KL(N(m, sigma^2) || N(0, s^2)) = log(s / sigma) + (sigma^2 + m^2) / (2 s^2) - 1/2, per element.
float16 gaussian_kl_term16(float16 m, float16 sigma, float s) {
    return log(s) - log(sigma) + (sigma * sigma + m * m) / (2.0f * s * s) - 0.5f;
}

// terms[i] = gaussian_kl_term16 of element i, summed afterwards.
__kernel void kl_gaussian_terms(__global const float *mu, __global const float *rho, __global float *terms, int n, float s) {
    int i = 16 * get_global_id(0);
    if (i >= n) return;
    store16(gaussian_kl_term16(load16(mu, i, n), stable_softplus16(load16(rho, i, n)), s), terms, i, n);
}

// dmu = g mu / s^2, drho = g (sigma / s^2 - 1 / sigma) sigmoid(rho), g = gout[0].
__kernel void kl_gaussian_backward(__global const float *mu, __global const float *rho, __global const float *gout,
                                   __global float *dmu, __global float *drho, int n, float s) {
    int i = 16 * get_global_id(0);
    if (i >= n) return;
    float g = gout[0];
    float16 r = load16(rho, i, n), sigma = stable_softplus16(r);
    store16(g * load16(mu, i, n) / (s * s), dmu, i, n);
    store16(g * (sigma / (s * s) - 1.0f / sigma) * stable_sigmoid16(r), drho, i, n);
}

// log(pi N(w; 0, s1^2) + (1 - pi) N(w; 0, s2^2)) (without -1/2 log 2 pi) by log-sum-exp, so it
// is finite for any finite w and positive scales; *r1, *r2 receive the responsibilities.
float16 mixture_log_prior(float16 w, float pi, float s1, float s2, float16 *r1, float16 *r2) {
    float16 z1 = w / s1, z2 = w / s2;
    float16 a1 = log(pi) - log(s1) - 0.5f * z1 * z1;
    float16 a2 = log(1.0f - pi) - log(s2) - 0.5f * z2 * z2;
    float16 m = fmax(a1, a2);
    float16 lse = m + log(exp(a1 - m) + exp(a2 - m));
    *r1 = exp(a1 - lse);
    *r2 = exp(a2 - lse);
    return lse;
}

// log N(w; m, sigma^2) - log p(w) for the scale-mixture prior, per element.
float16 mixture_kl_term16(float16 w, float16 m, float16 sigma, float pi, float s1, float s2) {
    float16 d = (w - m) / sigma;
    float16 r1, r2;
    return -log(sigma) - 0.5f * d * d - mixture_log_prior(w, pi, s1, s2, &r1, &r2);
}

// d/dw of -log p(w): w (r1 / s1^2 + r2 / s2^2) with the responsibilities at w.
float16 mixture_prior_slope16(float16 w, float pi, float s1, float s2) {
    float16 r1, r2;
    mixture_log_prior(w, pi, s1, s2, &r1, &r2);
    return r1 * (w / s1) / s1 + r2 * (w / s2) / s2;
}

// terms[i] = mixture_kl_term16 of element i, summed afterwards.
__kernel void mixture_kl_terms(__global const float *w, __global const float *mu, __global const float *rho, __global float *terms,
                               int n, float pi, float s1, float s2) {
    int i = 16 * get_global_id(0);
    if (i >= n) return;
    store16(mixture_kl_term16(load16(w, i, n), load16(mu, i, n), stable_softplus16(load16(rho, i, n)), pi, s1, s2), terms, i, n);
}

// With g = gout[0]: dw = g (-(w - mu) / sigma^2 + w (r1 / s1^2 + r2 / s2^2)),
// dmu = g (w - mu) / sigma^2, drho = g ((w - mu)^2 / sigma^3 - 1 / sigma) sigmoid(rho).
__kernel void mixture_kl_backward(__global const float *w, __global const float *mu, __global const float *rho,
                                  __global const float *gout, __global float *dw, __global float *dmu, __global float *drho,
                                  int n, float pi, float s1, float s2) {
    int i = 16 * get_global_id(0);
    if (i >= n) return;
    float g = gout[0];
    float16 wv = load16(w, i, n), r = load16(rho, i, n), sigma = stable_softplus16(r);
    float16 d = (wv - load16(mu, i, n)) / sigma;
    store16(g * (-d / sigma + mixture_prior_slope16(wv, pi, s1, s2)), dw, i, n);
    store16(g * d / sigma, dmu, i, n);
    store16(g * ((d * d - 1.0f) / sigma) * stable_sigmoid16(r), drho, i, n);
}

// sampleWithKL for the prior N(0, s^2): sample_gaussian's w and eps with kl_gaussian_terms'
// terms (summed afterwards).
__kernel void sample_with_kl_gaussian(__global const float *mu, __global const float *rho, __global float *w, __global float *eps,
                                      __global float *terms, int n, ulong seed, ulong stream, ulong first_block, float s) {
    int t = get_global_id(0), i = 16 * t;
    if (i >= n) return;
    float16 e = philox_normal16(seed, stream, first_block + 4 * (ulong)t);
    float16 m = load16(mu, i, n), sigma = stable_softplus16(load16(rho, i, n));
    store16(e, eps, i, n);
    store16(m + sigma * e, w, i, n);
    store16(gaussian_kl_term16(m, sigma, s), terms, i, n);
}

// sampleWithKL for the scale-mixture prior: sample_gaussian's w and eps with mixture_kl_terms'
// terms at this w (summed afterwards).
__kernel void sample_with_kl_mixture(__global const float *mu, __global const float *rho, __global float *w, __global float *eps,
                                     __global float *terms, int n, ulong seed, ulong stream, ulong first_block,
                                     float pi, float s1, float s2) {
    int t = get_global_id(0), i = 16 * t;
    if (i >= n) return;
    float16 e = philox_normal16(seed, stream, first_block + 4 * (ulong)t);
    float16 m = load16(mu, i, n), sigma = stable_softplus16(load16(rho, i, n));
    float16 wv = m + sigma * e;
    store16(e, eps, i, n);
    store16(wv, w, i, n);
    store16(mixture_kl_term16(wv, m, sigma, pi, s1, s2), terms, i, n);
}

// Gradients of <gw, w> + g kl for the prior N(0, s^2), g = gout[0]:
// dmu = g mu / s^2 + gw, drho = g (sigma / s^2 - 1 / sigma) sigmoid(rho) + gw eps sigmoid(rho).
__kernel void sample_with_kl_gaussian_backward(__global const float *mu, __global const float *rho, __global const float *eps,
                                               __global const float *gw, __global const float *gout,
                                               __global float *dmu, __global float *drho, int n, float s) {
    int i = 16 * get_global_id(0);
    if (i >= n) return;
    float g = gout[0];
    float16 r = load16(rho, i, n), sigma = stable_softplus16(r), slope = stable_sigmoid16(r), gwv = load16(gw, i, n);
    store16(g * load16(mu, i, n) / (s * s) + gwv, dmu, i, n);
    store16(g * (sigma / (s * s) - 1.0f / sigma) * slope + gwv * load16(eps, i, n) * slope, drho, i, n);
}

// Gradients of <gw, w> + g kl for the scale-mixture prior, g = gout[0], at w = mu + sigma eps
// recomputed as sample_with_kl_mixture computes it. log q(w) = -log sigma - eps^2 / 2 does not
// depend on mu and has d/drho = -sigmoid(rho) / sigma, so with the prior's responsibilities:
// dw = g w (r1 / s1^2 + r2 / s2^2) + gw, dmu = dw, drho = -g sigmoid(rho) / sigma + dw eps sigmoid(rho).
__kernel void sample_with_kl_mixture_backward(__global const float *mu, __global const float *rho, __global const float *eps,
                                              __global const float *gw, __global const float *gout,
                                              __global float *dmu, __global float *drho, int n, float pi, float s1, float s2) {
    int i = 16 * get_global_id(0);
    if (i >= n) return;
    float g = gout[0];
    float16 r = load16(rho, i, n), sigma = stable_softplus16(r), slope = stable_sigmoid16(r), e = load16(eps, i, n);
    float16 dw = g * mixture_prior_slope16(load16(mu, i, n) + sigma * e, pi, s1, s2) + load16(gw, i, n);
    store16(dw, dmu, i, n);
    store16(-g / sigma * slope + dw * e * slope, drho, i, n);
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
