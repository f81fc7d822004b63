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
public enum AtomicFile {
    /// Replaces the file at `url` with `data` atomically.
    ///
    /// A new file gets mode `0644`; a replaced file keeps its mode.
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
        let mode = stat(path, &status) == 0 ? status.st_mode & 0o7777 : 0o644
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
}
