import DeepBayesFiles
import DeepBayesModels
import DeepBayesNN
import Foundation

/// One card of the training report: a chart or a picture (markup), and the sentence that says
/// what it shows.
struct ReportFigure {
    var markup: String
    var caption: String
}

/// The charts of the training report, each an `SVGChart` with its caption: the losses and the
/// learning rate, the evaluation metrics by epoch, and for classifiers the reliability diagram
/// and the histograms of predictive entropy and mutual information.
enum ReportCharts {
    /// Bins of the entropy and mutual-information histograms.
    static let histogramBins = 30

    /// The columns of `metrics.jsonl` and `steps.jsonl` that are not evaluation metrics: the
    /// epoch (step, batch), its time, its learning rate, and the training losses (`isLoss`).
    static func isTrainingColumn(_ key: String) -> Bool {
        ["epoch", "seconds", "learning_rate", "step", "batch"].contains(key) || isLoss(key)
    }

    /// A training loss: `train_…` (the loss and a Bayesian classifier's terms) or `…_loss`.
    static func isLoss(_ key: String) -> Bool { key.hasPrefix("train_") || key.hasSuffix("_loss") }

    /// The terms a Bayesian classifier's loss is the sum of, each drawn on its own scale.
    static let lossTerms = ["train_kl", "train_nll"]

    /// The loss charts by epoch (and by step when `steps` has rows) and the learning rate.
    static func training(metrics: MetricsLog.Table, steps: MetricsLog.Table?, kind: ModelKind) throws -> [ReportFigure] {
        var figures: [ReportFigure] = []
        for (table, axis, unit) in [(metrics, "epoch", "epoch (mean over its minibatches)"), (steps, "step", "step (one minibatch)")] {
            guard let table, !table.rows.isEmpty else { continue }
            let losses = table.keys.filter { isLoss($0) && !lossTerms.contains($0) }
            if let chart = try chart("Training loss by \(axis)", x: unit, y: "loss (nats per image)", keys: losses, table, by: axis) {
                figures.append(ReportFigure(markup: chart, caption: lossCaption(kind)))
            }
            for term in lossTerms where table.keys.contains(term) {
                let title = term == "train_kl" ? "KL term by \(axis)" : "NLL term by \(axis)"
                if let chart = try chart(title, x: unit, y: "nats per image", keys: [term], table, by: axis) {
                    figures.append(ReportFigure(markup: chart, caption: term == "train_kl"
                        ? "train_kl = β·w_i·KL(q(w) ‖ p(w)) / B: the minibatch's share w_i of the complexity cost (--kl-weighting), per image."
                        : "train_nll = −(1/B) Σ log p(y|x, w), w ~ q(w): how badly one sampled network fits the minibatch."))
                }
            }
            let rates = table.series("learning_rate", by: axis)
            if axis == "epoch", let top = rates.y.max(), top > 0 {
                var rate = SVGChart(title: "Learning rate by epoch", xLabel: "epoch", yLabel: "learning rate",
                                    series: [.line(name: "Adam learning rate", x: rates.x, y: rates.y)])
                rate.yRange = 0...(top * 1.25)
                rate.wholeNumberX = true
                figures.append(ReportFigure(markup: try rate.svg(), caption: "The rate of epoch e is lr · decay^(e−1) (--lr, --lr-decay)."))
            }
        }
        return figures
    }

    /// One chart per evaluation metric of `metrics` (every column that `isTrainingColumn` is not).
    static func evaluation(metrics: MetricsLog.Table) throws -> [ReportFigure] {
        try metrics.keys.filter { !isTrainingColumn($0) }.compactMap { key in
            try chart("\(key) by epoch", x: "epoch", y: key, keys: [key], metrics, by: "epoch").map {
                ReportFigure(markup: $0, caption: metricCaption(key))
            }
        }
    }

