import DeepBayesFiles
import Foundation

/// `report.html`: a training run on one self-contained page (inline SVG charts, pictures as
/// base64 PNG, inline CSS; no scripts, no external files), for a browser to show while the run
/// goes on or after it. It shows what the run is (the model, the options, the device, how far
/// it is), the training losses and the learning rate by epoch (and by step from `steps.jsonl`),
/// every evaluation metric by epoch, and
/// - for classifiers, from the last evaluation's predictions: a reliability diagram with the
///   counts of its bins, and histograms of the predictive entropy and of the mutual
///   information of the test images beside those of Fashion-MNIST (the out-of-distribution
///   set; with a validation split there is none, and the page says so);
/// - for generative models, the pictures the run writes (`samples.png`, `manifold.png`).
public struct TrainingReport {
    /// A picture of the run shown as it is: a PNG file's bytes, its title and caption.
    public struct Picture {
        /// The heading above the picture.
        public var title: String
        /// The sentence below it: what it shows.
        public var caption: String
        /// The PNG file's bytes, shown inline as they are.
        public var png: Data

        /// A picture with its words.
        public init(title: String, caption: String, png: Data) {
            self.title = title
            self.caption = caption
            self.png = png
        }
    }

    /// The model trained.
    public var spec: ModelSpec
    /// The training options as name and value, in the order shown.
    public var options: [(String, String)]
    /// The backend's name.
    public var device: String
    /// Whole epochs done, and how many the run trains.
    public var epoch: Int, epochs: Int
    /// Whether the run has ended (else it is still training).
    public var finished: Bool
    /// Whether the run evaluates on a validation split (so without an out-of-distribution set).
    public var validation: Bool
    /// The lines of `metrics.jsonl`.
    public var metrics: MetricsLog.Table
    /// The lines of `steps.jsonl`, when the run writes it.
    public var steps: MetricsLog.Table?
    /// A classifier's last evaluation, with its predictions (nil before the first one).
    public var classifier: ClassifierEvaluation?
    /// The pictures the run wrote (a generative model's samples).
    public var pictures: [Picture]
    /// When the page was made.
    public var date: Date

    /// A report of the run so described (see the properties).
    public init(spec: ModelSpec, options: [(String, String)], device: String, epoch: Int, epochs: Int, finished: Bool, validation: Bool,
                metrics: MetricsLog.Table, steps: MetricsLog.Table? = nil, classifier: ClassifierEvaluation? = nil, pictures: [Picture] = [],
                date: Date = Date()) {
        self.spec = spec
        self.options = options
        self.device = device
        self.epoch = epoch
        self.epochs = epochs
        self.finished = finished
        self.validation = validation
        self.metrics = metrics
        self.steps = steps
        self.classifier = classifier
        self.pictures = pictures
        self.date = date
    }

    /// The page. `invalidArgument` only if a chart cannot be drawn (see `SVGChart.svg()`).
    public func html() throws -> String {
        let title = "DeepBayes training report: \(spec.sizeSummary)"
        var page = HTMLDocument(title: title)
        let state = finished ? "finished after \(epoch) of \(epochs) epochs" : "epoch \(epoch) of \(epochs), training"
        let dateText = ISO8601DateFormatter().string(from: date)
        page.body.append(HTMLDocument.element("h1", HTMLDocument.escaped(title)))
        page.body.append(HTMLDocument.element("p", [("class", "status")], HTMLDocument.escaped("\(state) · device \(device) · written \(dateText) · the run rewrites this page after every epoch: reload to follow it")))
        page.body.append(HTMLDocument.element("div", [("class", "grid")],
            HTMLDocument.element("div", HTMLDocument.element("h2", "Model") + HTMLDocument.table(header: ["field", "value"], rows: try modelRows()))
                + HTMLDocument.element("div", HTMLDocument.element("h2", "Training options") + HTMLDocument.table(header: ["option", "value"], rows: options.map { [$0.0, $0.1] }))))

        page.body.append(section("Training", "Losses are the means over the epoch's minibatches (or one minibatch's, by step).",
                                 try ReportCharts.training(metrics: metrics, steps: steps, kind: spec.kind)))
        let set = validation ? "validation" : "test"
        page.body.append(section("Evaluation", "Measured on the \(set) images after every epoch.", try ReportCharts.evaluation(metrics: metrics)))
        if spec.kind.isClassifier { page.body += try uncertaintySection(set: set) }
        if !pictures.isEmpty {
            page.body.append(section("Samples", "The pictures the run writes after every epoch, as they are now.", pictures.map(figure)))
        }
        page.body.append(HTMLDocument.element("h2", "Metrics by epoch"))
        page.body.append(HTMLDocument.element("div", [("class", "scroll")], metricsTable()))
        return page.html
    }

