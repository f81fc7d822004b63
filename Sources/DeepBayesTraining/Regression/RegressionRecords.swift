import DeepBayesCore
import DeepBayesData
import DeepBayesModels
import DeepBayesNN
import Foundation

/// A regressor's predictions for the inputs a user gives `deepbayes predict`, one record per
/// input `x`: the predictive `mean`, the `epistemic_variance` (of the sampled means), the
/// `aleatoric_variance` (the mean predicted noise variance; 0 without a noise model) and the
/// `total_variance`, their sum (see `RegressionPrediction`), as JSON lines or CSV.
public enum RegressionRecords {
    /// The CSV header's columns, in order.
    public static let csvColumns = ["x", "mean", "epistemic_variance", "aleatoric_variance", "total_variance"]

    /// The inputs `arguments` give, in order: each argument is a number, or a text file of
    /// numbers separated by white space or commas. `invalidFile` for a file that is not there,
    /// not a regular file, or holds something that is not a finite number (naming it and its
    /// position); `invalidArgument` when there is no input at all.
    public static func inputs(_ arguments: [String]) throws -> [Float] {
        var values: [Float] = []
        for argument in arguments {
            if let value = Float(argument), value.isFinite {
                values.append(value)
                continue
            }
            let text = String(decoding: try IDXFile.contents(of: URL(fileURLWithPath: argument)), as: UTF8.self)
            let tokens = text.split(whereSeparator: { $0 == "," || $0.isWhitespace })
            guard !tokens.isEmpty else { throw DeepBayesError.invalidFile(path: argument, reason: "holds no number") }
            for (position, token) in tokens.enumerated() {
                guard let value = Float(token), value.isFinite else {
                    throw DeepBayesError.invalidFile(path: argument, reason: "value \(position + 1), '\(token.prefix(40))', is not a finite number")
                }
                values.append(value)
            }
        }
        guard !values.isEmpty else { throw DeepBayesError.invalidArgument(operation: "predict", reason: "no input to predict") }
        return values
    }

    /// `model`'s prediction at every input, `samples` passes each (one for a plain network), in
    /// chunks of `Evaluation.chunkSize` inputs, chunk `k` with noise from `seed + k`.
    /// - Throws: `DeepBayesError.diverged` naming `source` if a prediction is NaN or infinite.
    public static func predict(_ model: RegressionModel, inputs: [Float], samples: Int, seed: UInt64, on backend: any Backend,
                               source: String) throws -> RegressionPrediction {
        var mean: [Float] = [], epistemic: [Float] = [], aleatoric: [Float] = []
        for (index, range) in Evaluation.chunks(inputs.count).enumerated() {
            let tensor = try backend.tensor(Array(inputs[range]), shape: [range.count, 1])
            let part = try model.predict(inputs: tensor, samples: samples, seed: seed &+ UInt64(index)).moments
            mean += part.mean
            epistemic += part.epistemicVariance
            aleatoric += part.aleatoricVariance
        }
        try ClassificationMetrics.requireFinite(mean + epistemic + aleatoric, source: source)
        return RegressionPrediction(mean: mean, epistemicVariance: epistemic, aleatoricVariance: aleatoric)
    }

    /// The records of `prediction` at `inputs` in `format`, each line ending in a newline.
    public static func text(_ prediction: RegressionPrediction, inputs: [Float], format: PredictionRecords.Format) -> String {
        let total = prediction.totalVariance
        var lines = format == .csv ? [csvColumns.joined(separator: ",")] : []
        for (item, x) in inputs.enumerated() {
            let numbers = [x, prediction.mean[item], prediction.epistemicVariance[item], prediction.aleatoricVariance[item], total[item]]
                .map(PredictionRecords.number)
            switch format {
            case .jsonl: lines.append("{" + zip(csvColumns, numbers).map { "\"\($0)\": \($1)" }.joined(separator: ", ") + "}")
            case .csv: lines.append(numbers.joined(separator: ","))
            }
        }
        return lines.map { $0 + "\n" }.joined()
    }
}
