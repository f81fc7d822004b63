import DeepBayesCore
@testable import DeepBayesFiles
import DeepBayesTraining
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The files a training run leaves in its output folder: stale temporary files of killed runs are
/// removed (those and nothing else), and an epoch's checkpoint reaches the disk before its
/// metrics line, and `report.html` is written beside them.
@Suite struct OutputFileTests {
    /// A fresh temporary directory, removed by `body`'s end.
    static func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("OutputFileTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try body(directory)
    }

    /// Every path below `directory` (files, folders, links, dot files included), relative and sorted.
    static func tree(_ directory: URL) throws -> [String] {
        var paths: [String] = []
        func walk(_ folder: URL, _ prefix: String) throws {
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
                let url = folder.appendingPathComponent(name)
                paths.append(prefix + name)
                var status = stat()
                guard lstat(url.path, &status) == 0 else { continue }
                if status.st_mode & S_IFMT == S_IFDIR { try walk(url, prefix + name + "/") }
            }
        }
        try walk(directory, "")
        return paths.sorted()
    }

    /// Writes `text` to `directory/name` and returns its URL.
    @discardableResult
    static func write(_ text: String, _ name: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    // MARK: - Stale temporary files

    /// Only regular files named `.<target>.tmp-` plus exactly six letters or digits, beside one of
    /// the given targets, are removed; the targets, near-miss names, other targets' leftovers, a
    /// directory and a symbolic link with a matching name, and matching files in a subfolder all stay.
    @Test func staleTemporaryFilesOfTheTargetsAreRemovedAndNothingElse() throws {
        try Self.withTemporaryDirectory { root in
            let folder = root.appendingPathComponent("run")
            let sub = folder.appendingPathComponent("sub")
            try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
            for name in ["model.safetensors", "metrics.jsonl",
                         ".model.safetensors.tmp-a1B2c3", ".model.safetensors.tmp-ZZZZZZ", ".metrics.jsonl.tmp-000000",
                         ".model.safetensors.tmp", ".model.safetensors.tmp-", ".model.safetensors.tmp-abc12",
                         ".model.safetensors.tmp-abc1234", ".model.safetensors.tmp-abc_12", ".model.safetensors.tmp-abc12é",
                         "model.safetensors.tmp-abc123", "..model.safetensors.tmp-abc123", ".model.safetensor.tmp-abc123",
                         ".samples.png.tmp-abc123", ".hidden", "notes.txt"] {
                try Self.write("x", name, in: folder)
            }
            try Self.write("x", ".model.safetensors.tmp-abc123", in: sub)
            let matchingDirectory = folder.appendingPathComponent(".model.safetensors.tmp-dir123")
            try FileManager.default.createDirectory(at: matchingDirectory, withIntermediateDirectories: false)
            try Self.write("x", "inside", in: matchingDirectory)
            let outside = try Self.write("keep me", "outside.txt", in: root)
            try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent(".metrics.jsonl.tmp-link01").path,
                                                       withDestinationPath: outside.path)

            let removed = try AtomicFile.removeStaleTemporaryFiles(of: [folder.appendingPathComponent("model.safetensors"),
                                                                        folder.appendingPathComponent("metrics.jsonl")])

            #expect(removed.map(\.lastPathComponent) == [".metrics.jsonl.tmp-000000", ".model.safetensors.tmp-ZZZZZZ", ".model.safetensors.tmp-a1B2c3"])
            #expect(removed.allSatisfy { $0.deletingLastPathComponent().path == folder.path })
            #expect(try Self.tree(folder) == [
                "..model.safetensors.tmp-abc123", ".hidden", ".metrics.jsonl.tmp-link01", ".model.safetensor.tmp-abc123",
                ".model.safetensors.tmp", ".model.safetensors.tmp-", ".model.safetensors.tmp-abc1234", ".model.safetensors.tmp-abc12",
                ".model.safetensors.tmp-abc12é", ".model.safetensors.tmp-abc_12", ".model.safetensors.tmp-dir123",
                ".model.safetensors.tmp-dir123/inside", ".samples.png.tmp-abc123", "metrics.jsonl", "model.safetensors",
                "model.safetensors.tmp-abc123", "notes.txt", "sub", "sub/.model.safetensors.tmp-abc123",
            ].sorted())
            #expect(try String(contentsOf: outside, encoding: .utf8) == "keep me")
            #expect(try String(contentsOf: folder.appendingPathComponent("model.safetensors"), encoding: .utf8) == "x")

            // A second pass finds nothing; a folder that does not exist holds nothing to remove.
            #expect(try AtomicFile.removeStaleTemporaryFiles(of: [folder.appendingPathComponent("model.safetensors")]).isEmpty)
            #expect(try AtomicFile.removeStaleTemporaryFiles(of: [root.appendingPathComponent("absent/model.safetensors")]).isEmpty)
        }
    }

    /// The leftover of a real interrupted write is what the cleanup matches: a temporary file
    /// made with `AtomicFile`'s own `mkstemp` template is recognised as stale.
    @Test func aTemporaryFileMadeByMkstempWithTheWritersTemplateIsRemoved() throws {
        try Self.withTemporaryDirectory { folder in
            let target = folder.appendingPathComponent("model.safetensors")
            var template = Array("\(folder.path)/\(AtomicFile.temporaryPrefix(of: "model.safetensors"))XXXXXX".utf8CString)
            let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            try #require(descriptor >= 0)
            close(descriptor)
            let leftover = String(cString: template)
            #expect(AtomicFile.isTemporaryFileName(URL(fileURLWithPath: leftover).lastPathComponent, of: "model.safetensors"))
            try AtomicFile.write(Data("weights".utf8), to: target)
            #expect(try Self.tree(folder) == [URL(fileURLWithPath: leftover).lastPathComponent, "model.safetensors"].sorted())

            #expect(try AtomicFile.removeStaleTemporaryFiles(of: [target]).map(\.path) == [leftover])
            #expect(try Self.tree(folder) == ["model.safetensors"])
        }
    }

    // MARK: - Training runs

    /// A tiny data root laid out like `Data/`: `count` random 28×28 images with labels 0...9 in
    /// each of MNIST's splits and Fashion-MNIST's test split.
    static func writeTinyDataset(in root: URL, count: Int = 8) throws {
        /// An IDX file of unsigned bytes (type 0x08): rank, big-endian dimensions, payload.
        func idx(_ dimensions: [Int], _ payload: [UInt8]) -> Data {
            var bytes: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
            for dimension in dimensions { bytes += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: dimension >> $0) } }
            return Data(bytes + payload)
        }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func byte() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        for (folder, prefixes) in [("mnist", ["train", "t10k"]), ("fashion-mnist", ["t10k"])] {
            let directory = root.appendingPathComponent(folder)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for prefix in prefixes {
                try idx([count, 28, 28], (0..<(count * 784)).map { _ in byte() })
                    .write(to: directory.appendingPathComponent("\(prefix)-images-idx3-ubyte"))
                try idx([count], (0..<count).map { UInt8($0 % 10) })
                    .write(to: directory.appendingPathComponent("\(prefix)-labels-idx1-ubyte"))
            }
        }
    }

    /// A small BNN classifier trainer writing into `output`, reading the tiny data in `data`.
    static func trainer(epochs: Int, data: URL, output: URL) throws -> Trainer {
        var spec = ModelSpec.defaults(for: .bnn)
        spec.hidden = [4]
        let options = try TrainingOptions(epochs: epochs, batchSize: 4, learningRate: 1e-3, trainLimit: nil, testLimit: nil,
                                          evaluationSamples: 1, output: output, data: DataSource(root: data))
        return Trainer(spec: spec, options: options, backend: TestBackends.cpu, progress: ProgressReporter(interactive: false))
    }

    /// A run whose first checkpoint cannot be written (a directory sits at `model.safetensors`,
    /// so the rename over it fails, even for root) throws naming the checkpoint and leaves no
    /// `metrics.jsonl` at all: the metrics line of an epoch is written only after its checkpoint.
    /// The run also removed the stale temporary files of its outputs before it wrote anything,
    /// and touched nothing else in the folder.
    @Test func aFailedCheckpointWriteLeavesNoMetricsLineForItsEpoch() throws {
        try Self.withTemporaryDirectory { root in
            let data = root.appendingPathComponent("data"), output = root.appendingPathComponent("out")
            try Self.writeTinyDataset(in: data)
            let obstacle = output.appendingPathComponent("model.safetensors")
            try FileManager.default.createDirectory(at: obstacle, withIntermediateDirectories: true)
            try Self.write("x", "inside", in: obstacle)
            for name in [".model.safetensors.tmp-Kill9a", ".metrics.jsonl.tmp-Kill9b", ".model.safetensors.tmp", "notes.txt"] {
                try Self.write("x", name, in: output)
            }

            let trainer = try Self.trainer(epochs: 2, data: data, output: output)
            #expect(trainer.outputFiles.map(\.lastPathComponent) == ["metrics.jsonl", "model.safetensors", "optimizer.safetensors", "report.html"])
            do {
                try trainer.run()
                Issue.record("the run should fail: a directory sits at model.safetensors")
            } catch let DeepBayesError.invalidFile(path, reason) {
                #expect(path == obstacle.path, "\(path): \(reason)")
            }
            #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("metrics.jsonl").path))
            #expect(try Self.tree(output) == [FolderLock.fileName, ".model.safetensors.tmp", "model.safetensors", "model.safetensors/inside", "notes.txt"])
        }
    }

    /// Without an obstacle the same run writes one metrics line per epoch and a checkpoint of the
    /// last epoch, removes a stale temporary file it finds, and leaves nothing else behind but
    /// its lock file (`FolderLock`, whose lock the kernel released when the run ended).
    @Test func aSuccessfulRunWritesEveryEpochsCheckpointAndMetricsLine() throws {
        try Self.withTemporaryDirectory { root in
            let data = root.appendingPathComponent("data"), output = root.appendingPathComponent("out")
            try Self.writeTinyDataset(in: data)
            try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
            try Self.write("x", ".model.safetensors.tmp-Kill9a", in: output)

            try Self.trainer(epochs: 2, data: data, output: output).run()

            #expect(try Self.tree(output) == [FolderLock.fileName, "metrics.jsonl", "model.safetensors", "optimizer.safetensors", "report.html"])
            let lines = try String(contentsOf: output.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 2)
            #expect(lines.first?.hasPrefix("{\"epoch\": 1,") == true && lines.last?.hasPrefix("{\"epoch\": 2,") == true, "\(lines)")
            let metadata = try SafetensorsFile.read(from: output.appendingPathComponent("model.safetensors")).metadata
            #expect(metadata["deepbayes.epochs"] == "2")
        }
    }
}

