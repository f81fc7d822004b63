import DeepBayesCore
import Foundation

/// An exclusive claim on a folder for one process: `flock` on the file `.deepbayes.lock` in it,
/// which holds the owner's process id.
///
/// The kernel drops the claim when the holder closes it, exits or is killed (even by
/// `kill -9`), so a crashed run never leaves its folder locked; the file itself stays, empty
/// of meaning until the next holder writes its id. A second process asking for the folder
/// while the claim is held gets `invalidFile` naming the folder and the holder's process id.
public final class FolderLock {
    /// The name of the lock file inside the folder.
    public static let fileName = ".deepbayes.lock"

    private let descriptor: Int32

    /// Claims `folder` (which must exist) for this process, or throws `invalidFile` if another
    /// process holds it; `purpose` ends the message ("another run (process 4242) is writing
    /// into this folder: wait for it or choose another --out").
    public init(folder: URL, purpose: String = "wait for it or choose another --out") throws {
        let path = folder.appendingPathComponent(Self.fileName).path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw DeepBayesError.invalidFile(path: folder.path, reason: "cannot create its lock file \(Self.fileName): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let holder = Self.holder(descriptor)
            close(descriptor)
            guard code == EWOULDBLOCK else {
                throw DeepBayesError.invalidFile(path: folder.path, reason: "cannot lock \(Self.fileName): \(String(cString: strerror(code)))")
            }
            let who = holder.map { "another run (process \($0))" } ?? "another run"
            throw DeepBayesError.invalidFile(path: folder.path, reason: "\(who) is writing into this folder: \(purpose)")
        }
        let id = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = id.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// The process id the lock file holds, if it holds one.
    private static func holder(_ descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
