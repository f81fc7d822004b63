import DeepBayesCore
import DeepBayesData
import DeepBayesFiles
import DeepBayesModels
import DeepBayesNN
import Foundation

/// The rotated-digit experiment (Gal and Ghahramani 2016, the figure of a rotated "1"): one
/// test digit turned step by step, and what each model's sampled passes say about every turn.
///
/// As the digit leaves the orientations seen in training, a model that knows what it does not
/// know spreads its sampled passes over several classes: the mutual information (epistemic
/// uncertainty) rises where the mean prediction changes class, while the predictive entropy
/// alone cannot tell this from noise the model expects.
public enum RotatedDigit {
    /// The most angles one run takes (a tenth of a degree over half a turn would be 1801).
    public static let maximumAngles = 1000
    /// A class is drawn when its mean probability reaches this at some angle.
    public static let drawnProbability: Float = 0.1
    /// At most this many classes are drawn per model (the most probable ones).
    public static let drawnClasses = 4
    /// A pass's dot is drawn only when it gives the class at least this much (the others would
    /// all sit on the axis, and would only make the file large).
    public static let drawnDot: Float = 0.01
    /// The colour of each class, 0...9 (Okabe and Ito's seven, then three of Tol's).
    public static let classColors = SVGChart.palette + ["#882255", "#999933", "#44AA99"]

    /// What one model says about every rotation.
    public struct Measurement {
        /// The model's name in charts and tables ("bnn", or with its file when two share a kind).
        public let label: String
        /// The angles in degrees, in order.
        public let angles: [Double]
        /// `[T][A × C]`: pass `t`'s class probabilities for every angle (row-major).
        public let sampled: [[Float]]
        /// The mean over the passes and the uncertainty per angle (`ClassifierPrediction` of the A rotations).
        public let prediction: ClassifierPrediction
    }

    /// `from`, `from + step`, … up to `to` (included when a whole number of steps away).
    /// - Throws: `DeepBayesError.invalidArgument` for a non-finite bound, `step` not positive,
    ///   `to` below `from` or more than `maximumAngles` angles.
    public static func angles(from: Double, to: Double, step: Double) throws -> [Double] {
        guard from.isFinite, to.isFinite, step.isFinite, step > 0, to >= from else {
            throw DeepBayesError.invalidArgument(operation: "RotatedDigit.angles", reason: "need finite angles, --to ≥ --from and --step > 0, got \(from)...\(to) by \(step)")
        }
        let count = ((to - from) / step * (1 + 1e-12)).rounded(.down) + 1
        guard count <= Double(maximumAngles) else {
            throw DeepBayesError.invalidArgument(operation: "RotatedDigit.angles", reason: "\(from)...\(to) by \(step) is \(Int(count)) angles, more than \(maximumAngles)")
        }
        return (0..<Int(count)).map { from + Double($0) * step }
    }

    /// Image `index` of `test`, or when `index` is nil the first one labelled `digit`, with its
    /// index and label.
    /// - Throws: `DeepBayesError.invalidArgument` for an index outside the set or a digit no
    ///   image has.
    public static func pick(from test: Dataset, index: Int?, digit: Int) throws -> (index: Int, label: Int, image: [Float]) {
        guard let chosen = index ?? test.labels.firstIndex(of: Float(digit)) else {
            throw DeepBayesError.invalidArgument(operation: "--digit", reason: "no test image is labelled \(digit)")
        }
        guard (0..<test.count).contains(chosen) else {
            throw DeepBayesError.invalidArgument(operation: "--index", reason: "\(chosen) is outside the test set's 0..<\(test.count)")
        }
        let pixels = test.pixelsPerImage
        return (chosen, Int(test.labels[chosen]), Array(test.images[(chosen * pixels)..<((chosen + 1) * pixels)]))
    }

    /// The `side × side` image turned by every angle (`ImageRotation.rotate`), one after another.
    public static func rotations(of image: [Float], side: Int, angles: [Double]) throws -> [Float] {
        try angles.flatMap { try ImageRotation.rotate(image, side: side, degrees: $0) }
    }

    /// `model`'s `samples` sampled passes over the rotations (`[A, 784]` values in `images`),
    /// and their mean and uncertainty, from the same passes of `seed`.
    public static func measure(_ model: ClassifierModel, label: String, images: [Float], angles: [Double], samples: Int, seed: UInt64,
                               on backend: any Backend) throws -> Measurement {
        let tensor = try backend.tensor(images, shape: Shape.validated([angles.count, images.count / max(1, angles.count)], for: "rotations"))
        let prediction = try model.predict(images: tensor, samples: samples, seed: seed)
        let sampled = try model.sampledProbabilities(images: tensor, samples: samples, seed: seed)
        try ClassificationMetrics.requireFinite(prediction.meanProbabilities + prediction.predictiveEntropy + prediction.expectedEntropy, source: label)
        return Measurement(label: label, angles: angles, sampled: sampled, prediction: prediction)
    }

