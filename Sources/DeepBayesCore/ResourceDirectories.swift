import Foundation

/// Finds a folder that ships beside the code (`Kernels/`, `Data/`), whatever the working
/// directory.
///
/// Search order: `$<environmentVariable>` (the folder itself); then `<name>/` in the running
/// executable's directory and each of its ancestors (so `.build/release/deepbayes` finds the
/// checkout's folder, and an installed binary finds one shipped beside it); then `<name>/` at
/// the root of the source tree the caller was built from.
public enum ResourceDirectories {
    /// The candidate directories for `name`, in search order.
    ///
    /// `sourceFile` is the caller's `#filePath`, a file in `Sources/<Target>/`; the package
    /// root is two folders above it.
    public static func candidates(named name: String, environmentVariable: String,
                                  sourceFile: String = #filePath) -> [URL] {
        var directories: [URL] = []
        if let override = ProcessInfo.processInfo.environment[environmentVariable], !override.isEmpty {
            directories.append(URL(fileURLWithPath: override, isDirectory: true))
        }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? Bundle.main.executablePath
        if let executable {
            var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
            while directory.path != "/" {
                directories.append(directory.appendingPathComponent(name, isDirectory: true))
                directory.deleteLastPathComponent()
            }
        }
        directories.append(URL(fileURLWithPath: sourceFile).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(name, isDirectory: true))
        return directories
    }
}
