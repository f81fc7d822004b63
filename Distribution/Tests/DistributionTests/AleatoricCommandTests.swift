import DeepBayesFiles
import Foundation
import Testing

/// `train --aleatoric --corrupt` and `evaluate --shifts` end to end: the classifier that learns
/// its logit variance trains on corrupted images on every device, is measured on each shift,
/// resumes exactly (the corruption of every step is a function of the seed and the step), and
/// the new options refuse what makes no sense.
@Suite(.timeLimit(.minutes(5))) struct AleatoricCommandTests {
    static func run(device: String, epochs: Int, out: URL, resume: Bool = false) -> [String] {
        resume ? ["train", "bnn", "--device", device, "--resume", "--epochs", String(epochs), "--out", out.path]
            : ["train", "bnn", "--aleatoric", "--corrupt", "0.5", "--device", device, "--epochs", String(epochs), "--batch-size", "32",
               "--train-limit", "128", "--test-limit", "50", "--samples", "2", "--hidden", "16", "--out", out.path]
    }

    @Test(arguments: TestBackends.names)
    func trainsAndIsMeasuredOnEveryShift(device: String) throws {
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("run")
        let train = try CommandLineTests.run(Self.run(device: device, epochs: 1, out: out))
        try #require(train.status == 0, "\(train.error)")
        let evaluate = try CommandLineTests.run(["evaluate", "--checkpoint", out.appendingPathComponent("model.safetensors").path, "--device", device,
                                                 "--test-limit", "40", "--samples", "3", "--shifts"])
        try #require(evaluate.status == 0, "\(evaluate.error)")
        let metrics = try TrainingCommandTests.jsonObject(evaluate.output)
        var keys = TrainingCommandTests.metricKeys("bnn") + ["clean_error", "clean_aleatoric", "clean_epistemic", "clean_logit_variance"]
        for shift in ["noise_0.5", "blur_2.0", "fashion_mnist"] {
            keys += ["\(shift)_aleatoric", "\(shift)_epistemic", "\(shift)_logit_variance", "\(shift)_aleatoric_auroc", "\(shift)_epistemic_auroc", "\(shift)_logit_variance_auroc"]
            if shift != "fashion_mnist" { keys.append("\(shift)_error") }
        }
        for key in keys { #expect(metrics[key] is NSNumber, "evaluate --shifts lacks \(key): \(metrics)") }
        for (key, value) in metrics where key.hasSuffix("_auroc") {
            #expect((value as? Double).map { (0...1).contains($0) } == true, "\(key) \(value)")
        }

        // `predict` gives each image's logit variance beside the entropies.
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Data/mnist/t10k-images-idx3-ubyte.gz")
        let predict = try CommandLineTests.run(["predict", "--checkpoint", out.appendingPathComponent("model.safetensors").path, "--device", device,
                                                "--samples", "2", "--format", "csv", shipped.path])
        try #require(predict.status == 0, "\(predict.error)")
        let lines = predict.output.split(separator: "\n")
        #expect(lines.first == "file,index,predicted,probability,predictive_entropy,expected_entropy,mutual_information,logit_variance,"
                + (0..<10).map { "p\($0)" }.joined(separator: ","))
        #expect(lines.count == 10_001)
        let variance = lines.last.map { $0.split(separator: ",").map(String.init) }.flatMap { $0.count == 18 ? Double($0[7]) : nil }
        #expect(variance.map { $0 > 0 && $0.isFinite } == true, "\(lines.last ?? "")")
    }

    @Test func aRunResumedCorruptsAsTheWholeRun() throws {
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = directory.appendingPathComponent("whole"), parts = directory.appendingPathComponent("parts")
        for arguments in [Self.run(device: "cpu", epochs: 2, out: whole), Self.run(device: "cpu", epochs: 1, out: parts),
                          Self.run(device: "cpu", epochs: 2, out: parts, resume: true)] {
            let result = try CommandLineTests.run(arguments)
            try #require(result.status == 0, "\(arguments): \(result.error)")
        }
        let a = try SafetensorsFile.read(from: whole.appendingPathComponent("model.safetensors"))
        let b = try SafetensorsFile.read(from: parts.appendingPathComponent("model.safetensors"))
        #expect(a == b, "the resumed run's weights differ")
        #expect(a.metadata["deepbayes.corruption"] == "0.5")
    }

    @Test func theOptionsRefuseWhatMakesNoSense() throws {
        try CommandLineMessageTests.expectRefused(["train", "bnn", "--corrupt", "1.5"], "--corrupt 1.5 must lie in [0, 1]")
        try CommandLineMessageTests.expectRefused(["train", "vae", "--aleatoric"], "--aleatoric and --corrupt are for the classifiers (bnn, mcdropout, mlp, rnn)")
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("vae")
        try #require(try CommandLineTests.run(CommandLineMessageTests.tinyRun("vae", out: out)).status == 0)
        let checkpoint = out.appendingPathComponent("model.safetensors").path
        try CommandLineMessageTests.expectOneLine(["evaluate", "--checkpoint", checkpoint, "--shifts"],
                                                  "evaluate: invalid argument: --shifts measures classifiers; \(checkpoint) holds a vae")
        let aleatoric = directory.appendingPathComponent("aleatoric")
        try #require(try CommandLineTests.run(CommandLineMessageTests.tinyRun("bnn", out: aleatoric) + ["--aleatoric"]).status == 0)
        try CommandLineMessageTests.expectOneLine(
            ["export", "--checkpoint", aleatoric.appendingPathComponent("model.safetensors").path, "--out", directory.appendingPathComponent("torch").path],
            "export: invalid argument: a classifier with a learned logit variance has two outputs and no nn.Sequential form; export supports the others")
    }
}
