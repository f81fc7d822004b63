import Foundation

extension Trainer {
    /// `report.html` in the output directory (see `TrainingReport`).
    public var reportURL: URL { options.output.appendingPathComponent("report.html") }

    /// Writes `report.html` for the run after `epochs` whole epochs: from `log`, the
    /// `steps.jsonl` on disk, the pictures written so far and a classifier's last evaluation.
    func writeReport(epochs: Int, finished: Bool, log: MetricsLog, classifier: ClassifierEvaluation?) throws {
        var shown = trainingRecord(position: TrainingPosition(epochs: epochs, batches: 0))
        // The position is the page's status line; the KL and the sampled passes are options of some kinds only.
        var hidden = ["deepbayes.epochs", TrainingState.positionKey]
        if spec.kind != .bnn { hidden += ["deepbayes.kl_weighting", "deepbayes.kl_scale"] }
        if !spec.kind.isClassifier { hidden.append("deepbayes.samples") }
        for key in hidden { shown.removeValue(forKey: key) }
        var rows = shown.sorted { $0.key < $1.key }.map { (String($0.key.dropFirst("deepbayes.".count)), $0.value) }
        if let every = options.logEvery { rows.append(("log_every", String(every))) }
        rows.append(("output", options.output.relativePath))
        let steps = options.logEvery == nil ? nil : (try? String(contentsOf: stepsURL, encoding: .utf8)).map(MetricsLog.table(of:))
        let pictures = [(samplesURL, "Samples", "64 images from the model: " + (spec.kind == .vae ? "the decoder's mean σ(decoder(z)) for z ~ N(0, I)."
                                                                                  : "G(z) of the averaged generator for fresh noise z.")),
                        (manifoldURL, "Latent manifold", "The decoded means of a 20×20 grid of codes at the normal quantiles Φ⁻¹((i + ½)/20) of the 2-D latent space.")]
            .filter { outputFiles.contains($0.0) }
            .compactMap { url, title, caption in (try? Data(contentsOf: url)).map { TrainingReport.Picture(title: title, caption: caption, png: $0) } }
        let report = TrainingReport(spec: spec, options: rows, device: backend.name, epoch: epochs, epochs: options.epochs, finished: finished,
                                    validation: options.validation != nil, metrics: log.table, steps: steps, classifier: classifier, pictures: pictures)
        try report.write(to: reportURL)
    }
}
