import DeepBayesCore
import DeepBayesFiles
import Foundation

/// The output folder of a training run: the names of the files every trainer writes there, and
/// how a run takes the folder before its first write.
public struct RunFolder: Sendable {
    public let url: URL

    public init(_ url: URL) {
        self.url = url
    }

    /// `metrics.jsonl`: one line per epoch.
    public var metrics: URL { url.appendingPathComponent("metrics.jsonl") }
    /// `model.safetensors`: the weights after the last epoch.
    public var checkpoint: URL { url.appendingPathComponent("model.safetensors") }
    /// `best.safetensors`: the weights of the epoch chosen on the validation data.
    public var best: URL { url.appendingPathComponent("best.safetensors") }

    /// Creates the folder, takes its `FolderLock` (a second run into it is refused, naming the
    /// first one's process), and only then removes the temporary files a killed run left beside
    /// `files` (`AtomicFile.removeStaleTemporaryFiles(of:)`), so that it never removes those of
    /// a run still writing. The run holds the returned lock until it ends.
    public func claim(writing files: [URL]) throws -> FolderLock {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw DeepBayesError.invalidFile(path: url.path, reason: "cannot create the output directory: \(error.localizedDescription)")
        }
        let lock = try FolderLock(folder: url)
        try AtomicFile.removeStaleTemporaryFiles(of: files)
        return lock
    }
}
