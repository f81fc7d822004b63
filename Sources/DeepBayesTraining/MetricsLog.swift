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

    /// Appends one epoch's record and rewrites the file.
    ///
    /// The record joins the log only once the file holding it is on disk: after a failed write
    /// the log, in memory and on disk, is as it was before the call.
    public func append(_ fields: [(String, Any)]) throws {
        let updated = lines + [try Self.jsonObject(fields)]
        try AtomicFile.write(Data((updated.joined(separator: "\n") + "\n").utf8), to: url)
        lines = updated
    }

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
