import Foundation
import Testing

/// `deepbayes reproduce blundell2015` end to end on a few hundred images: Table 1 for two
/// cells, printed beside the paper's figures, trained once and not again; Table 2 pruning the
/// scale-mixture cell, with its pictures; and the one-line refusals of what it cannot run.
@Suite struct ReproduceCommandTests {
    static let small = ["--units", "16", "--epochs", "2", "--train-limit", "300", "--validation", "60", "--test-limit", "100", "--samples", "2"]

    @Test func aTwoCellGridPrintsBesideThePaperAndIsNotTrainedTwice() throws {
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("grid").path
        let arguments = ["reproduce", "blundell2015", "--methods", "sgd,mixture"] + Self.small + ["--out", out]
        let first = try CommandLineTests.run(arguments)
        #expect(first.status == 0, "\(first.error)")
        #expect(first.output.contains("| SGD, no regularisation |") && first.output.contains("| Bayes by Backprop, scale-mixture prior |"), "\(first.output)")
        #expect(first.error.contains("sgd-16: trained") && first.error.contains("mixture-16: trained"), "\(first.error)")
        let result = try TrainingCommandTests.jsonObject(String(contentsOfFile: out + "/table1/mixture-16/result.json", encoding: .utf8))
        #expect((result["command"] as? String)?.hasPrefix("deepbayes train bnn --hidden 16 16 --epochs 2 --validation 60 --input-scale 1/126") == true)
        #expect(FileManager.default.fileExists(atPath: out + "/table1.md"))

        let second = try CommandLineTests.run(arguments)
        #expect(second.status == 0, "\(second.error)")
        #expect(second.error.contains("sgd-16: already trained") && second.error.contains("mixture-16: already trained"), "\(second.error)")
        #expect(second.output == first.output)

        let pruning = try CommandLineTests.run(["reproduce", "blundell2015", "--table", "2"] + Self.small + ["--out", out])
        #expect(pruning.status == 0, "\(pruning.error)")
        #expect(!pruning.error.contains("trained"), "table 2 reuses the trained cell: \(pruning.error)")
        for fraction in ["0%", "50%", "75%", "95%", "98%"] { #expect(pruning.output.contains("| \(fraction) |"), "\(pruning.output)") }
        for plot in ["snr-density", "snr-cdf", "weights"] {
            #expect(FileManager.default.fileExists(atPath: out + "/table2/mixture-16-\(plot).svg"), "\(plot)")
        }
    }

    @Test func whatTheGridCannotRunIsRefusedInOneLine() throws {
        for (arguments, words) in [(["--methods", "sgd,bayes"], "--methods: 'bayes' is not one of sgd, dropout, gaussian, mixture"),
                                   (["--units", "400,0"], "--units: '0' is not a width of at least 1"),
                                   (["--table", "3"], "--table 3 must be 1 or 2")] {
            let run = try CommandLineTests.run(["reproduce", "blundell2015"] + arguments)
            #expect(run.status == 64 && run.error.contains(words), "\(arguments): \(run.error)")
        }
        let huge = try CommandLineTests.run(["reproduce", "blundell2015", "--units", "4611686018427387904", "--out", "/tmp/deepbayes-never"])
        #expect(huge.status == 1 && huge.error.hasPrefix("error: ") && huge.error.contains("would need"), "\(huge.error)")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/deepbayes-never"))
    }
}
