import Foundation
import Testing

/// `deepbayes train rnn --task text`, then `evaluate` and `sample` on its checkpoint, on a
/// tiny text in a temporary data folder (seconds), and the one-line refusals of options that
/// make no sense for a language model.
@Suite struct LanguageModelCommandTests {
    /// A data folder holding `text/cycle.txt`: a 10-character cycle, 1,200 characters.
    static func dataFolder(in directory: URL) throws -> URL {
        let data = directory.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data.appendingPathComponent("text"), withIntermediateDirectories: true)
        try Data(String(repeating: "abcdefghij", count: 120).utf8).write(to: data.appendingPathComponent("text/cycle.txt"))
        return data
    }

    @Test(arguments: ["plain", "bayesian", "mcdropout"])
    func trainEvaluateSample(variant: String) throws {
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try Self.dataFolder(in: directory), out = directory.appendingPathComponent("run")
        let flags = variant == "plain" ? [] : ["--\(variant)"]
        let train = try CommandLineTests.run(["train", "rnn", "--task", "text", "--cell", "gru", "--hidden", "16", "--bptt", "7", "--batch-size", "4",
                                              "--epochs", "2", "--lr", "0.01", "--samples", "2", "--data", data.path, "--text", "cycle",
                                              "--out", out.path] + flags)
        #expect(train.status == 0, "\(train.error)")
        let lines = try String(contentsOf: out.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        let record = try TrainingCommandTests.jsonObject(String(lines.last ?? ""))
        for key in ["epoch", "seconds", "learning_rate", "train_loss", "train_bpc", "validation_bpc"] + (variant == "bayesian" ? ["train_kl", "validation_bpc_mean"] : []) {
            #expect(record[key] is NSNumber, "metrics.jsonl lacks \(key): \(record)")
        }
        for file in ["model.safetensors", "best.safetensors"] { #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path)) }
        let best = out.appendingPathComponent("best.safetensors").path
        let evaluate = try CommandLineTests.run(["evaluate", "--checkpoint", best, "--data", data.path, "--samples", "2"])
        #expect(evaluate.status == 0, "\(evaluate.error)")
        let figures = try TrainingCommandTests.jsonObject(evaluate.output)
        #expect(figures["model"] as? String == "language_model" && figures["test_bpc"] is NSNumber && figures["validation_bpc"] is NSNumber, "\(figures)")
        let sample = { (seed: String) in try CommandLineTests.run(["sample", "--checkpoint", best, "--prompt", "abc", "--length", "30", "--temperature", "0.8", "--seed", seed]) }
        let first = try sample("4")
        #expect(first.status == 0, "\(first.error)")
        #expect(first.output.hasPrefix("abc") && first.output.count == 34, "\(first.output)")
        #expect(try sample("4").output == first.output)
        let outside = try CommandLineTests.run(["sample", "--checkpoint", best, "--prompt", "abz"])
        #expect(outside.status == 1 && outside.error.hasPrefix("error: ") && outside.error.split(separator: "\n").count == 1
                && outside.error.contains("character 'z' (0x7a) at offset 2 is not in the 10-character vocabulary"), "\(outside.error)")
    }

    @Test func refusals() throws {
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = ["train", "rnn", "--task", "text", "--out", directory.appendingPathComponent("run").path]
        for (extra, message) in [(["--aleatoric"], "--aleatoric is not an option of rnn --task text"),
                                 (["--corrupt", "0.5"], "--corrupt is not an option of rnn --task text"),
                                 (["--arch", "mlp"], "--arch is not an option of rnn: choose the cell with --cell lstm|gru"),
                                 (["--resume"], "--resume (a language model's run cannot be resumed) is not an option of rnn --task text"),
                                 (["--bptt", "0"], "--bptt 0 must lie in 1...10000")] {
            try InputLimitCommandTests.expectOutOfRange(text + extra, message)
        }
        try InputLimitCommandTests.expectOutOfRange(["train", "mlp", "--bptt", "10"], "--text, --bptt and --clip-norm are options of rnn --task text")
        for temperature in ["0", "-1", "nan", "inf"] {
            try InputLimitCommandTests.expectOutOfRange(["sample", "--checkpoint", "x", "--prompt", "a", "--temperature", temperature],
                                                        "--temperature \(Float(temperature)!) must be a positive finite number")
        }
        try InputLimitCommandTests.expectOutOfRange(["sample", "--checkpoint", "x", "--prompt", "a", "--length", "0"], "--length 0 must lie in 1...100000")
        let data = try Self.dataFolder(in: directory)
        try CommandLineMessageTests.expectOneLine(text + ["--data", data.path, "--text", "missing"],
                                                  "\(data.path)/text/missing.txt: no such text; \(data.path)/text has: cycle")
    }
}
