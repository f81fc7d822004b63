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

        // `predict` on a saved regressor: numbers and a file of numbers in, a record per input out.
        let numbers = directory.appendingPathComponent("x.txt")
        try Data("0.1, 0.3\n1.2\n".utf8).write(to: numbers)
        for model in ["bnn", "mcdropout", "mlp"] {
            let predict = try CommandLineTests.run(["predict", "--checkpoint", out.appendingPathComponent("\(model).safetensors").path, "--samples", "8",
                                                    "0.25", numbers.path])
            try #require(predict.status == 0, "\(model): \(predict.error)")
            let records = try predict.output.split(separator: "\n").map { try TrainingCommandTests.jsonObject(String($0)) }
            #expect(records.compactMap { $0["x"] as? Double } == [0.25, 0.1, 0.3, 1.2])  // each Float written in its shortest decimal
            for record in records {
                let values = ["mean", "epistemic_variance", "aleatoric_variance", "total_variance"].compactMap { record[$0] as? Double }
                try #require(values.count == 4, "\(record)")
                #expect(values[1] >= 0 && values[2] >= 0 && abs(values[3] - values[1] - values[2]) <= 1e-6 * max(1, values[3]), "\(model): \(record)")
                // The plain network has no band: one pass and no noise model.
                if model == "mlp" { #expect(values[1] == 0 && values[2] == 0) } else { #expect(values[2] > 0) }
            }
        }
        let csvRecords = try CommandLineTests.run(["predict", "--checkpoint", out.appendingPathComponent("bnn.safetensors").path, "--format", "csv", "0.5"])
        #expect(csvRecords.output.hasPrefix("x,mean,epistemic_variance,aleatoric_variance,total_variance\n0.5,"), "\(csvRecords.output)")
        let bad = directory.appendingPathComponent("bad.txt")
        try Data("0.1 two 0.3".utf8).write(to: bad)
        let refused = try CommandLineTests.run(["predict", "--checkpoint", out.appendingPathComponent("bnn.safetensors").path, bad.path])
        #expect(refused.status == 1 && refused.error == "error: \(bad.path): value 2, 'two', is not a finite number\n", "\(refused.error)")
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
