import Foundation
import Testing

/// `deepbayes regression` end to end on a tiny setting (a few hundred steps, seconds), and the
/// refusals of options that make no sense: exit status 64 and a line naming the option.
@Suite struct RegressionCommandTests {
    @Test func aTinyRunWritesThePictureTheTableAndTheFiles() throws {
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("regression")
        let run = try CommandLineTests.run(["regression", "--curve", "heteroscedastic", "--points", "60", "--steps", "200", "--hidden", "16",
                                            "--samples", "8", "--seed", "3", "--out", out.path])
        #expect(run.status == 0, "\(run.error)")
        for model in ["bnn", "mcdropout", "mlp"] {
            #expect(run.output.contains("\n\(model) "), "the table has a line per model: \(run.output)")
            #expect(run.error.contains("\(model): 200 steps"), "\(run.error)")
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("\(model).safetensors").path))
        }
        let svg = try String(contentsOf: out.appendingPathComponent("regression.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg ") && svg.hasSuffix("</svg>\n"))
        let summary = try TrainingCommandTests.jsonObject(String(contentsOf: out.appendingPathComponent("summary.json"), encoding: .utf8))
        #expect(summary["curve"] as? String == "heteroscedastic" && summary["points"] as? Int == 60 && summary["steps"] as? Int == 200)
        let models = try #require(summary["models"] as? [[String: Any]])
        #expect(models.map { $0["model"] as? String } == ["bnn", "mcdropout", "mlp"])
        #expect(models.allSatisfy { $0["epistemicWidthInside"] is NSNumber && $0["passes"] is Bool })
        let csv = try String(contentsOf: out.appendingPathComponent("predictions.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 1 + 3 * 281)
    }

    @Test func optionsThatMakeNoSenseAreRefused() throws {
        for (arguments, words) in [(["--curve", "parabola"], "--curve"),
                                   (["--curve", "blundell", "--models", "bnn,gp"], "--models: 'gp' is not one of bnn, mcdropout, mlp"),
                                   (["--curve", "blundell", "--models", "bnn,bnn"], "--models names a model twice"),
                                   (["--curve", "blundell", "--points", "0"], "--points 0 must lie in 1...100000"),
                                   (["--curve", "blundell", "--steps", "0"], "--steps 0 must lie in 1...1000000"),
                                   (["--curve", "blundell", "--samples", "1"], "--samples 1 must lie in 2...1000"),
                                   (["--curve", "blundell", "--samples", "5000"], "--samples 5000 must lie in 2...1000"),
                                   (["--curve", "blundell", "--hidden", "0"], "--hidden 0 must lie in 1...4096"),
                                   (["--curve", "blundell", "--lr", "nan"], "--lr nan must be a positive finite number"),
                                   (["--curve", "blundell", "--out", ""], "--out is empty")] {
            let run = try CommandLineTests.run(["regression"] + arguments)
            #expect(run.status == 64 && run.error.contains(words), "\(arguments): \(run.status) \(run.error)")
        }
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("a-file")
        try Data("x".utf8).write(to: file)
        let blocked = try CommandLineTests.run(["regression", "--curve", "blundell", "--steps", "1", "--out", file.path])
        #expect(blocked.status == 1 && blocked.error.hasPrefix("error: ") && blocked.error.contains("not a folder"), "\(blocked.error)")
        #expect(blocked.error.split(separator: "\n").count == 1)
        let huge = try CommandLineTests.run(["regression", "--curve", "blundell", "--points", "100000", "--hidden", "4096", "4096", "4096", "4096",
                                             "--out", directory.appendingPathComponent("never").path])
        #expect(huge.status == 1 && huge.error.hasPrefix("error: ") && huge.error.contains("would need"), "\(huge.error)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("never").path))
    }
}