/// New files follow the process umask (`0666 & ~umask`); replaced files keep their mode.
///
/// These tests change the process-wide umask for the few microseconds of one write, so they run
/// one at a time; files other suites create in that instant can only come out more private.
@Suite(.serialized) struct OutputFileModeTests {
    /// The permission bits of the file at `url`.
    static func mode(_ url: URL) throws -> mode_t {
        var status = stat()
        try #require(stat(url.path, &status) == 0)
        return status.st_mode & 0o7777
    }

    /// Runs `body` with the process umask set to `mask`, then restores the previous one.
    static func withUmask<T>(_ mask: mode_t, _ body: () throws -> T) rethrows -> T {
        let previous = umask(mask)
        defer { umask(previous) }
        return try body()
    }

    /// Under umask 077 a new file is 0600, under 022 it is 0644, under 027 0640: the mask is
    /// read at the write, not fixed at 0644 and not cached from an earlier write.
    @Test(arguments: [(mode_t(0o077), mode_t(0o600)), (0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
    func aNewFileGetsTheModeTheUmaskAllows(mask: mode_t, expected: mode_t) throws {
        try OutputFileTests.withTemporaryDirectory { folder in
            let url = folder.appendingPathComponent("metrics.jsonl")
            try Self.withUmask(mask) { try AtomicFile.write(Data("{}\n".utf8), to: url) }
            #expect(try Self.mode(url) == expected)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["metrics.jsonl"])
        }
    }

    /// A file that already exists keeps its mode when replaced, whatever the umask: a 0644 file
    /// replaced under umask 077 stays 0644, a 0600 one replaced under 000 stays 0600.
    @Test func aReplacedFileKeepsItsModeWhateverTheUmask() throws {
        try OutputFileTests.withTemporaryDirectory { folder in
            let url = folder.appendingPathComponent("model.safetensors")
            try Data("old".utf8).write(to: url)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: url.path)
            try Self.withUmask(0o077) { try AtomicFile.write(Data("new".utf8), to: url) }
            #expect(try Self.mode(url) == 0o644)
            #expect(try Data(contentsOf: url) == Data("new".utf8))

            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
            try Self.withUmask(0) { try AtomicFile.write(Data("newer".utf8), to: url) }
            #expect(try Self.mode(url) == 0o600)
        }
    }

    /// The umask is read without being changed: `currentUmask()` (from `/proc/self/status` on
    /// Linux) reports the mask in force and leaves it in force, and `newFileMode()` is `0666` less it.
    @Test func theUmaskIsReadWithoutChangingIt() throws {
        let (read, after, newMode) = Self.withUmask(0o027) { () -> (mode_t, mode_t, mode_t) in
            let read = AtomicFile.currentUmask(), newMode = AtomicFile.newFileMode()
            let after = umask(0o027)
            return (read, after, newMode)
        }
        #expect(read == 0o027)
        #expect(after == 0o027)
        #expect(newMode == 0o640)
        #if os(Linux)
        #expect(Self.withUmask(0o007) { AtomicFile.procStatusUmask() } == 0o007)
        #endif
    }
}
