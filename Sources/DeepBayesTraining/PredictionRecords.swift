import DeepBayesCore
import DeepBayesData
import DeepBayesFiles
import DeepBayesModels
import DeepBayesNN
import Foundation

/// A classifier's predictions for user images, one record per image, as JSON lines or CSV.
///
/// Each record holds the image's source (`file`, and `index` inside an IDX file: null in
/// JSON, empty in CSV, for a PNG file), the `predicted` class (the largest mean probability),
/// its `probability`, the `predictive_entropy` H[p̄], the `expected_entropy` (1/T) Σ_t H[p_t]
/// (aleatoric part) and the `mutual_information` H[p̄] − (1/T) Σ_t H[p_t] (epistemic part), all
/// in nats (see `ClassifierPrediction`), for a model that learns it the mean `logit_variance`
/// (Kendall and Gal's aleatoric measure), and the ten mean class `probabilities` (in CSV the
/// columns `p0` … `p9`). Numbers are written in the shortest form that reads back as the same
/// 32-bit float.
public enum PredictionRecords {
    /// The two output formats.
    public enum Format: String, Sendable, CaseIterable {
        /// One JSON object per line.
        case jsonl
        /// A header line, then one comma-separated line per image (RFC 4180 quoting).
        case csv
    }

    /// The CSV header's columns before the probabilities, in order (`logit_variance` only for
    /// a model that learns it).
    public static let csvColumns = ["file", "index", "predicted", "probability", "predictive_entropy", "expected_entropy", "mutual_information"]
    /// The CSV header's probability columns.
    public static let probabilityColumns = (0..<MNISTFamily.classCount).map { "p\($0)" }

    /// `model`'s prediction for every image of `inputs`, `samples` sampled passes each, in
    /// chunks of `Evaluation.chunkSize` images (as `evaluate` predicts).
    /// - Throws: `DeepBayesError.diverged` naming `source` (the checkpoint) if a prediction is
    ///   NaN or infinite; the backend's errors.
    public static func predict(_ model: ClassifierModel, inputs: ImageInputs, samples: Int, seed: UInt64,
                               on backend: any Backend, source: String) throws -> ClassifierPrediction {
        let prediction = try Evaluation.predict(model, inputs.images, samples: samples, seed: seed, on: backend)
        try ClassificationMetrics.requireFinite(prediction.meanProbabilities + prediction.predictiveEntropy + prediction.expectedEntropy,
                                                source: source)
        return prediction
    }

    /// The records of `prediction` for `sources` (one per input, in order) in `format`, each
    /// line ending in a newline.
    public static func text(_ prediction: ClassifierPrediction, sources: [ImageSource], format: Format) -> String {
        let named = csvColumns.dropFirst(3) + (prediction.logitVariance == nil ? [] : ["logit_variance"])
        var lines = format == .csv ? [(csvColumns.prefix(3) + named + probabilityColumns).joined(separator: ",")] : []
        for (item, source) in sources.enumerated() {
            let predicted = prediction.predictedClass(item)
            let classes = prediction.classes
            let probabilities = prediction.meanProbabilities[(item * classes)..<((item + 1) * classes)].map(number)
            let numbers = [number(prediction.meanProbabilities[item * classes + predicted]), number(prediction.predictiveEntropy[item]),
                           number(prediction.expectedEntropy[item]), number(prediction.mutualInformation[item])]
                + (prediction.logitVariance.map { [number($0[item])] } ?? [])
            switch format {
            case .jsonl:
                let fields = ["\"file\": \(JSONStringLiteral.quoting(source.file))", "\"index\": \(source.index.map(String.init) ?? "null")",
                              "\"predicted\": \(predicted)"]
                    + zip(named, numbers).map { "\"\($0)\": \($1)" }
                    + ["\"probabilities\": [\(probabilities.joined(separator: ", "))]"]
                lines.append("{" + fields.joined(separator: ", ") + "}")
            case .csv:
                lines.append(([csvField(source.file), source.index.map(String.init) ?? "", String(predicted)] + numbers + probabilities)
                    .joined(separator: ","))
            }
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// The shortest decimal that reads back as `value`.
    static func number(_ value: Float) -> String { "\(value)" }

    /// `text` as a CSV field: quoted, with quotes doubled, when it holds a comma, a quote or a
    /// line break.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
