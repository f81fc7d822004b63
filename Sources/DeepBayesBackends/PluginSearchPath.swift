import Foundation
import DeepBayesCore

/// Where backend plugins are looked for, and which files are plugins.
///
/// The folders, in order: each entry of `$DEEPBAYES_BACKEND_PATH` (colon-separated), then
/// `backends/` beside the running executable, then the executable's own folder (where
/// `swift build` puts the plugins it builds). A plugin is a file named
/// `libdeepbayes-backend-NAME.so`, or `libdeepbayes-backend-NAME_VARIANT.so` for one build of
/// several; `NAME` is the backend's registry name, which the plugin must also declare. In the
/// executable's folders a plugin is loaded only from a file and folder no other user can
/// write (`TrustedLocation`); the folders of `$DEEPBAYES_BACKEND_PATH` are the user's choice.
public struct PluginSearchPath: Sendable {
    public static let environmentVariable = "DEEPBAYES_BACKEND_PATH"
    static let filePrefix = "libdeepbayes-backend-"
    static let fileSuffix = ".so"

    /// The folders in search order that exist.
    public let directories: [URL]
    /// Folders the user named that do not exist (reported, never fatal).
    public let missingDirectories: [URL]
    /// The program's own folders among `directories`: a plugin there is loaded only if
    /// `TrustedLocation` accepts the file (the user named the others explicitly).
    let programDirectories: Set<URL>

    /// `userDirectories` (from the environment: a missing one is reported) then
    /// `programDirectories` (the program's own: a missing one, or one another user could
    /// write to, is skipped quietly).
    public init(userDirectories: [URL], programDirectories: [URL] = []) {
        func isDirectory(_ url: URL) -> Bool {
            var flag: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.path, isDirectory: &flag) && flag.boolValue
        }
        let program = programDirectories.filter { isDirectory($0) && TrustedLocation.isTrusted($0) }
        directories = userDirectories.filter(isDirectory) + program
        missingDirectories = userDirectories.filter { !isDirectory($0) }
        self.programDirectories = Set(program)
    }

    /// `$DEEPBAYES_BACKEND_PATH`, then `backends/` beside the executable and its own folder.
    public static var standard: PluginSearchPath {
        let user = (ProcessInfo.processInfo.environment[environmentVariable] ?? "")
            .split(separator: ":").map { URL(fileURLWithPath: String($0), isDirectory: true) }
        var program: [URL] = []
        if let executable = TrustedLocation.executable {
            let folder = executable.deletingLastPathComponent()
            program = [folder.appendingPathComponent("backends", isDirectory: true), folder]
        }
        return PluginSearchPath(userDirectories: user, programDirectories: program)
    }

    /// The plugin files, folder by folder in search order and by name within a folder; a file
    /// reached twice (the same real path) is listed once.
    public func pluginFiles() -> [URL] {
        var seen = Set<String>()
        var files: [URL] = []
        for directory in directories {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            for name in names.sorted() where Self.backendName(ofFile: name) != nil {
                let file = directory.appendingPathComponent(name)
                if programDirectories.contains(directory), !TrustedLocation.isTrusted(file) { continue }
                let real = file.resolvingSymlinksInPath().standardizedFileURL.path
                if seen.insert(real).inserted { files.append(file) }
            }
        }
        return files
    }

    /// The backend a plugin file is named for: `libdeepbayes-backend-opencl.so` → `opencl`,
    /// `libdeepbayes-backend-cpu_x86-64-v3.so` → `cpu`; nil for any other file.
    public static func backendName(ofFile fileName: String) -> String? {
        guard fileName.hasPrefix(filePrefix), fileName.hasSuffix(fileSuffix) else { return nil }
        let stem = fileName.dropFirst(filePrefix.count).dropLast(fileSuffix.count)
        let name = stem.split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return name.isEmpty ? nil : name
    }
}
