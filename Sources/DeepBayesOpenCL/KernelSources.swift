import DeepBayesCore
import Foundation

/// Finds the OpenCL C sources in `Kernels/`, whatever the working directory.
///
/// Search order (see `ResourceDirectories`): `$DEEPBAYES_KERNELS`; then `Kernels/` in the
/// executable's directory and each of its ancestors (so `.build/release/deepbayes` finds the
/// checkout's `Kernels/`, and an installed binary finds one shipped beside it); then the source
/// tree this file was built from (`Sources/DeepBayesOpenCL/../../Kernels`).
enum KernelSources {
    /// The candidate directories, in search order.
    static var searchDirectories: [URL] {
        ResourceDirectories.candidates(named: "Kernels", environmentVariable: "DEEPBAYES_KERNELS")
    }

    /// The text of `Kernels/<name>.cl` from the first directory that has it; throws
    /// `OpenCLError.kernelSourcesNotFound` when none has it.
    static func source(_ name: String) throws -> String {
        let file = name + ".cl"
        let directories = searchDirectories
        for directory in directories {
            let url = directory.appendingPathComponent(file)
            if let text = try? String(contentsOf: url, encoding: .utf8) { return text }
        }
        throw OpenCLError.kernelSourcesNotFound(file: file, searched: directories.map(\.path))
    }
}
