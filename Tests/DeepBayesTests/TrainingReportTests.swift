import DeepBayesFiles
import DeepBayesModels
import DeepBayesNN
@testable import DeepBayesTraining
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// `report.html` of small fake runs (a `metrics.jsonl` written here, made-up predictions): a
/// well-formed page with every text escaped, the charts of the model's kind, and nothing it
/// would load from elsewhere.
@Suite struct TrainingReportTests {
    /// The lines of a three-epoch run of `kind`, written to a `metrics.jsonl` and read back.
    static func metrics(_ kind: ModelKind, validation: Bool = false, in folder: URL) throws -> MetricsLog.Table {
        let log = MetricsLog(url: folder.appendingPathComponent("metrics.jsonl"))
        for epoch in 1...3 {
            let e = Double(epoch)
            var fields: [(String, Any)] = [("epoch", epoch), ("seconds", 1.5), ("learning_rate", 0.001)]
            switch kind {
            case .bnn:
                fields += [("train_loss", 3 / e + 0.5 / e), ("train_kl", 3 / e), ("train_nll", 0.5 / e)]
            case .mcdropout, .mlp:
                fields += [("train_loss", 0.5 / e)]
            case .vae:
                fields += [("train_loss", 150 - 10 * e), ("test_nelbo", 152 - 10 * e)]
            case .gan:
                fields += [("train_loss", 1.2), ("generator_loss", 0.8 + 0.1 * e), ("mnist_score", 2 * e), ("frechet_distance", 90 / e)]
            }
            if kind.isClassifier {
                let evaluated: [(String, Any)] = [("test_error", 0.1 / e), ("nll", 0.3 / e), ("ece", 0.05 / e), ("ood_auroc", 0.8 + 0.03 * e), ("ood_auroc_mi", 0.85)]
                fields += validation ? evaluated.prefix(3).map { (ModelSelection.validationKey($0.0), $0.1) } : evaluated
            }
            try log.append(fields)
        }
        return try MetricsLog(resuming: log.url, epochs: 3).table
    }

    /// Predictions of `count` images over 10 classes: image `i` puts `confidence(i)` on class
    /// `i mod 10` and spreads the rest evenly, with the entropies of that distribution.
    static func prediction(count: Int, confidence: (Int) -> Float) -> ClassifierPrediction {
        var probabilities: [Float] = [], entropy: [Float] = [], information: [Float] = []
        for image in 0..<count {
            let top = confidence(image), rest = (1 - top) / 9
            let row = (0..<10).map { $0 == image % 10 ? top : rest }
            probabilities += row
            entropy.append(-row.reduce(0) { $0 + ($1 > 0 ? $1 * Foundation.log($1) : 0) })
            information.append(entropy.last! * 0.25)
        }
        return ClassifierPrediction(classes: 10, meanProbabilities: probabilities, predictiveEntropy: entropy,
                                    expectedEntropy: zip(entropy, information).map { $0 - $1 }, mutualInformation: information)
    }

    /// A classifier's evaluation: 60 confident test images (every fourth labelled wrong) and,
    /// unless `validation`, 60 unsure Fashion-MNIST ones.
    static func evaluation(validation: Bool) -> ClassifierEvaluation {
        let test = prediction(count: 60) { 0.55 + 0.0075 * Float($0 % 60) }
        let labels = (0..<60).map { $0 % 4 == 0 ? ($0 + 1) % 10 : $0 % 10 }
        return ClassifierEvaluation(metrics: [], test: test, labels: labels,
                                    outOfDistribution: validation ? nil : prediction(count: 60) { 0.15 + 0.01 * Float($0 % 30) })
    }

