import DeepBayesCore
import Foundation

/// Scores of a generative model's samples: the MNIST score (the Inception score with an
/// MNIST classifier) from a classifier's probabilities, and the Fréchet distance between two
/// sets of feature vectors (FID when the features come from a fixed network).
/// Pure host code in `Double`.
public enum GenerativeMetrics {
    /// The Inception score computed with an MNIST classifier, from its class probabilities
    /// on generated images (row-major `[N, C]`, each row summing to 1):
    ///
    ///     exp( (1/N) Σ_i KL(p(y|x_i) ‖ p(y)) ),   p(y) = (1/N) Σ_i p(y|x_i),
    ///     KL(p ‖ q) = Σ_c p_c (log p_c - log q_c).
    ///
    /// It lies in [1, C]: 1 when every row is the same, C when the rows are one-hot and spread
    /// evenly over the C classes (confident and diverse). Probabilities below 1e-12 count as
    /// 1e-12 inside the logarithms, so a zero probability adds nothing instead of NaN.
    public static func mnistScore(probabilities: [Float], classes: Int) -> Double {
        precondition(classes > 0 && !probabilities.isEmpty && probabilities.count % classes == 0,
                     "mnistScore: \(probabilities.count) probabilities are not whole rows of \(classes) classes")
        let rows = probabilities.count / classes
        var marginal = [Double](repeating: 0, count: classes)
        for row in 0..<rows {
            for c in 0..<classes { marginal[c] += Double(probabilities[row * classes + c]) }
        }
        let logMarginal = marginal.map { log(max($0 / Double(rows), 1e-12)) }
        var divergence = 0.0
        for row in 0..<rows {
            for c in 0..<classes {
                let p = Double(probabilities[row * classes + c])
                divergence += p * (log(max(p, 1e-12)) - logMarginal[c])
            }
        }
        return exp(divergence / Double(rows))
    }

    /// The Fréchet distance between Gaussians fitted to two sets of feature vectors `a` and
    /// `b` (row-major `[N_a, d]` and `[N_b, d]`):
    ///
    ///     ‖μ_a - μ_b‖² + tr(Σ_a + Σ_b - 2 (Σ_a^{1/2} Σ_b Σ_a^{1/2})^{1/2}),
    ///
    /// with the sample means μ and the unbiased covariances Σ (divided by N - 1). This is the
    /// squared 2-Wasserstein distance between `N(μ_a, Σ_a)` and `N(μ_b, Σ_b)`; FID when the
    /// features come from a fixed network.
    ///
    /// Computed in `Double`: `S = Σ_a^{1/2}` from the eigen-decomposition of `Σ_a` (eigenvalues
    /// below 0 from rounding count as 0), then the eigenvalues λ of `M = S·Σ_b·S`
    /// (symmetrised), and the trace term `tr Σ_a + tr Σ_b - 2 Σ √max(λ, 0)`. The result is
    /// clamped at 0. Its absolute error is about `d·ε·κ·tr(Σ)` for well-conditioned covariances
    /// (ε = 2⁻⁵², κ the condition number); a (near-)singular Σ costs more, as in every FID
    /// implementation, since `√λ` magnifies the rounding in small eigenvalues of M.
    /// Rotating both sets alike, or swapping them, leaves it unchanged up to that error.
    ///
    /// - Throws: `DeepBayesError.invalidArgument` when `d < 1`, when a set's length is not a
    ///   multiple of `d`, or when a set has fewer than 2 rows.
    public static func frechetDistance(_ a: [Float], _ b: [Float], dimension d: Int) throws -> Double {
        let (meanA, covarianceA) = try moments(a, dimension: d, name: "first")
        let (meanB, covarianceB) = try moments(b, dimension: d, name: "second")
        let meanTerm = zip(meanA, meanB).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }

