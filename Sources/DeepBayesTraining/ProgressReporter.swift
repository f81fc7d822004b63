import Foundation

/// Training and evaluation progress on standard error: one line rewritten in place (batch,
/// loss, items/s, ETA; chunks evaluated) when standard error is a terminal, otherwise a plain
/// line per epoch and nothing during evaluation.
public final class ProgressReporter {
    private let interactive: Bool
    private var lastDraw = Date.distantPast

    public init(interactive: Bool = isatty(STDERR_FILENO) == 1) {
        self.interactive = interactive
    }

    /// Called after every batch; redraws at most ten times a second. `secondsLeft` is the
    /// epoch's, `runSecondsLeft` the whole run's (its evaluations included).
    public func batch(epoch: Int, epochs: Int, index: Int, batches: Int, loss: Float, itemsPerSecond: Double, secondsLeft: Double,
                      runSecondsLeft: Double) {
        guard interactive, Date().timeIntervalSince(lastDraw) > 0.1 || index == batches else { return }
        lastDraw = Date()
        let line = String(format: "\r\u{1B}[Kepoch %d/%d  batch %d/%d  loss %.4f  %.0f items/s  ETA %@ (run %@)",
                          epoch, epochs, index, batches, loss, itemsPerSecond, Self.duration(secondsLeft), Self.duration(runSecondsLeft))
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Runs an evaluation, handing `body` the callback it calls after every chunk (`done` of
    /// `total`): "evaluating 3/20 chunks  ETA 41s", rewritten in place on a terminal only, and
    /// cleared when `body` returns or throws, so what follows starts clean.
    public func evaluating<T>(_ body: (_ progress: (_ done: Int, _ total: Int) -> Void) throws -> T) rethrows -> T {
        let start = Date()
        defer { if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }
        return try body { done, total in self.evaluation(done: done, total: total, since: start) }
    }

    private func evaluation(done: Int, total: Int, since start: Date) {
        guard interactive, Date().timeIntervalSince(lastDraw) > 0.1 || done == total else { return }
        lastDraw = Date()
        let seconds = Date().timeIntervalSince(start)
        let line = String(format: "\r\u{1B}[Kevaluating %d/%d chunks  ETA %@", done, total,
                          Self.duration(seconds / Double(done) * Double(total - done)))
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Called after every epoch with its summary.
    public func epoch(_ summary: String) {
        FileHandle.standardError.write(Data(((interactive ? "\r\u{1B}[K" : "") + summary + "\n").utf8))
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}
