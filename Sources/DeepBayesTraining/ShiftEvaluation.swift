import DeepBayesCore
import DeepBayesData
import DeepBayesModels
import DeepBayesNN
import Foundation

/// Which kind of uncertainty answers which kind of shift (Kendall and Gal 2017): a classifier's
/// predictions on the clean test images against those on the same images corrupted
/// (`corruptions`: heavy noise, heavy blur; the data are ambiguous, so the aleatoric part should
/// rise) and on Fashion-MNIST (inputs unlike any trained on, so the epistemic part should rise).
///
/// For each shift: the test error where the labels still hold (the corrupted digits), the mean
/// aleatoric part (expected entropy `(1/T) Σ_t H[p_t]`, nats), the mean epistemic part (mutual
/// information `H[p̄] − (1/T) Σ_t H[p_t]`), their ratios to the clean images', and the AUROC
/// with which each part tells the shifted images (positive) from the clean ones; for a model
/// that learns its logit variance also the mean of that variance and its AUROC: Kendall and
/// Gal's own aleatoric measure, which unlike the expected entropy does not also rise because
/// the logits themselves are unsure.
public enum ShiftEvaluation {
    /// The corruptions of the test images: additive noise of std 0.5 (pixels in [0, 1]) and a
    /// Gaussian blur of 2 pixels.
    public static let corruptions: [ImageCorruption] = [.noise(std: 0.5), .blur(sigma: 2)]
    /// The corruption pass of the shifted test sets (training steps use the others).
    static let testPass: UInt64 = 1 << 39

    /// One shift's figures.
    public struct Row: Sendable {
        /// `noise 0.5`, `blur 2.0`, `fashion-mnist`, or `clean`.
        public let shift: String
        /// The error rate on the shifted images (nil for Fashion-MNIST, whose labels are not digits).
        public let error: Double?
        public let meanAleatoric: Double, meanEpistemic: Double
        /// AUROCs against the clean images (0.5 for the clean row itself).
        public let aleatoricAUROC: Double, epistemicAUROC: Double
        /// The mean logit variance `e^λ` (Kendall and Gal's aleatoric measure) and its AUROC, for
        /// models that learn it.
        public let meanLogitVariance: Double?, logitVarianceAUROC: Double?
    }

    /// The clean row first, then one per corruption of `test`, then the out-of-distribution set
    /// (Fashion-MNIST), whose predictions `evaluated` (`Evaluation.classifier` of `test`, with
    /// the same samples and seed) already holds.
    public static func run(_ model: ClassifierModel, test: Dataset, evaluated: ClassifierEvaluation, samples: Int, seed: UInt64,
                           on backend: any Backend) throws -> [Row] {
        guard let outOfDistribution = evaluated.outOfDistribution else {
            throw DeepBayesError.invalidArgument(operation: "shift evaluation", reason: "needs the predictions of an out-of-distribution set")
        }
        let clean = evaluated.test, labels = evaluated.labels
        func row(_ shift: String, _ prediction: ClassifierPrediction, labelled: Bool) -> Row {
            Row(shift: shift,
                error: labelled ? ClassificationMetrics.errorRate(probabilities: prediction.meanProbabilities, labels: labels,
                                                                  classes: prediction.classes) : nil,
                meanAleatoric: mean(prediction.expectedEntropy), meanEpistemic: mean(prediction.mutualInformation),
                aleatoricAUROC: ClassificationMetrics.areaUnderROC(positives: prediction.expectedEntropy, negatives: clean.expectedEntropy),
                epistemicAUROC: ClassificationMetrics.areaUnderROC(positives: prediction.mutualInformation, negatives: clean.mutualInformation),
                meanLogitVariance: prediction.logitVariance.map(mean),
                logitVarianceAUROC: prediction.logitVariance.flatMap { shifted in
                    clean.logitVariance.map { ClassificationMetrics.areaUnderROC(positives: shifted, negatives: $0) }
                })
        }
        var rows = [row("clean", clean, labelled: true)]
        for corruption in corruptions {
            let shifted = try corruption.applied(to: test, seed: seed, pass: testPass)
            rows.append(row(corruption.description, try Evaluation.predict(model, shifted, samples: samples, seed: seed, on: backend), labelled: true))
        }
        rows.append(row("fashion-mnist", outOfDistribution, labelled: false))
        return rows
    }

    /// The rows as flat metrics: `clean_aleatoric`, `noise_0.5_epistemic_auroc`, … (spaces as `_`).
    public static func metrics(_ rows: [Row]) -> [(String, Double)] {
        rows.flatMap { row -> [(String, Double)] in
            let key = row.shift.replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
            var fields: [(String, Double)] = row.error.map { [("\(key)_error", $0)] } ?? []
            fields += [("\(key)_aleatoric", row.meanAleatoric), ("\(key)_epistemic", row.meanEpistemic)]
            if let variance = row.meanLogitVariance { fields.append(("\(key)_logit_variance", variance)) }
            if row.shift != "clean" {
                fields += [("\(key)_aleatoric_auroc", row.aleatoricAUROC), ("\(key)_epistemic_auroc", row.epistemicAUROC)]
                if let variance = row.logitVarianceAUROC { fields.append(("\(key)_logit_variance_auroc", variance)) }
            }
            return fields
        }
    }

    private static func mean(_ values: [Float]) -> Double {
        values.isEmpty ? 0 : values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
    }
}
