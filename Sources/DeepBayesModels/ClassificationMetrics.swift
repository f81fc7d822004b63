import DeepBayesCore
import Foundation

/// Scores of a probabilistic classifier on labelled data, from its predicted class
/// probabilities (row-major `[N, C]`) and the true labels.
///
/// Non-finite inputs (NaN or infinity, what a model whose weights have diverged predicts) never
/// trap: every metric then returns NaN, as its documentation states, and `requireFinite` is the
/// typed error a caller that can fail throws instead (`DeepBayesError.diverged`). An empty input
/// (no rows, or no positives or negatives) also gives NaN: 0/0.
public enum ClassificationMetrics {
    /// What `requireFinite` and the CLI report when a model's predictions are NaN or infinite.
    public static let nonFinitePredictions = "the model's predictions are not finite (NaN or infinity)"

    /// Throws `DeepBayesError.diverged(source:, finding: nonFinitePredictions)` unless every
    /// value is finite; `source` names the checkpoint or run the values come from.
    public static func requireFinite(_ values: [Float], source: String) throws {
        guard values.allSatisfy(\.isFinite) else {
            throw DeepBayesError.diverged(source: source, finding: nonFinitePredictions)
        }
    }

    /// The fraction of rows whose most probable class is not the label; NaN if any
    /// probability is not finite (the most probable class is then undefined).
    public static func errorRate(probabilities: [Float], labels: [Int], classes: Int) -> Double {
        guard probabilities.allSatisfy(\.isFinite) else { return .nan }
        let wrong = labels.indices.filter { argmax(probabilities, row: $0, classes: classes) != labels[$0] }.count
        return Double(wrong) / Double(labels.count)
    }

    /// The mean negative log-probability of the true class, in nats (probabilities below
    /// 1e-12 count as 1e-12, so one confident mistake cannot make it infinite); NaN if any
    /// probability is not finite.
    public static func negativeLogLikelihood(probabilities: [Float], labels: [Int], classes: Int) -> Double {
        guard probabilities.allSatisfy(\.isFinite) else { return .nan }
        let total = labels.indices.reduce(0.0) { sum, row in
            sum - log(max(Double(probabilities[row * classes + labels[row]]), 1e-12))
        }
        return total / Double(labels.count)
    }

    /// The number of confidence bins of `expectedCalibrationError` and of the reliability
    /// diagram (Guo et al. 2017 use 15).
    public static let calibrationBins = 15

    /// One confidence bin of a reliability diagram: the rows whose confidence (top probability)
    /// falls in `[lower, upper)` (the last bin also holds 1), how many there are, their mean
    /// confidence and the fraction of them whose most probable class is the label (NaN when
    /// the bin is empty).
    public struct ReliabilityBin: Equatable, Sendable {
        /// The bin's confidence range, `[lower, upper)`.
        public let lower: Double, upper: Double
        /// The rows in the bin, `n_b`.
        public let count: Int
        /// Their mean top probability, `confidence_b`.
        public let confidence: Double
        /// The fraction of them classified right, `accuracy_b`.
        public let accuracy: Double
    }

    /// The rows binned by confidence (the top probability) into `bins` equal-width bins of
    /// [0, 1]; a finite confidence outside [0, 1] falls into the first or the last bin. Empty
    /// (no bins) if any probability is not finite or `bins` is not positive.
    public static func reliabilityBins(probabilities: [Float], labels: [Int], classes: Int, bins: Int = calibrationBins) -> [ReliabilityBin] {
        guard bins > 0, probabilities.allSatisfy(\.isFinite) else { return [] }
        var count = [Int](repeating: 0, count: bins), correct = [Int](repeating: 0, count: bins)
        var confidence = [Double](repeating: 0, count: bins)
        for row in labels.indices {
            let predicted = argmax(probabilities, row: row, classes: classes)
            let top = Double(probabilities[row * classes + predicted])
            // Clamped as a Double first, so the conversion to Int is always in range.
            let bin = Int(min(Double(bins - 1), max(0, (top * Double(bins)).rounded(.down))))
            count[bin] += 1
            confidence[bin] += top
            if predicted == labels[row] { correct[bin] += 1 }
        }
        return (0..<bins).map { b in
            let n = Double(count[b])
            return ReliabilityBin(lower: Double(b) / Double(bins), upper: Double(b + 1) / Double(bins), count: count[b],
                                  confidence: count[b] > 0 ? confidence[b] / n : .nan, accuracy: count[b] > 0 ? Double(correct[b]) / n : .nan)
        }
    }

    /// Expected calibration error (Guo et al. 2017): rows binned by confidence as
    /// `reliabilityBins` bins them; `Σ_b (n_b / N)·|accuracy_b - confidence_b|` over the
    /// non-empty bins. NaN if any probability is not finite or `bins` is not positive.
    public static func expectedCalibrationError(probabilities: [Float], labels: [Int], classes: Int, bins: Int = calibrationBins) -> Double {
        let binned = reliabilityBins(probabilities: probabilities, labels: labels, classes: classes, bins: bins)
        guard !binned.isEmpty else { return .nan }
        return binned.reduce(0.0) { sum, bin in
            bin.count > 0 ? sum + Double(bin.count) / Double(labels.count) * abs(bin.accuracy - bin.confidence) : sum
        }
    }

    /// The area under the ROC curve for telling `positives` from `negatives` by a score
    /// (higher means positive): the probability that a random positive outscores a random
    /// negative, ties counting one half (the Mann–Whitney statistic, by average ranks). NaN if
    /// any score is not finite (NaN has no rank) or either set is empty.
    public static func areaUnderROC(positives: [Float], negatives: [Float]) -> Double {
        guard positives.allSatisfy(\.isFinite), negatives.allSatisfy(\.isFinite) else { return .nan }
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

    /// The index of the largest probability in `row` (the first on ties; NaN never wins, and a
    /// row of NaN gives 0).
    public static func argmax(_ probabilities: [Float], row: Int, classes: Int) -> Int {
        var best = 0
        for c in 0..<classes {
            let value = probabilities[row * classes + c], current = probabilities[row * classes + best]
            if value > current || (current.isNaN && !value.isNaN) { best = c }
        }
        return best
    }
}
