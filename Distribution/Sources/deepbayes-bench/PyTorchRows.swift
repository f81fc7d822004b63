import Foundation

/// One row of `Scripts/pytorch-reference.py`'s JSON lines: the same fields as a
/// `deepbayes-bench --json` row (`kernel`, `shape`, `median_ms`, ...) and the script's own
/// (`threads`, `torch`, `steps`, ...), kept as read so that `--json` can print it again.
struct PyTorchRow {
    let kernel: String
    let shape: String
    let medianMilliseconds: Double
    /// Every field of the line, as read.
    let fields: [String: Any]

    /// "torch 2.5.1, 2 threads, scaled from 50 steps": what the line says of how it was measured.
    var provenance: String {
        var parts: [String] = []
        if let version = fields["torch"] as? String { parts.append("torch \(version)") }
        if let threads = number(fields["threads"]).map(Int.init) { parts.append("\(threads) thread\(threads == 1 ? "" : "s")") }
        if let steps = number(fields["steps"]).map(Int.init) { parts.append("scaled from \(steps) steps") }
        return parts.joined(separator: ", ")
    }
}

/// A JSON number as `JSONSerialization` reads it (an `NSNumber`), as a `Double`; nil for anything
/// else, `true` and `false` included (they are `NSNumber`s too, of the boolean class).
private func number(_ value: Any?) -> Double? {
    guard let number = value as? NSNumber, type(of: number) != type(of: NSNumber(value: true)) else { return nil }
    return number.doubleValue
}

/// A line of a `--pytorch` file that is not a row, named by file and line (from 1).
struct PyTorchFileError: Error, CustomStringConvertible {
    let path: String
    let line: Int?
    let reason: String

    var description: String { "\(path)\(line.map { ":\($0)" } ?? ""): \(reason)" }
}

/// The rows of a `--pytorch` file, matched to the measured rows of the same kernel and shape.
struct PyTorchRows {
    let path: String
    let rows: [PyTorchRow]
    /// Whether any measured row found its PyTorch row (`row(matching:)`).
    private(set) var matchedAny = false

    /// Reads the JSON lines at `path` (blank lines skipped); throws `PyTorchFileError` for a file
    /// that cannot be read or a line that is not a JSON object with a string `kernel` and
    /// `shape` and a positive `median_ms`.
    init(path: String) throws {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PyTorchFileError(path: path, line: nil, reason: "cannot be read")
        }
        var rows: [PyTorchRow] = []
        for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            let failure = { (reason: String) in PyTorchFileError(path: path, line: index + 1, reason: reason) }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)), let fields = object as? [String: Any] else {
                throw failure("not a JSON object")
            }
            guard let kernel = fields["kernel"] as? String, let shape = fields["shape"] as? String else {
                throw failure("lacks the string fields \"kernel\" and \"shape\"")
            }
            guard let milliseconds = number(fields["median_ms"]), milliseconds > 0, milliseconds.isFinite else {
                throw failure("\"median_ms\" is not a positive number")
            }
            rows.append(PyTorchRow(kernel: kernel, shape: shape, medianMilliseconds: milliseconds, fields: fields))
        }
        self.rows = rows
    }

    /// The PyTorch row of `m`'s kernel and shape (the last one the file holds), if any.
    mutating func row(matching m: Measurement) -> PyTorchRow? {
        guard let row = rows.last(where: { $0.kernel == m.kernel && $0.shape == m.shape }) else { return nil }
        matchedAny = true
        return row
    }
}

extension Report {
    /// Prints `row` beside the DeepBayes row `m` of the same kernel and shape, with the time
    /// ratio `m`'s time / `row`'s time (below 1: DeepBayes is faster). As JSON: the row as read,
    /// plus `deepbayes_backend` and that ratio as `deepbayes_over_pytorch_time`.
    func print(_ row: PyTorchRow, beside m: Measurement) {
        let ratio = m.medianMilliseconds / row.medianMilliseconds
        if json {
            var object = row.fields
            object["deepbayes_backend"] = m.backend
            object["deepbayes_over_pytorch_time"] = (ratio * 1e3).rounded() / 1e3
            let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            Swift.print(String(decoding: data, as: UTF8.self))
        } else {
            let throughput = m.throughput * m.medianMilliseconds / row.medianMilliseconds
            let columns = [
                "".padding(toLength: 22, withPad: " ", startingAt: 0),
                "pytorch",
                "".padding(toLength: 42, withPad: " ", startingAt: 0),
                String(format: "%10.3f ms", row.medianMilliseconds),
                String(format: "%9.2f %@", throughput, m.unit),
                String(format: "  deepbayes time / pytorch time %5.2f (below 1: deepbayes faster)", ratio),
                row.provenance.isEmpty ? "" : "  [\(row.provenance)]",
            ]
            Swift.print(columns.joined(separator: " "))
        }
    }
}
