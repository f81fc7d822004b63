import ArgumentParser
import DeepBayesBackends
import DeepBayesData
import DeepBayesModels
import DeepBayesTraining
import Foundation

/// Checks the commands make before any slow work (loading data, training): the files and
/// folders they are given, and the numbers they compute.
enum Validation {
    /// `ValidationError(message)` unless `condition`: an argument ArgumentParser refuses at parse time.
    static func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        guard condition else { throw ValidationError(message()) }
    }

    /// Refuses a `--samples` outside 1...`Evaluation.maximumSamples` at parse time.
    static func requireSamples(_ samples: Int) throws {
        try require(samples >= 1 && samples <= Evaluation.maximumSamples,
                    "--samples \(samples) must lie in 1...\(Evaluation.maximumSamples)")
    }

    /// Refuses an output folder that cannot be one, before anything is loaded: `path` must be an
    /// existing folder, or not exist and have a nearest existing ancestor that is a writable
    /// folder (the run creates the missing ones). `invalidFile` naming `path` otherwise.
    static func checkOutputFolder(_ path: String) throws {
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw DeepBayesError.invalidFile(path: path, reason: "is \(kind(info.st_mode)), not a folder (--out names the folder the run writes into)")
            }
            guard access(path, W_OK) == 0 else {
                throw DeepBayesError.invalidFile(path: path, reason: "the output folder is not writable")
            }
            return
        }
        var ancestor = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
        while stat(ancestor.path, &info) != 0, ancestor.path != "/" {
            ancestor.deleteLastPathComponent()
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw DeepBayesError.invalidFile(path: path, reason: "cannot create the output folder: \(ancestor.path) is \(kind(info.st_mode)), not a folder")
        }
        guard access(ancestor.path, W_OK) == 0 else {
            throw DeepBayesError.invalidFile(path: path, reason: "cannot create the output folder: \(ancestor.path) is not writable")
        }
    }

    /// Checks from the IDX headers alone that the images of `splits` in `source` are the 28x28
    /// the models take ("<file>: images are 32x32, expected 28x28"), before they are loaded.
    static func checkImageSizes(_ source: DataSource, _ splits: [(dataset: String, split: MNISTFamily.Split)]) throws {
        for (dataset, split) in splits {
            try MNISTFamily.checkImageSize(directory: source.directory(dataset), split: split)
        }
    }

    /// `DeepBayesError.diverged` naming `source` if a metric is NaN or infinite: the metrics are
    /// NaN exactly when the model's predictions are (see `ClassificationMetrics`).
    static func requireFinite(_ metrics: [(String, Double)], source: String) throws {
        guard metrics.allSatisfy({ $0.1.isFinite }) else {
            throw DeepBayesError.diverged(source: source, finding: ClassificationMetrics.nonFinitePredictions)
        }
    }

    /// "a file", "a named pipe (FIFO)", ... for a `st_mode`.
    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFREG: return "a file"
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a named pipe (FIFO)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "a special file"
        }
    }
}
