import DeepBayesCore
import DeepBayesFiles
import Foundation

/// `steps.jsonl`: with `--log-every N`, one JSON object per N-th step: `step` (from 1 over the
/// whole run), `epoch`, `batch`, `learning_rate` and the step's losses.
///
/// Lines are appended as they come (one `write` each, so a reader sees whole lines; a
/// `kill -9` can at most cut the last one). A new run starts the file afresh; a resumed one
/// keeps the lines up to the step it resumes from.
public final class StepLog {
    public let url: URL
    /// Every how many steps a line is written.
    public let every: Int
    private let handle: FileHandle

    /// Opens the log for a run at `step` steps done (0 for a new run), keeping the lines of
    /// steps 1...`step` of the file that is there.
    public init(url: URL, every: Int, resumingAfter step: Int) throws {
        self.url = url
        self.every = every
        var kept = ""
        if step > 0, let text = try? String(contentsOf: url, encoding: .utf8) {
            for line in text.split(separator: "\n") {
                if let number = MetricsLog.leadingInteger(line, key: "step"), number <= step { kept += line + "\n" }
            }
        }
        try AtomicFile.write(Data(kept.utf8), to: url)
        do {
            handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
        } catch {
            throw DeepBayesError.invalidFile(path: url.path, reason: "cannot be opened for appending: \(error.localizedDescription)")
        }
    }

    deinit { try? handle.close() }

    /// Writes step `step`'s line if `step` is a multiple of `every`.
    public func record(step: Int, epoch: Int, batch: Int, learningRate: Float, losses: [(String, Float)]) throws {
        guard step % every == 0 else { return }
        let fields: [(String, Any)] = [("step", step), ("epoch", epoch), ("batch", batch), ("learning_rate", MetricsLog.decimal(learningRate))]
            + losses.map { ($0.0, Double($0.1) as Any) }
        do {
            try handle.write(contentsOf: Data((try MetricsLog.jsonObject(fields) + "\n").utf8))
        } catch {
            throw DeepBayesError.invalidFile(path: url.path, reason: "cannot be written: \(error.localizedDescription)")
        }
    }
}
