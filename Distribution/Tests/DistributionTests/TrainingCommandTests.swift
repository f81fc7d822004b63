import DeepBayesBackends
import DeepBayesData
import Foundation
import Testing

/// `deepbayes train | evaluate | sample | prune` end to end on every backend, on a few hundred
/// images (seconds each), and the one-line errors for a missing checkpoint, a corrupt
/// checkpoint and a corrupt data file.
@Suite struct TrainingCommandTests {
    static let models = ["bnn", "mcdropout", "mlp", "vae", "gan"]

    /// The metrics every model's `metrics.jsonl` lines and `evaluate` output must have.
    static func metricKeys(_ model: String) -> [String] {
        switch model {
        case "vae": return ["test_nelbo"]
        case "gan": return ["mnist_score", "frechet_distance"]
        default: return ["test_error", "nll", "ece", "ood_auroc", "ood_auroc_mi"]
        }
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("deepbayes-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func jsonObject(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)")
    }

    static func isPNG(_ url: URL) -> Bool {
        (try? Data(contentsOf: url).prefix(8)) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    }

    @Test(arguments: TestBackends.names, models)
    func trainThenEvaluate(backendName: String, model: String) throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("run")
        var arguments = ["train", model, "--device", backendName, "--epochs", "1", "--batch-size", "64", "--train-limit", "192",
                         "--test-limit", "100", "--samples", "2", "--out", out.path]
        if model == "vae" { arguments += ["--latent", "2"] }
        if model != "vae" && model != "gan" { arguments += ["--hidden", "32"] }
        let train = try CommandLineTests.run(arguments)
        #expect(train.status == 0, "\(train.error)")
        let lines = try String(contentsOf: out.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1)
        let record = try Self.jsonObject(String(lines.first ?? ""))
        for key in ["epoch", "seconds", "learning_rate", "train_loss"] + (model == "bnn" ? ["train_kl", "train_nll"] : []) + Self.metricKeys(model) {
            #expect(record[key] is NSNumber, "metrics.jsonl lacks \(key): \(record)")
        }
        if model == "bnn", let loss = record["train_loss"] as? Double, let kl = record["train_kl"] as? Double, let nll = record["train_nll"] as? Double {
            #expect(abs(loss - (kl + nll)) <= 1e-4 * abs(loss), "the loss is the sum of its terms: \(record)")
        }
        let checkpoint = out.appendingPathComponent("model.safetensors")
        #expect(FileManager.default.fileExists(atPath: checkpoint.path))
        if model == "vae" || model == "gan" { #expect(Self.isPNG(out.appendingPathComponent("samples.png"))) }
        if model == "vae" { #expect(Self.isPNG(out.appendingPathComponent("manifold.png"))) }
        let report = (try? String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)) ?? ""
        #expect(report.hasPrefix("<!DOCTYPE html>") && report.contains("finished after 1 of 1 epochs") && report.contains("<svg "), "report.html")
        #expect(!train.error.contains("\r"), "progress must be plain lines when stderr is not a terminal")

        let evaluate = try CommandLineTests.run(["evaluate", "--checkpoint", checkpoint.path, "--device", backendName,
                                                 "--samples", "2", "--test-limit", "100"])
        #expect(evaluate.status == 0, "\(evaluate.error)")
        let metrics = try Self.jsonObject(evaluate.output)
        for key in Self.metricKeys(model) { #expect(metrics[key] is NSNumber, "evaluate lacks \(key): \(evaluate.output)") }
        #expect(metrics["model"] as? String == model)

        switch model {
        case "vae", "gan":
            let picture = directory.appendingPathComponent("grid.png")
            let sample = try CommandLineTests.run(["sample", "--checkpoint", checkpoint.path, "--count", "9", "--out", picture.path, "--device", backendName])
            #expect(sample.status == 0, "\(sample.error)")
            #expect(Self.isPNG(picture))
        case "bnn":
            let pruned = directory.appendingPathComponent("pruned.safetensors")
            let prune = try CommandLineTests.run(["prune", "--checkpoint", checkpoint.path, "--fraction", "0.9", "--out", pruned.path])
            #expect(prune.status == 0, "\(prune.error)")
            for plot in ["snr-density", "snr-cdf", "weights"] {
                let svg = try String(contentsOf: directory.appendingPathComponent("pruned-\(plot).svg"), encoding: .utf8)
                #expect(svg.hasPrefix("<svg ") && svg.hasSuffix("</svg>\n"), "pruned-\(plot).svg")
            }
            let again = try CommandLineTests.run(["evaluate", "--checkpoint", pruned.path, "--device", backendName, "--samples", "2", "--test-limit", "100"])
            #expect(again.status == 0, "\(again.error)")
        default:
            let picture = directory.appendingPathComponent("grid.png")
            let sample = try CommandLineTests.run(["sample", "--checkpoint", checkpoint.path, "--count", "4", "--out", picture.path])
            #expect(sample.status == 1 && sample.error.hasPrefix("error: sample"), "\(sample.error)")
        }
    }

    /// Each failure is exit status 1 and a single line starting with `error:` that names the
    /// file, with no crash report.
    @Test func badFilesGiveOneLineErrors() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        func expectOneLineError(_ arguments: [String], mentioning: String) throws {
            let result = try CommandLineTests.run(arguments)
            #expect(result.status == 1, "\(arguments): status \(result.status)")
            let lines = result.error.split(separator: "\n")
            #expect(lines.count == 1 && result.error.hasPrefix("error: ") && result.error.contains(mentioning), "\(arguments): \(result.error)")
            #expect(!result.error.contains("Fatal error") && !result.error.contains("Stack dump"))
        }
        let bogus = try CommandLineTests.run(["train", "vae", "--device", "bogus", "--out", directory.appendingPathComponent("run").path])
        #expect(bogus.status == 1 && bogus.error.hasPrefix("error: unknown device 'bogus'; available: cpu"), "\(bogus.error)")
        #expect(!bogus.error.contains("Fatal error"))

        let missing = directory.appendingPathComponent("missing.safetensors").path
        try expectOneLineError(["evaluate", "--checkpoint", missing], mentioning: missing)

        let corrupt = directory.appendingPathComponent("corrupt.safetensors")
        try Data((0..<100).map { UInt8(truncatingIfNeeded: $0 * 37) }).write(to: corrupt)
        try expectOneLineError(["evaluate", "--checkpoint", corrupt.path], mentioning: corrupt.path)
        try expectOneLineError(["sample", "--checkpoint", corrupt.path, "--out", directory.appendingPathComponent("x.png").path], mentioning: corrupt.path)

        let data = directory.appendingPathComponent("data")
        let mnist = data.appendingPathComponent("mnist")
        try FileManager.default.createDirectory(at: mnist, withIntermediateDirectories: true)
        let shipped = try DataDirectory.locate("mnist")
        for name in try FileManager.default.contentsOfDirectory(atPath: shipped.path) {
            try FileManager.default.copyItem(at: shipped.appendingPathComponent(name), to: mnist.appendingPathComponent(name))
        }
        let images = mnist.appendingPathComponent("train-images-idx3-ubyte.gz")
        try Data(try Data(contentsOf: images).prefix(5000)).write(to: images)
        try expectOneLineError(["train", "vae", "--data", data.path, "--epochs", "1", "--out", directory.appendingPathComponent("run").path],
                               mentioning: "train-images-idx3-ubyte.gz")
    }
}
