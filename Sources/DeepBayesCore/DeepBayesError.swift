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
    /// The backend exists but cannot start here (for OpenCL: no platform or no device).
    case backendUnavailable(name: String, reason: String)
    /// A device API call failed; `code` is the API's own name for the error.
    case deviceFailure(call: String, code: String)
    /// A device program failed to compile; `log` is the compiler's build log.
    case kernelBuildFailed(program: String, log: String)
    /// Kernel source files were not found in any of the searched directories.
    case kernelSourcesNotFound(file: String, searched: [String])
    /// A file could not be read or written, or its contents are not what they claim to be
    /// (missing, truncated, a wrong magic number, mismatched sizes); `path` names the file.
    case invalidFile(path: String, reason: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(operation, reason):
            return "\(operation): shape mismatch: \(reason)"
        case let .invalidArgument(operation, reason):
            return "\(operation): invalid argument: \(reason)"
        case let .backendMismatch(operation, expected, found):
            return "\(operation): tensors from different backends (expected \(expected), got \(found))"
        case let .unknownBackend(name, available):
            return "unknown device '\(name)'; available: \(available.joined(separator: ", "))"
        case let .backendUnavailable(name, reason):
            return "device '\(name)' is unavailable: \(reason)"
        case let .deviceFailure(call, code):
            return "\(call) failed with \(code)"
        case let .kernelBuildFailed(program, log):
            return "building kernel program \(program) failed:\n\(log)"
        case let .invalidFile(path, reason):
            return "\(path): \(reason)"
        case let .kernelSourcesNotFound(file, searched):
            return "kernel source \(file) not found; searched: \(searched.joined(separator: ", ")) (set DEEPBAYES_KERNELS to the Kernels directory)"
        }
    }
}