    static func report(_ kind: ModelKind, architecture: String = "mlp", validation: Bool = false, pictures: [TrainingReport.Picture] = [],
                       in folder: URL) throws -> String {
        var spec = ModelSpec.defaults(for: kind, architecture: architecture)
        spec.hidden = kind == .vae ? [16] : [16, 16]
        return try TrainingReport(spec: spec, options: [("batch_size", "128"), ("output", "/runs/a<&>\"b'")], device: "cpu", epoch: 3, epochs: 5,
                                  finished: false, validation: validation, metrics: metrics(kind, validation: validation, in: folder),
                                  classifier: kind.isClassifier ? evaluation(validation: validation) : nil, pictures: pictures).html()
    }

    /// Parses `html` as XML: nil when every element is closed and nested, and every entity is
    /// one XML knows; else the parser's complaint.
    static func xmlError(_ html: String) -> String? {
        let parser = XMLParser(data: Data(html.utf8))
        return parser.parse() ? nil : "\(parser.parserError.map { "\($0)" } ?? "unknown") at line \(parser.lineNumber)"
    }

    /// Every `scheme://` address in `html` but the SVG namespace name (an identifier, never loaded).
    static func addresses(_ html: String) throws -> [String] {
        let pattern = try NSRegularExpression(pattern: "[A-Za-z][A-Za-z0-9+.-]*://[^\"' )<>]*")
        return pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap { Range($0.range, in: html).map { String(html[$0]) } }
            .filter { $0 != "http://www.w3.org/2000/svg" }
    }

    /// What loads anything from elsewhere: scripts, links, frames, `src` other than `data:`, CSS `url(` and `@import`.
    static func externalReferences(_ html: String) throws -> [String] {
        let pattern = try NSRegularExpression(pattern: "<script|<link|<iframe|<object|<embed|src=\"(?!data:)|href=|url\\(|@import", options: [.caseInsensitive])
        return pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap { Range($0.range, in: html).map { String(html[$0]) } }
    }

    static func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("TrainingReportTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try body(directory)
    }

    @Test func aBayesianClassifiersReportHasItsChartsAndEscapesItsTexts() throws {
        let html = try Self.withTemporaryDirectory { try Self.report(.bnn, architecture: "m<&>", in: $0) }
        #expect(Self.xmlError(html) == nil, "\(Self.xmlError(html) ?? "")")
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        for title in ["Training loss by epoch", "KL term by epoch", "NLL term by epoch", "Learning rate by epoch", "test_error by epoch",
                      "nll by epoch", "ece by epoch", "ood_auroc by epoch", "ood_auroc_mi by epoch", "Reliability diagram (test images)",
                      "Predictive entropy: MNIST test vs Fashion-MNIST", "Mutual information: MNIST test vs Fashion-MNIST"] {
            #expect(html.contains(">\(title)</text>"), "no chart '\(title)'")
        }
        #expect(html.components(separatedBy: "<svg ").count - 1 == 12 && html.components(separatedBy: "</svg>").count - 1 == 12)
        #expect(!html.contains("loss by step</text>"), "no steps.jsonl, no charts by step")
        #expect(html.contains("epoch 3 of 5, training"))
        // The model name and an option hold < & > " ': each is escaped wherever it is shown.
        #expect(html.contains("bnn m&lt;&amp;&gt;, hidden [16, 16]") && html.contains("/runs/a&lt;&amp;&gt;&quot;b&#39;"))
        #expect(!html.contains("m<&>") && !html.contains("a<&>"))
        let addresses = try Self.addresses(html), references = try Self.externalReferences(html)
        #expect(addresses.isEmpty, "\(addresses)")
        #expect(references.isEmpty, "\(references)")
    }

