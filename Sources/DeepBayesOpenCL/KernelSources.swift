import DeepBayesCore
import Foundation

/// Finds the OpenCL C sources in `Kernels/`, whatever the working directory.
///
/// Search order (see `ResourceDirectories`): `$DEEPBAYES_KERNELS` alone when set (a missing
/// folder is an error); else `Kernels/` beside the executable, in its install prefix
/// (`PREFIX/Kernels` for `PREFIX/bin/deepbayes`), and in the source tree this file was built
/// from (`Sources/DeepBayesOpenCL/../../Kernels`; the plugin build's sources are links in
/// `Distribution/Sources`, whose `Kernels` links to the repository's).
enum KernelSources {
    /// The candidate directories, in search order.
    static func searchDirectories() throws -> [URL] {
        try ResourceDirectories.candidates(named: "Kernels", environmentVariable: "DEEPBAYES_KERNELS")
    }

    /// The text of `Kernels/<name>.cl` from the first directory that has it; throws
    /// `OpenCLError.kernelSourcesNotFound` when none has it.
    static func source(_ name: String) throws -> String {
        let file = name + ".cl"
        let directories = try searchDirectories()
        for directory in directories {
            let url = directory.appendingPathComponent(file)
            if let text = try? String(contentsOf: url, encoding: .utf8) { return text }
        }
        throw OpenCLError.kernelSourcesNotFound(file: file, searched: directories.map(\.path))
    }
}