    /// The classes to draw for `measurement`: those whose mean probability reaches
    /// `drawnProbability` at some angle, most probable (by their highest mean) first, at most
    /// `drawnClasses` of them.
    public static func drawnClasses(_ measurement: Measurement) -> [Int] {
        let prediction = measurement.prediction, classes = prediction.classes
        let peaks = (0..<classes).map { c in (0..<prediction.count).map { prediction.meanProbabilities[$0 * classes + c] }.max() ?? 0 }
        let ranked = (0..<classes).sorted { peaks[$0] > peaks[$1] }
        return Array(ranked.filter { peaks[$0] >= drawnProbability }.prefix(drawnClasses))
    }

    /// Two charts for `measurement`: the drawn classes' probability against the angle (a dot
    /// per sampled pass and angle where it reaches `drawnDot`, and the mean as a line, in the
    /// class's colour, named once in the legend), and the predictive entropy, mutual
    /// information and expected entropy against the angle.
    public static func charts(_ measurement: Measurement) -> [SVGChart] {
        let angles = measurement.angles, prediction = measurement.prediction, classes = prediction.classes
        let drawn = drawnClasses(measurement)
        var probabilities = SVGChart(title: "\(measurement.label): class probabilities of \(measurement.sampled.count) sampled passes",
                                     xLabel: "rotation (degrees)", yLabel: "probability")
        for c in drawn {
            let dots = measurement.sampled.flatMap { pass in
                angles.indices.compactMap { a in pass[a * classes + c] >= drawnDot ? (angles[a], Double(pass[a * classes + c])) : nil }
            }
            probabilities.series.append(.scatter(name: "", x: dots.map(\.0), y: dots.map(\.1)))
        }
        for c in drawn {
            probabilities.series.append(.line(name: "class \(c): mean (line) and each pass (dots)", x: angles,
                                              y: angles.indices.map { Double(prediction.meanProbabilities[$0 * classes + c]) }))
        }
        probabilities.colors = (drawn + drawn).map { classColors[$0 % classColors.count] }
        probabilities.yRange = 0...1
        var uncertainty = SVGChart(title: "\(measurement.label): uncertainty", xLabel: "rotation (degrees)", yLabel: "nats", series: [
            .line(name: "predictive entropy (total)", x: angles, y: prediction.predictiveEntropy.map(Double.init)),
            .line(name: "mutual information (epistemic)", x: angles, y: prediction.mutualInformation.map(Double.init)),
            .line(name: "expected entropy (aleatoric)", x: angles, y: prediction.expectedEntropy.map(Double.init)),
        ])
        uncertainty.yRange = 0...log(Double(classes))
        probabilities.height = 440
        uncertainty.height = 440
        return [probabilities, uncertainty]
    }

    /// The names of the files `write` makes, in the order it makes them.
    public static let fileNames = (figure: "rotated-digit.svg", strip: "rotated-digit.png",
                                   summary: "rotated-digit.csv", samples: "rotated-digit-samples.csv")

    /// Writes into `folder` (created if missing): the figure (`charts` of every measurement, a
    /// row each), the strip of rotated digits (`images`, one 28 × 28 tile per angle), the
    /// summary table (per model and angle: the predicted class, the ten mean probabilities,
    /// predictive entropy, expected entropy, mutual information) and every pass's probabilities
    /// (per model, angle and pass). Returns the files written.
    public static func write(_ measurements: [Measurement], images: [Float], title: String, to folder: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let urls = [fileNames.figure, fileNames.strip, fileNames.summary, fileNames.samples].map { folder.appendingPathComponent($0) }
        try SVGPanels(charts: measurements.flatMap(charts), columns: 2, title: title).write(to: urls[0])
        let count = measurements.first?.angles.count ?? 0
        try ImageGrid(imageHeight: 28, imageWidth: 28, columns: count).render(images, count: count).write(to: urls[1])
        let classes = measurements.first?.prediction.classes ?? MNISTFamily.classCount
        let probabilityColumns = (0..<classes).map { "p\($0)" }
        var summary = [(["model", "angle", "predicted"] + probabilityColumns + ["predictive_entropy", "expected_entropy", "mutual_information"])
            .joined(separator: ",")]
        var samples = [(["model", "angle", "pass"] + probabilityColumns).joined(separator: ",")]
        for measurement in measurements {
            let prediction = measurement.prediction, model = PredictionRecords.csvField(measurement.label)
            for (a, angle) in measurement.angles.enumerated() {
                let mean = prediction.meanProbabilities[(a * classes)..<((a + 1) * classes)].map { "\($0)" }
                summary.append(([model, "\(angle)", "\(prediction.predictedClass(a))"] + mean
                                + ["\(prediction.predictiveEntropy[a])", "\(prediction.expectedEntropy[a])", "\(prediction.mutualInformation[a])"])
                    .joined(separator: ","))
                for (t, pass) in measurement.sampled.enumerated() {
                    samples.append(([model, "\(angle)", "\(t)"] + pass[(a * classes)..<((a + 1) * classes)].map { "\($0)" }).joined(separator: ","))
                }
            }
        }
        try AtomicFile.write(Data(summary.map { $0 + "\n" }.joined().utf8), to: urls[2])
        try AtomicFile.write(Data(samples.map { $0 + "\n" }.joined().utf8), to: urls[3])
        return urls
    }
}