    /// The reliability diagram of `evaluation`'s test predictions and the table of its bins.
    static func reliability(_ evaluation: ClassifierEvaluation, set: String) throws -> (figure: ReportFigure, table: String) {
        let bins = ClassificationMetrics.reliabilityBins(probabilities: evaluation.test.meanProbabilities, labels: evaluation.labels,
                                                         classes: evaluation.test.classes)
        let filled = bins.filter { $0.count > 0 }
        var chart = SVGChart(title: "Reliability diagram (\(set) images)", xLabel: "confidence: max_c p̄(c|x)", yLabel: "accuracy", series: [
            .bars(name: "accuracy of the bin", edges: [0] + bins.map(\.upper), heights: bins.map(\.accuracy)),
            .line(name: "perfect calibration: accuracy = confidence", x: [0, 1], y: [0, 1]),
            .scatter(name: "the bin's mean confidence", x: filled.map(\.confidence), y: filled.map(\.accuracy)),
        ])
        chart.yRange = 0...1
        let ece = ClassificationMetrics.expectedCalibrationError(probabilities: evaluation.test.meanProbabilities, labels: evaluation.labels,
                                                                 classes: evaluation.test.classes)
        let caption = "The \(evaluation.test.count) \(set) images in \(bins.count) bins of confidence; a bar below the diagonal is over-confident. "
            + "ECE = Σ_b (n_b/N)·|accuracy_b − confidence_b| = \(number(ece))."
        let rows = filled.map { bin in
            ["\(number(bin.lower))–\(number(bin.upper))", String(bin.count), percent(Double(bin.count) / Double(evaluation.test.count)),
             number(bin.confidence), number(bin.accuracy)]
        }
        let table = HTMLDocument.table(header: ["confidence", "images", "share", "mean confidence", "accuracy"], rows: rows, numeric: [1, 2, 3, 4])
        return (ReportFigure(markup: try chart.svg(), caption: caption), table)
    }

    /// Histograms of the predictive entropy and of the mutual information of the test images
    /// (named `set`), beside those of the out-of-distribution images when there are any.
    static func uncertainty(_ evaluation: ClassifierEvaluation, set: String, outOfDistribution: String) throws -> [ReportFigure] {
        let test = evaluation.test, ood = evaluation.outOfDistribution
        let entropyTop = log(Double(test.classes))
        let informationTop = max(([test.mutualInformation, ood?.mutualInformation ?? []].flatMap { $0 }.filter(\.isFinite).max()).map(Double.init) ?? 0, 1e-6)
        let kinds: [(title: String, x: String, top: Double, values: (ClassifierPrediction) -> [Float], caption: String)] = [
            ("Predictive entropy", "H[p̄] = −Σ_c p̄_c log p̄_c (nats)", entropyTop, \.predictiveEntropy,
             "Predictive entropy H[p̄] of the mean prediction p̄ = (1/T) Σ_t p_t over T sampled networks: the total uncertainty (at most log \(test.classes) = \(number(entropyTop)))."),
            ("Mutual information", "I = H[p̄] − (1/T) Σ_t H[p_t] (nats)", informationTop, \.mutualInformation,
             "Mutual information = predictive entropy − expected entropy: the epistemic part, how much the sampled networks disagree (0 for a network that is not sampled)."),
        ]
        return try kinds.map { kind in
            let edges = (0...histogramBins).map { kind.top * Double($0) / Double(histogramBins) }
            var series = [outline("\(set) (\(test.count) images)", kind.values(test), edges: edges)]
            if let ood { series.append(outline("\(outOfDistribution) (\(ood.count) images)", kind.values(ood), edges: edges)) }
            series.append(meanMarker(set, kind.values(test)))
            if let ood { series.append(meanMarker(outOfDistribution, kind.values(ood))) }
            let chart = SVGChart(title: "\(kind.title): \(set)" + (ood == nil ? "" : " vs \(outOfDistribution)"), xLabel: kind.x,
                                 yLabel: "fraction of the images", series: series)
            return ReportFigure(markup: try chart.svg(), caption: kind.caption)
        }
    }

    /// A histogram's outline as a line: the fraction of `values` in each bin of `edges` (values
    /// beyond the last edge counted in the last bin, below the first in the first).
    static func outline(_ name: String, _ values: [Float], edges: [Double]) -> SVGChart.Series {
        let bins = edges.count - 1, low = edges[0], width = (edges[bins] - low) / Double(bins)
        var counts = [Double](repeating: 0, count: bins)
        let finite = values.filter(\.isFinite)
        for value in finite { counts[min(bins - 1, max(0, Int(((Double(value) - low) / width).rounded(.down))))] += 1 }
        let fractions = counts.map { $0 / Double(max(finite.count, 1)) }
        var x = [edges[0]], y = [0.0]
        for (index, fraction) in fractions.enumerated() {
            x += [edges[index], edges[index + 1]]
            y += [fraction, fraction]
        }
        return .line(name: name, x: x + [edges[bins]], y: y + [0])
    }