    /// Writes `html()` to `url` atomically (see `AtomicFile`).
    public func write(to url: URL) throws {
        try AtomicFile.write(Data(html().utf8), to: url)
    }

    /// The reliability diagram and the uncertainty histograms, or why there are none yet.
    private func uncertaintySection(set: String) throws -> [String] {
        guard let classifier else {
            return [HTMLDocument.element("h2", "Calibration and uncertainty"),
                    HTMLDocument.element("p", [("class", "note")], "The charts of the predictions appear after the first evaluation.")]
        }
        let note = validation
            ? "This run evaluates on a validation split, so no out-of-distribution set is predicted after each epoch (Fashion-MNIST is kept as "
              + "a test set): the histograms show the validation images only. For the comparison with Fashion-MNIST run deepbayes evaluate --checkpoint best.safetensors."
            : "From the predictions of the last evaluation: MNIST test images against Fashion-MNIST, which the model never saw (out of distribution)."
        let reliability = try ReportCharts.reliability(classifier, set: set)
        let inDistribution = validation ? "MNIST validation" : "MNIST test"
        let figures = [reliability.figure, ReportFigure(markup: HTMLDocument.element("div", [("class", "scroll")], reliability.table),
                                                        caption: "The bins of the reliability diagram that hold images: n_b, its share, mean confidence and accuracy.")]
            + (try ReportCharts.uncertainty(classifier, set: inDistribution, outOfDistribution: "Fashion-MNIST"))
        return [section("Calibration and uncertainty", note, figures, noteClass: validation ? "note" : "status")]
    }

    /// A heading, a sentence and the figures in a grid.
    private func section(_ heading: String, _ text: String, _ figures: [ReportFigure], noteClass: String = "status") -> String {
        HTMLDocument.element("section", HTMLDocument.element("h2", HTMLDocument.escaped(heading))
            + HTMLDocument.element("p", [("class", noteClass)], HTMLDocument.escaped(text))
            + HTMLDocument.element("div", [("class", "grid")], figures.map { figure in
                HTMLDocument.element("figure", figure.markup + HTMLDocument.element("figcaption", HTMLDocument.escaped(figure.caption)))
            }.joined(separator: "\n")))
    }

    /// A picture as a figure: its title and the PNG inline.
    private func figure(_ picture: Picture) -> ReportFigure {
        let image = HTMLDocument.voidElement("img", [("src", "data:image/png;base64," + picture.png.base64EncodedString()), ("alt", picture.title)])
        return ReportFigure(markup: HTMLDocument.element("h3", HTMLDocument.escaped(picture.title)) + image, caption: picture.caption)
    }

    /// The model description's fields (as a checkpoint stores them), by name.
    private func modelRows() throws -> [[String]] {
        let object = try JSONSerialization.jsonObject(with: Data(spec.json().utf8)) as? [String: Any] ?? [:]
        return try object.keys.sorted().map { key in
            let value = object[key]
            if let text = value as? String { return [key, text] }
            let data = try JSONSerialization.data(withJSONObject: value ?? NSNull(), options: [.fragmentsAllowed, .sortedKeys])
            return [key, String(decoding: data, as: UTF8.self)]
        }
    }

    /// Every line of `metrics.jsonl` as a table row, every number to four significant digits.
    private func metricsTable() -> String {
        let keys = metrics.keys
        let rows = metrics.rows.map { row in keys.map { key in row[key].map(ReportCharts.number) ?? "" } }
        return HTMLDocument.table(header: keys, rows: rows, numeric: Set(keys.indices))
    }
}