    /// The reliability table counts every test image once, in the bin of its confidence.
    @Test func theReliabilityBinsHoldEveryImageAndGiveTheECE() throws {
        let evaluation = Self.evaluation(validation: false)
        let bins = ClassificationMetrics.reliabilityBins(probabilities: evaluation.test.meanProbabilities, labels: evaluation.labels, classes: 10)
        #expect(bins.count == ClassificationMetrics.calibrationBins && bins.reduce(0) { $0 + $1.count } == 60)
        // Confidences 0.55 + 0.0075·k, k = 0...59, in bins of width 1/15: by hand, bin 8 is [0.5333, 0.6) and holds k = 0...6.
        #expect(bins[8].count == 7 && abs(bins[8].confidence - (0.55 + 0.0075 * 3)) < 1e-6)
        #expect(abs(bins[8].accuracy - 5.0 / 7) < 1e-12, "k = 0 and 4 are labelled wrong")
        let ece = bins.filter { $0.count > 0 }.reduce(0.0) { $0 + Double($1.count) / 60 * abs($1.accuracy - $1.confidence) }
        #expect(abs(ClassificationMetrics.expectedCalibrationError(probabilities: evaluation.test.meanProbabilities, labels: evaluation.labels,
                                                                    classes: 10) - ece) < 1e-12)
    }

    @Test func aHistogramOutlineHoldsTheFractionOfTheValuesInEachBin() throws {
        guard case let .line(_, x, y) = ReportCharts.outline("set", [0.1, 0.2, 0.9, 5, -1], edges: [0, 0.5, 1]) else {
            Issue.record("an outline is a line")
            return
        }
        #expect(x == [0, 0, 0.5, 0.5, 1, 1] && y == [0, 0.6, 0.6, 0.4, 0.4, 0], "beyond the edges: counted in the first and last bins")
    }

    @Test func aValidationRunSaysItHasNoOutOfDistributionSet() throws {
        let html = try Self.withTemporaryDirectory { try Self.report(.mcdropout, validation: true, in: $0) }
        #expect(Self.xmlError(html) == nil, "\(Self.xmlError(html) ?? "")")
        #expect(html.contains("no out-of-distribution set is predicted after each epoch"))
        for title in ["validation_error by epoch", "Reliability diagram (validation images)", "Predictive entropy: MNIST validation",
                      "Mutual information: MNIST validation"] {
            #expect(html.contains(">\(title)</text>"), "no chart '\(title)'")
        }
        #expect(!html.contains("vs Fashion-MNIST") && !html.contains("KL term"))
    }

    @Test func aVAEsReportShowsItsSamplesInline() throws {
        let png = try ImageGrid(imageHeight: 2, imageWidth: 2, columns: 2).render([0, 1, 0.5, 0.25, 1, 0, 0.75, 0.5], count: 2).encode()
        let picture = TrainingReport.Picture(title: "Samples", caption: "two <tiny> images", png: png)
        let html = try Self.withTemporaryDirectory { try Self.report(.vae, pictures: [picture], in: $0) }
        #expect(Self.xmlError(html) == nil, "\(Self.xmlError(html) ?? "")")
        #expect(html.contains("<img src=\"data:image/png;base64,\(png.base64EncodedString())\" alt=\"Samples\" />"))
        #expect(html.contains("two &lt;tiny&gt; images"))
        for title in ["Training loss by epoch", "test_nelbo by epoch", "Learning rate by epoch"] {
            #expect(html.contains(">\(title)</text>"), "no chart '\(title)'")
        }
        #expect(!html.contains("Reliability") && !html.contains("Predictive entropy") && !html.contains("KL term"))
        let addresses = try Self.addresses(html), references = try Self.externalReferences(html)
        #expect(addresses.isEmpty && references.isEmpty, "\(addresses) \(references)")
    }

    /// A log's table: the keys in the order the lines name them, `null`s left out.
    @Test func aLogTableKeepsTheKeysInOrder() throws {
        let table = MetricsLog.table(of: "{\"step\": 1, \"zeta\": 2, \"alpha\": null}\n{\"step\": 2, \"zeta\": 3, \"alpha\": 4.5}\nnot json\n")
        #expect(table.keys == ["step", "zeta", "alpha"] && table.rows.count == 2)
        #expect(table.series("alpha", by: "step").x == [2] && table.series("zeta", by: "step").y == [2, 3])
    }
}
