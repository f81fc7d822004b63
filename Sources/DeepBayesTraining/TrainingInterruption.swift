import Foundation

/// A request to stop a training run at the end of its current step, set from another thread
/// (the command line's Ctrl-C handler) and read by `Trainer` after every step.
public final class InterruptionRequest: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false

    public init() {}

    /// Whether a stop was asked for.
    public var isRequested: Bool {
        lock.lock()
        defer { lock.unlock() }
        return requested
    }

    /// Asks for the stop; returns whether it had been asked for already.
    @discardableResult
    public func request() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let before = requested
        requested = true
        return before
    }
}

/// Thrown by `Trainer.run` when an `InterruptionRequest` stopped it: the model, the optimizers'
/// state and the pictures are written at `position`, from which `--resume` continues.
public struct TrainingInterrupted: Error, CustomStringConvertible {
    /// The output folder.
    public let run: String
    public let position: TrainingPosition

    public var description: String { "\(run): interrupted at \(position); the checkpoint is saved" }
}
