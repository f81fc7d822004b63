import DeepBayesFiles
import Foundation
import Testing

/// `deepbayes rotate` end to end on a tiny trained classifier: the four files and their
/// sizes, and the refusals of options and checkpoints it cannot use.
@Suite(.timeLimit(.minutes(5))) struct RotateCommandTests {
    @Test func writesTheFigureTheStripAndTheTables() throws {
        let checkpoint = try PredictCommandTests.checkpoint.get()
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("rotated")
        let result = try CommandLineTests.run(["rotate", "--checkpoint", checkpoint.path, "--checkpoint", checkpoint.path,
                                               "--step", "45", "--samples", "3", "--out", out.path])
        #expect(result.status == 0, "\(result.error)")
        let names = ["rotated-digit.svg", "rotated-digit.png", "rotated-digit.csv", "rotated-digit-samples.csv"]
        #expect(result.output == names.map { out.appendingPathComponent($0).path + "\n" }.joined())
        let svg = try String(contentsOf: out.appendingPathComponent(names[0]), encoding: .utf8)
        #expect(svg.hasPrefix("<svg ") && svg.contains("Test digit 2 (a 1) turned from 0° to 180° by 45°"))
        // Two checkpoints of one kind are told apart by their files.
        #expect(svg.contains("bnn (\(checkpoint.path)): uncertainty"))
        let strip = try PNGImage.decode(Data(contentsOf: out.appendingPathComponent(names[1])), path: names[1])
        #expect(strip.width == 5 * 30 + 2 && strip.height == 32)
        let summary = try String(contentsOf: out.appendingPathComponent(names[2]), encoding: .utf8).split(separator: "\n")
        #expect(summary.count == 1 + 2 * 5)
        let samples = try String(contentsOf: out.appendingPathComponent(names[3]), encoding: .utf8).split(separator: "\n")
        #expect(samples.count == 1 + 2 * 5 * 3)
    }

    @Test func refusesWhatItCannotUse() throws {
        try CommandLineMessageTests.expectRefused(["rotate", "--checkpoint", "x", "--step", "0"],
                               "need finite angles, --to ≥ --from and --step > 0, got 0.0...180.0 by 0.0")
        try CommandLineMessageTests.expectRefused(["rotate", "--checkpoint", "x", "--digit", "10"], "--digit 10 must lie in 0...9")
        try CommandLineMessageTests.expectRefused(["rotate"], "give at least one --checkpoint (a bnn, mcdropout or mlp model.safetensors)")
        let checkpoint = try PredictCommandTests.checkpoint.get()
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try CommandLineMessageTests.expectOneLine(["rotate", "--checkpoint", checkpoint.path, "--index", "10000", "--samples", "1",
                                                   "--out", directory.path],
                                                  "--index: invalid argument: 10000 is outside the test set's 0..<10000")
    }
}
