import Foundation
import Testing

/// `deepbayes-bench --pytorch FILE`: the JSON lines of `Scripts/pytorch-reference.py` printed
/// beside the measured rows of the same kernel and shape, with the time ratio, and the one-line
/// errors for a file that is not such lines. The measured row is the quickest one, the 128³
/// matmul timed once; the PyTorch rows are hand-written.
@Suite struct BenchPyTorchTests {
    /// `deepbayes-bench`, built beside `deepbayes`.
    static let bench = CommandLineTests.executable.deletingLastPathComponent().appendingPathComponent("deepbayes-bench")

    /// A row for the measured 128³ matmul, one for a shape nothing measures, and a blank line.
    static let rows = """
        {"kernel": "matmul", "backend": "pytorch", "shape": "128^3", "median_ms": 0.5, "ratio": null, "threads": 1, "torch": "2.5.1", "steps": 50}

        {"kernel": "matmul", "backend": "pytorch", "shape": "7^3", "median_ms": 9}

        """

    /// Writes `text` to a new temporary file and returns its path.
    static func file(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pytorch-\(UUID().uuidString).jsonl")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Runs the bench on the 128³ matmul once with `--pytorch path` and `extra` arguments.
    static func runMatmul(pytorch path: String, _ extra: [String] = []) throws -> CommandLineTests.Result {
        try CommandLineTests.run(["--device", "cpu", "--filter", "128^3", "--runs", "1", "--pytorch", path] + extra, executable: bench)
    }

    @Test func jsonPrintsTheMatchingRowAfterTheMeasuredOneWithDeepBayesOverPyTorchTime() throws {
        let path = try Self.file(Self.rows)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try Self.runMatmul(pytorch: path, ["--json"])
        #expect(result.status == 0, "\(result.error)")
        let lines = try result.output.split(separator: "\n").map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        try #require(lines.count == 2, "\(result.output)")
        let (measured, pytorch) = (lines[0], lines[1])
        #expect(measured["backend"] as? String == "cpu")
        #expect(pytorch["backend"] as? String == "pytorch" && pytorch["shape"] as? String == "128^3", "the row as read")
        #expect(pytorch["threads"] as? Int == 1 && pytorch["torch"] as? String == "2.5.1" && pytorch["steps"] as? Int == 50)
        #expect(pytorch["deepbayes_backend"] as? String == "cpu")
        let deepbayesMilliseconds = try #require(measured["median_ms"] as? Double)
        let ratio = try #require(pytorch["deepbayes_over_pytorch_time"] as? Double)
        #expect(abs(ratio - deepbayesMilliseconds / 0.5) <= 1e-3 + 1e-3 * ratio, "DeepBayes time / PyTorch time, rounded to 3 decimals")
        #expect(!result.error.contains("no row of"), "a row matched")
    }

    @Test func tablePrintsTheRatioAndWhichWayItGoes() throws {
        let path = try Self.file(Self.rows)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try Self.runMatmul(pytorch: path)
        #expect(result.status == 0, "\(result.error)")
        let lines = result.output.split(separator: "\n")
        try #require(lines.count == 2, "\(result.output)")
        #expect(lines[0].hasPrefix("matmul") && lines[0].contains("128^3"))
        #expect(lines[1].contains("pytorch") && lines[1].contains("0.500 ms"))
        #expect(lines[1].contains("deepbayes time / pytorch time") && lines[1].contains("below 1: deepbayes faster"))
        #expect(lines[1].contains("[torch 2.5.1, 1 thread, scaled from 50 steps]"))
    }

    @Test func aFileThatMatchesNoMeasuredRowIsSaid() throws {
        let path = try Self.file(#"{"kernel": "train epoch", "shape": "gan mlp, batch 128", "median_ms": 1000}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try Self.runMatmul(pytorch: path, ["--json"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.split(separator: "\n").count == 1, "the measured row alone")
        #expect(result.error == "no row of \(path) has the kernel and shape of a measured row\n")
    }

    @Test(arguments: [
        ("{\"kernel\": \"matmul\", \"shape\": \"128^3\"", "not a JSON object"),
        ("[1, 2]", "not a JSON object"),
        ("{\"kernel\": \"matmul\", \"median_ms\": 1}", "lacks the string fields \"kernel\" and \"shape\""),
        ("{\"kernel\": \"matmul\", \"shape\": \"128^3\", \"median_ms\": \"fast\"}", "\"median_ms\" is not a positive number"),
        ("{\"kernel\": \"matmul\", \"shape\": \"128^3\", \"median_ms\": 0}", "\"median_ms\" is not a positive number"),
    ])
    func aMalformedLineIsAOneLineErrorNamingTheFileAndLine(line: String, reason: String) throws {
        // The valid rows take lines 1 to 3; the malformed one is line 5, after a blank line.
        let path = try Self.file(Self.rows + "\n" + line + "\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try Self.runMatmul(pytorch: path)
        #expect(result.status == 1)
        #expect(result.output.isEmpty, "refused before measuring")
        #expect(result.error == "Error: \(path):5: \(reason)\n")
    }

    @Test func aMissingFileIsAOneLineError() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString).jsonl").path
        let result = try Self.runMatmul(pytorch: path)
        #expect(result.status == 1)
        #expect(result.error == "Error: \(path): cannot be read\n")
    }
}
