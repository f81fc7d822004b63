import DeepBayesCore
import DeepBayesData
import Foundation

/// Where the datasets come from: a directory laid out like the repository's `Data/`
/// (`mnist/` with the four MNIST files, `fashion-mnist/` with the Fashion-MNIST test split).
public struct DataSource: Sendable {
    public let root: URL?

    /// `root` nil: the shipped `Data/` (see `DataDirectory`).
    public init(root: URL?) {
        self.root = root
    }

    /// The folder of dataset `name` (`mnist`, `fashion-mnist`, `scorer`).
    public func directory(_ name: String) throws -> URL {
        guard let root else { return try DataDirectory.locate(name) }
        let directory = root.appendingPathComponent(name, isDirectory: true)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DeepBayesError.invalidFile(path: directory.path, reason: "no such directory (--data must hold \(name)/ like the repository's Data/)")
        }
        return directory
    }

    /// MNIST's training or test split.
    public func mnist(_ split: MNISTFamily.Split) throws -> Dataset {
        try MNISTFamily.load(directory: directory("mnist"), split: split)
    }

    /// Fashion-MNIST's test split (the out-of-distribution set).
    public func fashionTest() throws -> Dataset {
        try MNISTFamily.load(directory: directory("fashion-mnist"), split: .test)
    }

    /// The text `name` for the character language model: `text/<name>.txt` (for example
    /// `text(CharacterCorpus.shippedTextName)`); `invalidFile` naming the texts there if it is
    /// missing; `invalidArgument` for an empty name or one with a `/`.
    public func text(_ name: String) throws -> URL {
        guard !name.isEmpty, !name.contains("/") else {
            throw DeepBayesError.invalidArgument(operation: "text", reason: "'\(name)' is not a text name (a file name in text/ without .txt)")
        }
        let folder = try directory("text")
        let file = folder.appendingPathComponent("\(name).txt")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
                .filter { $0.hasSuffix(".txt") }.map { String($0.dropLast(4)) }.sorted()
            throw DeepBayesError.invalidFile(path: file.path, reason: "no such text; \(folder.path) has: \(names.isEmpty ? "none" : names.joined(separator: ", "))")
        }
        return file
    }

    /// The classifier that scores GAN samples (`scorer/mnist-classifier.safetensors`).
    public func scorerCheckpoint() throws -> URL {
        try directory("scorer").appendingPathComponent("mnist-classifier.safetensors")
    }
}
