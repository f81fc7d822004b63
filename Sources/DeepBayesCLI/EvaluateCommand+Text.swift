import ArgumentParser
import DeepBayesBackends
import DeepBayesData
import DeepBayesFiles
import DeepBayesTraining
import Foundation

/// `deepbayes evaluate` of a character language model's checkpoint.
extension EvaluateCommand {
    /// Prints the bits per character of the validation and the test part of the model's text
    /// (`LanguageModelEvaluation`, `--samples` runs for a Bayesian or MC dropout model, which
    /// also has the posterior-mean figures `…_bpc_mean`), as one JSON object.
    func evaluateLanguageModel(_ file: SafetensorsFile, on backend: any Backend) throws {
        guard !shifts, testLimit == nil else {
            throw DeepBayesError.invalidArgument(operation: "evaluate", reason: "--shifts and --test-limit are for image models; \(checkpoint) holds a language model")
        }
        let (description, model, _) = try LanguageModelCheckpoint.load(file, path: checkpoint, on: backend)
        let source = DataSource(root: data.map { URL(fileURLWithPath: $0) })
        let corpus = try CharacterCorpus.load(url: source.text(description.corpus))
        guard corpus.vocabulary == (try description.characterVocabulary()) else {
            throw DeepBayesError.invalidFile(path: checkpoint, reason: "the model's vocabulary is not that of the text '\(description.corpus)' in the data folder")
        }
        var metrics: [(String, Double)] = []
        for (name, part) in [("validation", corpus.validation), ("test", corpus.test)] {
            let figures = try LanguageModelEvaluation.bitsPerCharacter(model, on: part, streams: description.batchSize, length: description.bptt,
                                                                       samples: samples, seed: seed, on: backend)
            metrics.append(("\(name)_bpc", figures.predictive))
            if let mean = figures.posteriorMean { metrics.append(("\(name)_bpc_mean", mean)) }
        }
        try Validation.requireFinite(metrics, source: checkpoint)
        print(try MetricsLog.jsonObject([("model", "language_model"), ("cell", description.cell.rawValue), ("variant", description.variant.rawValue),
                                         ("device", backend.name)] + metrics.map { ($0.0, $0.1 as Any) }))
    }
}
