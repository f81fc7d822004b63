import DeepBayesCore

/// The failures that belong to the OpenCL backend alone: its kernel programs, compiled from
/// `Kernels/*.cl` at run time, could not be found or did not build.
public enum OpenCLError: BackendError, Equatable {
    /// The device compiler rejected program `program` (its files and build options); `log`
    /// is the compiler's build log.
    case kernelBuildFailed(program: String, log: String)
    /// Kernel source `file` was in none of the `searched` directories.
    case kernelSourcesNotFound(file: String, searched: [String])

    /// Always `opencl`.
    public var backend: String { "opencl" }

    /// For missing sources, how to point the backend at them; nil for a build failure (the
    /// log names the failing line).
    public var hint: String? {
        switch self {
        case .kernelBuildFailed: return nil
        case .kernelSourcesNotFound: return "set DEEPBAYES_KERNELS to the Kernels directory"
        }
    }

    /// The failure in one message (the build log on the lines after it).
    public var description: String {
        switch self {
        case let .kernelBuildFailed(program, log):
            return "\(backend): building kernel program \(program) failed:\n\(log)"
        case let .kernelSourcesNotFound(file, searched):
            return "\(backend): kernel source \(file) not found; searched: \(searched.joined(separator: ", "))"
        }
    }
}
