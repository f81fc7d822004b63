import Foundation

/// Scores of a probabilistic classifier on labelled data, from its predicted class
/// probabilities (row-major `[N, C]`) and the true labels.
public enum ClassificationMetrics {
    /// The fraction of rows whose most probable class is not the label.
    public static func errorRate(probabilities: [Float], labels: [Int], classes: Int) -> Double {
        let wrong = labels.indices.filter { argmax(probabilities, row: $0, classes: classes) != labels[$0] }.count
        return Double(wrong) / Double(labels.count)
    }

    /// The mean negative log-probability of the true class, in nats (probabilities below
    /// 1e-12 count as 1e-12, so one confident mistake cannot make it infinite).
    public static func negativeLogLikelihood(probabilities: [Float], labels: [Int], classes: Int) -> Double {
        let total = labels.indices.reduce(0.0) { sum, row in
            sum - log(max(Double(probabilities[row * classes + labels[row]]), 1e-12))
        }
        return total / Double(labels.count)
    }

    /// Expected calibration error (Guo et al. 2017): rows binned by confidence (the top
    /// probability) into `bins` equal-width bins of [0, 1]; `Σ_b (n_b / N)·|accuracy_b - confidence_b|`.
    public static func expectedCalibrationError(probabilities: [Float], labels: [Int], classes: Int, bins: Int = 15) -> Double {
        var count = [Int](repeating: 0, count: bins), correct = [Int](repeating: 0, count: bins)
        var confidence = [Double](repeating: 0, count: bins)
        for row in labels.indices {
            let predicted = argmax(probabilities, row: row, classes: classes)
            let top = Double(probabilities[row * classes + predicted])
            let bin = min(bins - 1, max(0, Int(top * Double(bins))))
            count[bin] += 1
            confidence[bin] += top
            if predicted == labels[row] { correct[bin] += 1 }
        }
        return (0..<bins).reduce(0.0) { sum, b in
            guard count[b] > 0 else { return sum }
            let n = Double(count[b])
            return sum + n / Double(labels.count) * abs(Double(correct[b]) / n - confidence[b] / n)
        }
    }

    /// The area under the ROC curve for telling `positives` from `negatives` by a score
    /// (higher means positive): the probability that a random positive outscores a random
    /// negative, ties counting one half (the Mann–Whitney statistic, by average ranks).
    public static func areaUnderROC(positives: [Float], negatives: [Float]) -> Double {
        let scored = (positives.map { ($0, true) } + negatives.map { ($0, false) }).sorted { $0.0 < $1.0 }
        var positiveRankSum = 0.0, start = 0
        while start < scored.count {
            var end = start
            while end + 1 < scored.count, scored[end + 1].0 == scored[start].0 { end += 1 }
            let averageRank = Double(start + end) / 2 + 1
            positiveRankSum += averageRank * Double(scored[start...end].filter(\.1).count)
            start = end + 1
        }
        let p = Double(positives.count), n = Double(negatives.count)
        return (positiveRankSum - p * (p + 1) / 2) / (p * n)
    }

    /// The index of the largest probability in `row`.
    public static func argmax(_ probabilities: [Float], row: Int, classes: Int) -> Int {
        var best = 0
        for c in 1..<classes where probabilities[row * classes + c] > probabilities[row * classes + best] { best = c }
        return best
    }
}
