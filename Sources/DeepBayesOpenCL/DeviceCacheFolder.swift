import DeepBayesCore
import Foundation

/// The folder where the OpenCL backend keeps what it learned about a device between runs (the
/// GEMM tuner's choice, built program binaries), so a second run neither re-tunes nor rebuilds.
///
/// Location: `$DEEPBAYES_CACHE` when set (the empty string turns the cache off), else
/// `$XDG_CACHE_HOME/deepbayes`, else `~/.cache/deepbayes`. The folder is created with mode
/// 0700. It holds code the driver will load, so a folder or file that is another user's, or
/// that every user may write, is never read (see `isPrivate`). The cache is an optimisation: a
/// file that is missing, unreadable or not what it should be is ignored and rewritten, and a
/// failed write costs only the next run's time.
struct DeviceCacheFolder {
    /// The folder; it may not exist yet.
    let url: URL

    /// The environment variable that moves the folder, or turns it off when empty.
    static let environmentVariable = "DEEPBAYES_CACHE"

    /// The folder the environment names, or nil when the cache is off or no home is known.
    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> DeviceCacheFolder? {
        if let chosen = environment[environmentVariable] {
            return chosen.isEmpty ? nil : DeviceCacheFolder(url: URL(fileURLWithPath: chosen, isDirectory: true))
        }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            return DeviceCacheFolder(url: URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("deepbayes", isDirectory: true))
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return DeviceCacheFolder(url: URL(fileURLWithPath: home, isDirectory: true)
            .appendingPathComponent(".cache/deepbayes", isDirectory: true))
    }

    /// The contents of file `name`, or nil when it is missing, unreadable, larger than
    /// `maximumBytes`, or when it or the folder fails `isPrivate`.
    func read(_ name: String, maximumBytes: Int) -> Data? {
        let file = url.appendingPathComponent(name)
        guard Self.isPrivate(url), Self.isPrivate(file),
              let size = (try? FileManager.default.attributesOfItem(atPath: file.path))?[.size] as? Int,
              size <= maximumBytes else { return nil }
        return try? Data(contentsOf: file)
    }

    /// Writes `data` as file `name` through a temporary file and a rename, so a reader never
    /// sees half a file; returns false (and leaves any previous file) when that fails.
    @discardableResult
    func write(_ data: Data, as name: String) -> Bool {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            guard Self.isPrivate(url) else { return false }
            let temporary = url.appendingPathComponent(".\(name).\(ProcessInfo.processInfo.processIdentifier).tmp")
            try data.write(to: temporary)
            guard rename(temporary.path, url.appendingPathComponent(name).path) == 0 else {
                try? FileManager.default.removeItem(at: temporary)
                return false
            }
            return true
        } catch {
            return false
        }
    }

    /// True when `url` (links resolved) exists, belongs to this user or root, and is not
    /// writable by every user. The folder above it is not asked about: the folder's own
    /// permissions decide who may replace what is in it, and a folder in a sticky one such as
    /// `/tmp` cannot be renamed or removed by others.
    static func isPrivate(_ url: URL) -> Bool {
        var status = stat()
        guard stat(url.resolvingSymlinksInPath().path, &status) == 0 else { return false }
        return (status.st_uid == getuid() || status.st_uid == 0) && status.st_mode & S_IWOTH == 0
    }

    /// A file name for `key` that is safe on every file system: `prefix-<FNV-1a 64 of key>.suffix`.
    /// The key itself is stored inside the file and checked on reading, so a hash collision
    /// only costs a rebuild.
    static func fileName(prefix: String, key: String, suffix: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return "\(prefix)-\(String(hash, radix: 16)).\(suffix)"
    }
}
