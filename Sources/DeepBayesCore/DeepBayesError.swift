/// Every failure DeepBayes reports: each case names the operation or resource and what was wrong.
public enum DeepBayesError: Error, Equatable, CustomStringConvertible {
    /// Operand shapes do not fit the operation.
    case shapeMismatch(operation: String, reason: String)
    /// A scalar argument is out of its domain (a negative stride, a probability outside [0, 1], ...).
    case invalidArgument(operation: String, reason: String)
    /// An operation received tensors that live on different backends.
    case backendMismatch(operation: String, expected: String, found: String)
    /// `--device` named a backend that is not registered.
    case unknownBackend(name: String, available: [String])
    /// The backend exists but cannot start here (for OpenCL: no platform or no device);
    /// `hint` is the backend's own advice on how to make it available, if it has any.
    case backendUnavailable(name: String, reason: String, hint: String?)
    /// A device API call failed; `code` is the API's own name for the error.
    case deviceFailure(call: String, code: String)
    /// A tensor of `bytes` (nil: more than any device can address) exceeds the largest single
    /// allocation the backend's device allows, or the device's memory even after the backend
    /// released its idle buffers and retried.
    case allocationTooLarge(backend: String, bytes: Int?, limit: Int?)
    /// A tensor's storage is not of the kind its backend makes (a `Tensor` built by hand).
    case foreignStorage(backend: String, found: String)
    /// A file could not be read or written, or its contents are not what they claim to be
    /// (missing, truncated, a wrong magic number, mismatched sizes); `path` names the file.
    case invalidFile(path: String, reason: String)
    /// Numbers that must be finite are NaN or infinite, which means a model's weights have
    /// diverged: `source` names the checkpoint or run, `finding` says which numbers (a model's
    /// predictions, a checkpoint's tensor). The advice is to train again with a lower rate.
    case diverged(source: String, finding: String)
    /// Work whose size came from outside (an option, a checkpoint's model description, a file's
    /// header) would need `bytes` of memory, estimated before anything was allocated, more than
    /// `holder` (a device, or this process on the host) can give: `limit` bytes. `subject` names
    /// the number and what it sizes ("--hidden 2147483648: training the model").
    case exceedsMemory(subject: String, bytes: Double, limit: Int, holder: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(operation, reason):
            return "\(operation): shape mismatch: \(reason)"
        case let .invalidArgument(operation, reason):
            return "\(operation): invalid argument: \(reason)"
        case let .backendMismatch(operation, expected, found) where expected == found:
            return "\(operation): the tensors belong to two different \(expected) backends (two instances of one kind); make the backend once"
                + " and share it (BackendRegistry.makeBackend gives the same one for the same device)"
        case let .backendMismatch(operation, expected, found):
            return "\(operation): tensors from different backends (expected \(expected), got \(found))"
        case let .unknownBackend(name, available):
            return "unknown device '\(name)'; available: \(available.joined(separator: ", "))"
        case let .backendUnavailable(name, reason, hint):
            return "device '\(name)' is unavailable: \(reason)" + (hint.map { " (\($0))" } ?? "")
        case let .deviceFailure(call, code):
            return "\(call) failed with \(code)"
        case let .allocationTooLarge(backend, bytes, limit):
            let asked = bytes.map { "\($0) bytes" } ?? "more bytes than fit in 64 bits"
            return "\(backend): cannot allocate \(asked)" + (limit.map { "; the device allows at most \($0) bytes" } ?? "")
        case let .foreignStorage(backend, found):
            return "\(backend): tensor storage of type \(found) was not made by this backend"
        case let .invalidFile(path, reason):
            return "\(path): \(reason)"
        case let .diverged(source, finding):
            return "\(source): \(finding): the weights have diverged; train again with a lower --lr"
        case let .exceedsMemory(subject, bytes, limit, holder):
            return "\(subject) would need \(BackendCapabilities.bytes(bytes)), more than the \(BackendCapabilities.bytes(Double(limit))) \(holder) can hold"
        }
    }
}

/// An error that belongs to one backend (for OpenCL: a kernel build log, missing kernel
/// sources). Backends define their own types; front ends print `description` and `hint`
/// without knowing which backend failed.
public protocol BackendError: Error, CustomStringConvertible {
    /// The registry name of the backend that failed.
    var backend: String { get }
    /// Advice on how to fix it, if the backend has any.
    var hint: String? { get }
}

extension DeepBayesError {
    /// The advice a front end prints under the message (the backend's install hint).
    public var hint: String? {
        if case let .backendUnavailable(_, _, hint) = self { return hint }
        return nil
    }
}