        let (values, vectors) = symmetricEigen(covarianceA, n: d)
        var scaled = vectors
        for k in 0..<d {
            let root = max(values[k], 0).squareRoot()
            for j in 0..<d { scaled[k * d + j] *= root }
        }
        let rootA = transposedProduct(vectors, scaled, n: d)
        var m = product(product(rootA, covarianceB, n: d), rootA, n: d)
        for i in 0..<d {
            for j in (i + 1)..<d {
                let mean = (m[i * d + j] + m[j * d + i]) / 2
                m[i * d + j] = mean
                m[j * d + i] = mean
            }
        }
        let traceOfRoot = symmetricEigenvalues(m, n: d).reduce(0.0) { $0 + max($1, 0).squareRoot() }
        let traces = (0..<d).reduce(0.0) { $0 + covarianceA[$1 * d + $1] + covarianceB[$1 * d + $1] }
        return max(0, meanTerm + traces - 2 * traceOfRoot)
    }

    /// The mean and the unbiased covariance `Σ_r (x_r - μ)(x_r - μ)ᵀ / (N - 1)` of the rows of
    /// `x` (row-major `[N, d]`), in `Double`; `name` says which set in errors.
    private static func moments(_ x: [Float], dimension d: Int, name: String) throws -> (mean: [Double], covariance: [Double]) {
        guard d >= 1 else {
            throw DeepBayesError.invalidArgument(operation: "frechetDistance", reason: "the dimension must be at least 1, got \(d)")
        }
        guard x.count % d == 0 else {
            throw DeepBayesError.invalidArgument(operation: "frechetDistance",
                                                 reason: "the \(name) set's \(x.count) values are not whole rows of \(d)")
        }
        let rows = x.count / d
        guard rows >= 2 else {
            throw DeepBayesError.invalidArgument(operation: "frechetDistance",
                                                 reason: "the \(name) set needs at least 2 rows for a covariance, got \(rows)")
        }
        var mean = [Double](repeating: 0, count: d)
        for row in 0..<rows {
            for j in 0..<d { mean[j] += Double(x[row * d + j]) }
        }
        for j in 0..<d { mean[j] /= Double(rows) }

        // Rank-4 updates of the upper triangle: four centred rows per pass over Σ. A short
        // last block is padded with zero rows, which add nothing.
        let block = 4
        var covariance = [Double](repeating: 0, count: d * d)
        var centred = [Double](repeating: 0, count: block * d)
        x.withUnsafeBufferPointer { x in
            covariance.withUnsafeMutableBufferPointer { sigma in
                centred.withUnsafeMutableBufferPointer { z in
                    for start in stride(from: 0, to: rows, by: block) {
                        for k in 0..<block {
                            for j in 0..<d { z[k * d + j] = start + k < rows ? Double(x[(start + k) * d + j]) - mean[j] : 0 }
                        }
                        for i in 0..<d {
                            let z0 = z[i], z1 = z[d + i], z2 = z[2 * d + i], z3 = z[3 * d + i]
                            for j in i..<d {
                                sigma[i * d + j] += z0 * z[j] + z1 * z[d + j] + z2 * z[2 * d + j] + z3 * z[3 * d + j]
                            }
                        }
                    }
                }
            }
        }
        let scale = 1 / Double(rows - 1)
        for i in 0..<d {
            for j in i..<d {
                covariance[i * d + j] *= scale
                covariance[j * d + i] = covariance[i * d + j]
            }
        }
        return (mean, covariance)
    }

    /// `X·Y` for row-major `n × n` matrices.
    private static func product(_ x: [Double], _ y: [Double], n: Int) -> [Double] {
        var out = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for k in 0..<n {
                let xik = x[i * n + k]
                for j in 0..<n { out[i * n + j] += xik * y[k * n + j] }
            }
        }
        return out
    }

    /// `Xᵀ·Y` for row-major `n × n` matrices.
    private static func transposedProduct(_ x: [Double], _ y: [Double], n: Int) -> [Double] {
        var out = [Double](repeating: 0, count: n * n)
        for k in 0..<n {
            for i in 0..<n {
                let xki = x[k * n + i]
                for j in 0..<n { out[i * n + j] += xki * y[k * n + j] }
            }
        }
        return out
    }
}