    /// A line chart of `keys` over `x` from `table`, or nil when none of them has a finite value.
    private static func chart(_ title: String, x: String, y: String, keys: [String], _ table: MetricsLog.Table, by axis: String) throws -> String? {
        let series = keys.map { key -> SVGChart.Series in
            let values = table.series(key, by: axis)
            return .line(name: key, x: values.x, y: values.y)
        }
        guard keys.contains(where: { table.series($0, by: axis).y.contains(where: \.isFinite) }) else { return nil }
        var chart = SVGChart(title: title, xLabel: x, yLabel: y, series: series)
        chart.wholeNumberX = true  // epochs or steps
        return try chart.svg()
    }

    /// What the training loss of `kind` is.
    static func lossCaption(_ kind: ModelKind) -> String {
        switch kind {
        case .bnn: return "train_loss = train_kl + train_nll: the minibatch's negative ELBO per image (Bayes by Backprop)."
        case .mcdropout, .mlp: return "train_loss = −(1/B) Σ log p(y|x): the cross-entropy of the minibatch" + (kind == .mcdropout ? ", dropout on." : ".")
        case .vae: return "train_loss = E_q[−log p(x|z)] + KL(q(z|x) ‖ N(0, I)): the negative ELBO per image, one z each."
        case .gan: return "train_loss is the discriminator's −log D(x) − log(1 − D(G(z))), generator_loss the non-saturating −log D(G(z))."
        }
    }

    /// What the evaluation metric `key` (`test_…` or `validation_…`) measures.
    static func metricCaption(_ key: String) -> String {
        let validation = key.hasPrefix("validation_")
        let base = validation ? String(key.dropFirst("validation_".count)) : key
        let images = validation ? "validation images (held out of the training set)" : "test images"
        switch base {
        case "error", "test_error": return "The fraction of the \(images) whose most probable class under p̄ is wrong."
        case "nll": return "The mean −log p̄(y|x) of the true class over the \(images), in nats: low when confident and right."
        case "ece": return "Expected calibration error on the \(images): Σ_b (n_b/N)·|accuracy_b − confidence_b| (the reliability diagram below)."
        case "ood_auroc": return "P(H[p̄] of a Fashion-MNIST image > H[p̄] of an MNIST test image): 0.5 is chance, 1 tells them apart perfectly."
        case "ood_auroc_mi": return "The same AUROC scored by the mutual information (epistemic uncertainty) instead of the predictive entropy."
        case "nelbo", "test_nelbo": return "The mean negative ELBO of the \(images) in nats, an upper bound on −log p(x): lower is better."
        case "mnist_score": return "exp(E_x KL(p(y|x) ‖ p(y))) of generated images under the scorer classifier: in [1, 10], higher is sharper and more varied."
        case "frechet_distance": return "‖μ_g − μ_r‖² + tr(Σ_g + Σ_r − 2(Σ_g Σ_r)^½) between the scorer's features of generated and \(images): lower is closer."
        default: return "\(key) after every epoch, on the \(images)."
        }
    }

    /// A dashed line at the mean of `values`, named with it.
    static func meanMarker(_ set: String, _ values: [Float]) -> SVGChart.Series {
        let average = mean(values)
        return .marker(name: "mean over \(set): \(number(average))", x: average)
    }

    /// The mean of the finite `values` (NaN for none).
    static func mean(_ values: [Float]) -> Double {
        let finite = values.filter(\.isFinite)
        return finite.reduce(0.0) { $0 + Double($1) } / Double(finite.count)
    }

    /// Up to four significant digits.
    static func number(_ value: Double) -> String { value.isFinite ? String(format: "%.4g", value) : "–" }

    /// A fraction as a percentage with one decimal.
    static func percent(_ fraction: Double) -> String { String(format: "%.1f%%", fraction * 100) }
}
