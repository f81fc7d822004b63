import DeepBayesCore
import Foundation

/// Finds the OpenCL C sources in `Kernels/`, whatever the working directory.
///
/// Search order: `$DEEPBAYES_KERNELS`; then `Kernels/` in the executable's directory and each
/// of its ancestors (so `.build/release/deepbayes` finds the checkout's `Kernels/`, and an
/// installed binary finds one shipped beside it); then the source tree this file was built
/// from (`Sources/DeepBayesOpenCL/../../Kernels`).
enum KernelSources {
    /// The candidate directories, in search order.
    static var searchDirectories: [URL] {
        var directories: [URL] = []
        if let override = ProcessInfo.processInfo.environment["DEEPBAYES_KERNELS"], !override.isEmpty {
            directories.append(URL(fileURLWithPath: override, isDirectory: true))
        }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? Bundle.main.executablePath
        if let executable {
            var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
            while directory.path != "/" {
                directories.append(directory.appendingPathComponent("Kernels", isDirectory: true))
                directory.deleteLastPathComponent()
            }
        }
        directories.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Kernels", isDirectory: true))
        return directories
    }

    /// The text of `Kernels/<name>.cl` from the first directory that has it.
    static func source(_ name: String) throws -> String {
        let file = name + ".cl"
        let directories = searchDirectories
        for directory in directories {
            let url = directory.appendingPathComponent(file)
            if let text = try? String(contentsOf: url, encoding: .utf8) { return text }
        }
        throw DeepBayesError.kernelSourcesNotFound(file: file, searched: directories.map(\.path))
    }
}
