import Foundation

/// Finds a folder that ships with DeepBayes (`Kernels/`, `Data/`) in places the user controls,
/// whatever the working directory.
///
/// Search order:
/// 1. `$<environmentVariable>`, when set: that folder and no other; one that is not a readable
///    folder is an error naming it.
/// 2. `<name>/` beside the running executable, then in its install prefix (`PREFIX/<name>` for
///    `PREFIX/bin/deepbayes`, the layout `Scripts/install` makes).
/// 3. `<name>/` at the root of the source tree the caller was built from (a checkout's build
///    runs from its `.build` folder and finds the checkout's folder).
///
/// Never any other parent folder: a folder planted above the executable is not looked at. The
/// folders of steps 2 and 3 are used only if `TrustedLocation` accepts them (owned by this
/// user or root, not writable by every user), so a `Kernels/` another user created beside a
/// binary in a shared folder such as `/tmp` is skipped.
public enum ResourceDirectories {
    /// The candidate directories for `name`, in search order; throws `invalidFile` when the
    /// environment variable names something that is not a readable folder.
    ///
    /// `sourceFile` is the caller's `#filePath`, a file in `Sources/<Target>/`; the package
    /// root is two folders above it.
    public static func candidates(named name: String, environmentVariable: String,
                                  sourceFile: String = #filePath) throws -> [URL] {
        if let override = ProcessInfo.processInfo.environment[environmentVariable] {
            let folder = URL(fileURLWithPath: override, isDirectory: true)
            var isDirectory: ObjCBool = false
            guard !override.isEmpty, FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue,
                  FileManager.default.isReadableFile(atPath: folder.path) else {
                throw DeepBayesError.invalidFile(path: override, reason: "$\(environmentVariable) must name a readable folder holding \(name)/'s files, and this is none")
            }
            return [folder]
        }
        var directories: [URL] = []
        if let executable = TrustedLocation.executable {
            let folder = executable.deletingLastPathComponent()
            directories += [folder.appendingPathComponent(name, isDirectory: true),
                            folder.deletingLastPathComponent().appendingPathComponent(name, isDirectory: true)]
        }
        directories.append(URL(fileURLWithPath: sourceFile).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(name, isDirectory: true))
        return directories.filter(TrustedLocation.isTrusted)
    }
}

/// Whether a file or folder DeepBayes did not get from the user explicitly may be trusted to
/// load code or data from: it and the folder holding it are owned by the user running
/// DeepBayes or by root, and neither is writable by every user (a sticky folder such as `/tmp`
/// counts: anyone may add to it). Group-writable folders pass, since many systems give each
/// user a private group that owns their files.
public enum TrustedLocation {
    /// The running executable, symbolic links resolved (nil where `/proc` is missing).
    public static var executable: URL? {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")).map { URL(fileURLWithPath: $0) }
            ?? Bundle.main.executableURL
    }

    /// True when `url` exists and passes the ownership and permission checks above; its
    /// parent must be owned by this user or root and not writable by others either.
    public static func isTrusted(_ url: URL) -> Bool {
        let resolved = url.resolvingSymlinksInPath()
        return isSafe(resolved.path) && isSafe(resolved.deletingLastPathComponent().path)
    }

    private static func isSafe(_ path: String) -> Bool {
        var status = stat()
        guard stat(path, &status) == 0 else { return false }
        let owner = status.st_uid
        return (owner == getuid() || owner == 0) && status.st_mode & S_IWOTH == 0
    }
}
