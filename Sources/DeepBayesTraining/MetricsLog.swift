import DeepBayesCore
import DeepBayesFiles
import Foundation

/// `metrics.jsonl`: one JSON object per epoch, the whole file rewritten atomically after each
/// epoch so that a crash never leaves a torn line.
public final class MetricsLog {
    public let url: URL
    private var lines: [String] = []

    public init(url: URL) {
        self.url = url
    }

    /// The log of a run being resumed after `epochs` whole epochs: the lines of the file for
    /// epochs 1...`epochs` (a line beyond them would be rewritten anyway; a missing file or a
    /// line that is not one of ours is `invalidFile`).
    public init(resuming url: URL, epochs: Int) throws {
        self.url = url
        guard epochs > 0 else { return }
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw DeepBayesError.invalidFile(path: url.path, reason: "cannot be read, and a resumed run continues it")
        }
        for line in text.split(separator: "\n") {
            guard let epoch = Self.leadingInteger(line, key: "epoch") else {
                throw DeepBayesError.invalidFile(path: url.path, reason: "holds a line that is not an epoch's record: \(line.prefix(40))")
            }
            if epoch <= epochs { lines.append(String(line)) }
        }
    }

    /// The number under `key` of every line that has one, with the line's epoch, in order.
    public func numbers(_ key: String) -> [(epoch: Int, value: Double)] {
        table.rows.compactMap { row in
            guard let epoch = row["epoch"].flatMap({ Int(exactly: $0) }), let value = row[key] else { return nil }
            return (epoch, value)
        }
    }

    /// The numbers of the log's lines (see `Table`).
    public var table: Table { Self.table(lines) }

    /// The numbers of a JSON-lines log of ours (`metrics.jsonl`, `steps.jsonl`): one row per
    /// line that is a JSON object, holding its numbers by key (a `null`, what `jsonObject`
    /// writes for a non-finite number, and a string are left out).
    public struct Table {
        /// The keys that hold a number on some line, in the order they first appear.
        public let keys: [String]
        /// Each line's numbers by key.
        public let rows: [[String: Double]]

        /// The rows that hold both `x` and `key`: their values of `x` and of `key`, in order.
        public func series(_ key: String, by x: String) -> (x: [Double], y: [Double]) {
            let kept = rows.compactMap { row in row[x].flatMap { a in row[key].map { (a, $0) } } }
            return (kept.map(\.0), kept.map(\.1))
        }
    }

    /// The table of the lines of `text`.
    public static func table(of text: String) -> Table { table(text.split(separator: "\n")) }

    private static func table(_ lines: [some StringProtocol]) -> Table {
        var keys: [String] = [], rows: [[String: Double]] = []
        for line in lines {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
            let numbers = object.compactMapValues { ($0 as? NSNumber)?.doubleValue }
            // A dictionary forgets the order: the line's text has it.
            let position = { (key: String) in line.range(of: "\"\(key)\":")?.lowerBound ?? line.endIndex }
            keys += numbers.keys.filter { !keys.contains($0) }.sorted { position($0) < position($1) }
            rows.append(numbers)
        }
        return Table(keys: keys, rows: rows)
    }

    /// The epoch whose line holds the best number under the selection's metric (the earliest of
    /// equal ones), or nil when no line has a number there.
    public func best(of selection: ModelSelection) -> (epoch: Int, value: Double)? {
        numbers(selection.metric).reduce(nil) { best, line in selection.improves(line.value, on: best?.value) ? line : best }
    }

    /// Appends one epoch's record and rewrites the file.
    ///
    /// The record joins the log only once the file holding it is on disk: after a failed write
    /// the log, in memory and on disk, is as it was before the call.
    public func append(_ fields: [(String, Any)]) throws {
        let updated = lines + [try Self.jsonObject(fields)]
        try AtomicFile.write(Data((updated.joined(separator: "\n") + "\n").utf8), to: url)
        lines = updated
    }

    /// The integer a line of ours opens with, `{"key": 12, ...`, or nil for another line.
    static func leadingInteger(_ line: Substring, key: String) -> Int? {
        let opening = "{\"\(key)\": "
        guard line.hasPrefix(opening) else { return nil }
        return Int(line.dropFirst(opening.count).prefix { $0.isNumber })
    }

    /// `value` as the shortest decimal that reads back as it (a learning rate of 0.001, not
    /// the 0.0010000000474974513 its widening to `Double` gives).
    static func decimal(_ value: Float) -> Double { Double(String(value)) ?? Double(value) }

    /// A JSON object with the keys in the given order (numbers, strings, booleans).
    public static func jsonObject(_ fields: [(String, Any)]) throws -> String {
        let parts = try fields.map { key, value -> String in
            let encodedKey = String(decoding: try JSONSerialization.data(withJSONObject: key, options: .fragmentsAllowed), as: UTF8.self)
            let encodedValue: String
            if let number = value as? Double, !number.isFinite {
                encodedValue = "null"
            } else {
                encodedValue = String(decoding: try JSONSerialization.data(withJSONObject: value, options: .fragmentsAllowed), as: UTF8.self)
            }
            return "\(encodedKey): \(encodedValue)"
        }
        return "{" + parts.joined(separator: ", ") + "}"
    }
}
