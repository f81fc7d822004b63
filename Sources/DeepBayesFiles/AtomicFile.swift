import DeepBayesCore
import Foundation
#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Musl)
import Musl
private let systemWrite = Musl.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

/// Writes whole files so that a reader, or a crash, sees either the complete old contents or
/// the complete new ones, never a half-written file.
///
/// `write(_:to:)` creates a temporary file next to the destination (same directory, hence the
/// same file system), writes every byte, flushes it to disk with `fsync`, and only then renames
/// it over the destination; `rename(2)` replaces the old file in one step. On any failure the
/// temporary file is removed and the destination is left exactly as it was.
///
/// The temporary file of `dir/name` is `dir/.name.tmp-XXXXXX`, the six characters chosen by
/// `mkstemp(3)`. A process killed between creating and renaming it (`kill -9`, a power cut)
/// leaves it behind; `removeStaleTemporaryFiles(of:)` removes such leftovers.
public enum AtomicFile {
    /// Replaces the file at `url` with `data` atomically.
    ///
    /// A new file gets mode `0666 & ~umask` (see `newFileMode()`), like a file made by
    /// `open(2)` or the shell; a replaced file keeps its mode.
    /// - Throws: `DeepBayesError.invalidFile` naming the path and the operating-system error
    ///   (a missing directory, no permission, a full disk, ...).
    public static func write(_ data: Data, to url: URL) throws {
        let path = url.path
        let directory = url.deletingLastPathComponent().path
        func failure(_ what: String, _ code: Int32) -> DeepBayesError {
            .invalidFile(path: path, reason: "\(what): \(String(cString: strerror(code)))")
        }

        var template = Array("\(directory)/.\(url.lastPathComponent).tmp-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw failure("cannot create a temporary file in \(directory)", errno) }
        let temporaryPath = String(cString: template)
        var isOpen = true
        var isRenamed = false
        defer {
            if isOpen { close(descriptor) }
            if !isRenamed { unlink(temporaryPath) }
        }

        var status = stat()
        let mode = stat(path, &status) == 0 ? status.st_mode & 0o7777 : newFileMode()
        guard fchmod(descriptor, mode) == 0 else { throw failure("cannot set the mode of \(temporaryPath)", errno) }

        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < bytes.count {
                let written = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure("cannot write \(temporaryPath)", errno)
                }
                offset += written
            }
        }
        guard fsync(descriptor) == 0 else { throw failure("cannot flush \(temporaryPath) to disk", errno) }
        isOpen = false
        guard close(descriptor) == 0 else { throw failure("cannot close \(temporaryPath)", errno) }
        guard rename(temporaryPath, path) == 0 else { throw failure("cannot rename \(temporaryPath) to \(path)", errno) }
        isRenamed = true

        // Make the rename itself durable. Best effort: some file systems refuse to sync a directory.
        let directoryDescriptor = open(directory, O_RDONLY)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    /// The temporary-file name `write(_:to:)` uses for a file named `name`, up to its
    /// `mkstemp` suffix: `.name.tmp-`.
    static func temporaryPrefix(of name: String) -> String { ".\(name).tmp-" }

    /// Whether `candidate` is exactly `.name.tmp-` followed by six ASCII letters or digits,
    /// the name `mkstemp` gives a temporary file of `name`.
    static func isTemporaryFileName(_ candidate: String, of name: String) -> Bool {
        let prefix = temporaryPrefix(of: name)
        guard candidate.hasPrefix(prefix) else { return false }
        let suffix = candidate.utf8.dropFirst(prefix.utf8.count)
        return suffix.count == 6 && suffix.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
        }
    }

    /// Removes the temporary files that interrupted `write(_:to:)` calls left beside `targets`.
    ///
    /// For each target `dir/name` this removes, in `dir` only (no subfolder), the regular files
    /// named exactly `.name.tmp-` plus six letters or digits. Nothing else is touched: not the
    /// targets, not `.name.tmp` or a suffix of another length, not other files, not directories
    /// or symbolic links that happen to carry such a name, not anything in subfolders. A missing
    /// folder holds nothing to remove.
    ///
    /// Call it when nothing else writes these targets: a `write(_:to:)` running at the same
    /// time in another process would lose its temporary file and fail.
    /// - Returns: the files removed, sorted by path.
    /// - Throws: `DeepBayesError.invalidFile` when a folder cannot be listed (other than
    ///   missing) or a leftover cannot be removed.
    @discardableResult
    public static func removeStaleTemporaryFiles(of targets: [URL]) throws -> [URL] {
        var namesByDirectory: [String: Set<String>] = [:]
        for target in targets {
            namesByDirectory[target.deletingLastPathComponent().path, default: []].insert(target.lastPathComponent)
        }
        var removed: [URL] = []
        for (directory, names) in namesByDirectory {
            let entries: [String]
            do {
                entries = try FileManager.default.contentsOfDirectory(atPath: directory)
            } catch {
                var status = stat()
                if lstat(directory, &status) != 0, errno == ENOENT { continue }
                throw DeepBayesError.invalidFile(path: directory, reason: "cannot list the folder to remove stale temporary files: \(error.localizedDescription)")
            }
            for entry in entries where names.contains(where: { isTemporaryFileName(entry, of: $0) }) {
                let path = "\(directory)/\(entry)"
                var status = stat()
                // lstat: a symbolic link is not followed, and is not a regular file.
                guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { continue }
                if unlink(path) != 0 {
                    let code = errno
                    if code == ENOENT { continue }
                    throw DeepBayesError.invalidFile(path: path, reason: "cannot remove a stale temporary file: \(String(cString: strerror(code)))")
                }
                removed.append(URL(fileURLWithPath: path))
            }
        }
        return removed.sorted { $0.path < $1.path }
    }

    /// The mode `write(_:to:)` gives a new file: `0666` less the process's file-mode creation
    /// mask (`umask(2)`), as `open(2)` would.
    public static func newFileMode() -> mode_t {
        0o666 & ~currentUmask()
    }

    /// The process's umask, read without changing it.
    ///
    /// On Linux it comes from the `Umask:` line of `/proc/self/status` (Linux 4.7 and later),
    /// read afresh on every call: that never changes the mask, so no other thread can create a
    /// file under a wrong one, and it follows a program that changes its umask later; the read
    /// costs microseconds next to the `fsync` of every write. Elsewhere, or without `/proc`, the
    /// only portable way is `umask(2)`, which reads the mask only by setting it: that is done
    /// once per process (`fallbackUmask`) and cached.
    static func currentUmask() -> mode_t {
        #if os(Linux)
        if let mask = procStatusUmask() { return mask }
        #endif
        return fallbackUmask
    }

    /// The umask read once through `umask(2)`. For that instant the mask is `077`, not `0`, so
    /// a file another thread creates meanwhile comes out too private, never readable by others.
    private static let fallbackUmask: mode_t = {
        let mask = umask(0o077)
        umask(mask)
        return mask & 0o777
    }()

    /// The `Umask:` field of `/proc/self/status` (octal), or nil when it cannot be read.
    static func procStatusUmask() -> mode_t? {
        let descriptor = open("/proc/self/status", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var contents: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { break }
            contents += buffer[..<count]
        }
        for line in String(decoding: contents, as: UTF8.self).split(separator: "\n") where line.hasPrefix("Umask:") {
            let digits = line.dropFirst("Umask:".count).trimmingCharacters(in: .whitespaces)
            guard !digits.isEmpty, let mask = mode_t(digits, radix: 8), mask <= 0o777 else { return nil }
            return mask
        }
        return nil
    }
}
