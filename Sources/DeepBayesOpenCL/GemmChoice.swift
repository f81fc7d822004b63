import Foundation

/// The `gemm_blocked` configuration of one device, found at most once per process: the
/// device's `OpenCLRuntime` holds one, so every backend on the device shares the answer and a
/// process without a cache folder tunes once. Thread-safe; a second caller waits for the first
/// one's tuning. A failed search is not remembered (the next call tries again).
final class GemmChoice {
    private let lock = NSLock()
    /// nil: not searched yet; `.some(nil)`: searched, no configuration passed.
    private var found: GemmConfiguration??

    /// The remembered configuration, or the result of `search` (remembered) on the first call.
    func configuration(_ search: () throws -> GemmConfiguration?) rethrows -> GemmConfiguration? {
        lock.lock()
        defer { lock.unlock() }
        if let found { return found }
        let configuration = try search()
        found = .some(configuration)
        return configuration
    }
}
