import DeepBayesFiles
import Foundation
import Testing

/// Every number that comes from outside is checked before it sizes anything, run by run as a
/// user would meet it: `deepbayes` runs as a child process under `ulimit -v` (1 GiB of address
/// space), so a case that allocated what it was asked for would die (status 134) instead of
/// giving its one line. Sizes too large for the device or this process are exit status 1 with
/// the estimate; values out of range are refused at parse time (status 64, ArgumentParser's
/// usage error). Divergence stops training and leaves the last good checkpoint byte for byte;
/// a second run into a folder another run is writing is refused, naming it.
@Suite(.timeLimit(.minutes(5))) struct InputLimitCommandTests {
    /// The address-space limit every run here gets, in KiB (`ulimit -v`): a tiny training run
    /// needs about a third of it.
    static let addressSpaceKiB = 1 << 20

    /// `deepbayes arguments` under `ulimit -v addressSpaceKiB`.
    static func runLimited(_ arguments: [String]) throws -> CommandLineTests.Result {
        try CommandLineTests.run(["-c", "ulimit -v \(addressSpaceKiB) && exec \"$0\" \"$@\"", CommandLineTests.executable.path] + arguments,
                                 environment: ["SWIFT_BACKTRACE": "enable=no"], executable: URL(fileURLWithPath: "/bin/sh"))
    }

    /// Expects status 1 and one line `error: <prefix>…<suffix>` (the limit is the machine's).
    static func expectTooLarge(_ arguments: [String], _ prefix: String, suffix: String = " can hold",
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try runLimited(arguments)
        #expect(result.status == 1, "\(arguments): status \(result.status): \(result.error)", sourceLocation: sourceLocation)
        let lines = result.error.split(separator: "\n").map(String.init)
        #expect(lines.count == 1 && lines[0].hasPrefix("error: " + prefix) && lines[0].hasSuffix(suffix),
                "\(arguments): \(result.error)", sourceLocation: sourceLocation)
    }

    /// Expects ArgumentParser's refusal (status 64) whose first line is `Error: message`.
    static func expectOutOfRange(_ arguments: [String], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try runLimited(arguments)
        #expect(result.status == 64, "\(arguments): status \(result.status): \(result.error)", sourceLocation: sourceLocation)
        #expect(result.error.split(separator: "\n").first.map(String.init) == "Error: \(message)", "\(result.error)", sourceLocation: sourceLocation)
    }

    static func tiny(_ model: String, out: URL) -> [String] {
        ["train", model, "--epochs", "1", "--batch-size", "64", "--train-limit", "64", "--test-limit", "20", "--samples", "1", "--out", out.path]
    }

    // MARK: - Sizes from the command line

    @Test func modelAndBatchSizesBeyondMemoryAreRefusedWithTheEstimate() throws {
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("run")
        try Self.expectTooLarge(Self.tiny("bnn", out: out) + ["--hidden", "2147483648"],
                                "training with --batch-size 64 (bnn mlp, hidden [2147483648]) (its largest tensor) would need 6.1 TiB, more than the ")
        try Self.expectTooLarge(Self.tiny("bnn", out: out) + ["--hidden", "4611686018427387904"],
                                "training with --batch-size 64 (bnn mlp, hidden [4611686018427387904]) (its largest tensor) would need 1.3e+07 PiB")
        try Self.expectTooLarge(Self.tiny("vae", out: out) + ["--latent", "4611686018427387904"],
                                "training with --batch-size 64 (vae, hidden [400], latent 4611686018427387904) (its largest tensor) would need ")
        try Self.expectTooLarge(Self.tiny("bnn", out: out) + ["--hidden", "8", "--batch-size", "9223372036854775807"],
                                "training with --batch-size 9223372036854775807 (bnn mlp, hidden [8]) (its largest tensor) would need ")
        // Wide but within one allocation: refused by the process's limit (the 1 GiB of ulimit -v).
        try Self.expectTooLarge(Self.tiny("mcdropout", out: out) + ["--hidden", "12000", "12000"],
                                "training with --batch-size 64 (mcdropout mlp, hidden [12000, 12000]) would need ",
                                suffix: ", more than the 1.0 GiB host memory of this process can hold")
        #expect(!FileManager.default.fileExists(atPath: out.path), "nothing is created for a run that cannot fit")
    }

    @Test func countsOutOfRangeAreRefusedAtParseTime() throws {
        for count in ["100000000", "1099511627776", "9223372036854775807", "0"] {
            try Self.expectOutOfRange(["sample", "--checkpoint", "x", "--count", count, "--out", "x.png"],
                                      "--count \(count) must lie in 1...4096 (one grid); for more, write several grids with different --seed values")
        }
        try Self.expectOutOfRange(["evaluate", "--checkpoint", "x", "--samples", "1000000"], "--samples 1000000 must lie in 1...1000")
        try Self.expectOutOfRange(["train", "bnn", "--samples", "1001"], "--samples 1001 must lie in 1...1000")
        try Self.expectOutOfRange(["train", "bnn", "--hidden", "400", "0"], "--hidden 0 must be at least 1")
        try Self.expectOutOfRange(["train", "vae", "--latent", "0"], "--latent 0 must be at least 1")
        try Self.expectOutOfRange(["train", "bnn", "--batch-size", "0"], "--batch-size 0 must be at least 1")
        try Self.expectOutOfRange(["evaluate", "--checkpoint", "x", "--test-limit", "0"], "--test-limit 0 must be at least 1")
        try Self.expectOutOfRange(["prune", "--checkpoint", "x", "--fraction", "1.0", "--out", "y"], "--fraction 1.0 must lie in [0, 1): 1 would remove every weight")
        try Self.expectOutOfRange(["sample", "--checkpoint", "x", "--out", ""], "--out is empty: give the PNG file to write")
    }

    /// `--test-limit` beyond the test set means the whole set: a GAN's evaluation generates as
    /// many images as the test set holds (30 here), not a billion.
    @Test func aTestLimitBeyondTheTestSetEvaluatesTheWholeSet() throws {
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("gan")
        let trained = try CommandLineTests.run(Self.tiny("gan", out: out))
        try #require(trained.status == 0, "\(trained.error)")
        let data = directory.appendingPathComponent("data")
        _ = try CommandLineMessageTests.writeDataset("mnist", splits: ["t10k"], size: 28, in: data)
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        try FileManager.default.createSymbolicLink(at: data.appendingPathComponent("scorer"),
                                                   withDestinationURL: repository.appendingPathComponent("Data/scorer"))
        let result = try Self.runLimited(["evaluate", "--checkpoint", out.appendingPathComponent("model.safetensors").path,
                                          "--data", data.path, "--test-limit", "1000000000"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("\"mnist_score\""), "\(result.output)")
    }

    // MARK: - Sizes from a checkpoint's description

    /// A checkpoint whose stored description is a good run's with `edit` applied to its JSON.
    static func hostileCheckpoint(from good: URL, replacing old: String, with new: String, in directory: URL) throws -> URL {
        let file = try SafetensorsFile.read(from: good)
        var metadata = file.metadata
        let json = try #require(metadata["deepbayes.model"])
        try #require(json.contains(old), "\(json)")
        metadata["deepbayes.model"] = json.replacingOccurrences(of: old, with: new)
        let url = directory.appendingPathComponent("hostile-\(UUID().uuidString).safetensors")
        try SafetensorsFile(tensors: file.tensors, metadata: metadata).write(to: url)
        return url
    }

    @Test func checkpointsDescribingHugeModelsAreRefusedBeforeBuilding() throws {
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bnn = directory.appendingPathComponent("bnn"), vae = directory.appendingPathComponent("vae")
        for (model, out) in [("bnn", bnn), ("vae", vae)] {
            let trained = try CommandLineTests.run(Self.tiny(model, out: out) + ["--hidden", "8"])
            try #require(trained.status == 0, "\(trained.error)")
        }
        for width in ["1000000000", "4611686018427387904"] {
            let hostile = try Self.hostileCheckpoint(from: bnn.appendingPathComponent("model.safetensors"), replacing: "\"hidden\":[8]",
                                                     with: "\"hidden\":[\(width)]", in: directory)
            try Self.expectTooLarge(["evaluate", "--checkpoint", hostile.path, "--samples", "1", "--test-limit", "20"],
                                    "\(hostile.path): its model (bnn mlp, hidden [\(width)]) (its largest tensor) would need ")
        }
        let latent = try Self.hostileCheckpoint(from: vae.appendingPathComponent("model.safetensors"), replacing: "\"latent\":20",
                                                with: "\"latent\":4611686018427387904", in: directory)
        try Self.expectTooLarge(["sample", "--checkpoint", latent.path, "--out", directory.appendingPathComponent("s.png").path],
                                "\(latent.path): its model (vae, hidden [8], latent 4611686018427387904) (its largest tensor) would need ")
        let zero = try Self.hostileCheckpoint(from: bnn.appendingPathComponent("model.safetensors"), replacing: "\"hidden\":[8]",
                                              with: "\"hidden\":[0]", in: directory)
        let result = try Self.runLimited(["evaluate", "--checkpoint", zero.path])
        #expect(result.status == 1)
        #expect(result.error == "error: \(zero.path): the model description is not valid: hidden width 0 must be at least 1\n")
    }

    /// A safetensors header naming one tensor twice is refused, not merged.
    @Test func aCheckpointNamingATensorTwiceIsRefused() throws {
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var header = Array(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#.utf8)
        header += repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8)
        var bytes: [UInt8] = (0..<8).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) } + header
        bytes += [UInt8](repeating: 0, count: 8)
        let url = directory.appendingPathComponent("twice.safetensors")
        try Data(bytes).write(to: url)
        let result = try Self.runLimited(["evaluate", "--checkpoint", url.path])
        #expect(result.status == 1)
        #expect(result.error == "error: \(url.path): the header is not valid JSON: at byte 54: duplicate key 'w'\n")
    }

    // MARK: - Sizes from a data file's header

    /// `--data` with MNIST files whose training images are `images` (raw bytes of an IDX or
    /// gzip file) and whose other files are small and valid.
    static func dataFolder(trainImages images: [UInt8], in directory: URL) throws -> URL {
        let data = directory.appendingPathComponent("data")
        let mnist = try CommandLineMessageTests.writeDataset("mnist", splits: ["train", "t10k"], size: 28, in: data)
        _ = try CommandLineMessageTests.writeDataset("fashion-mnist", splits: ["t10k"], size: 28, in: data)
        try FileManager.default.removeItem(at: mnist.appendingPathComponent("train-images-idx3-ubyte"))
        try Data(images).write(to: mnist.appendingPathComponent("train-images-idx3-ubyte.gz"))
        return data
    }

    /// A gzip member of `bytes` (zlib's gzip wrapper through the PNG writer's deflate is not
    /// public, so this is `gzip -c` run as a child process).
    static func gzip(_ bytes: [UInt8], in directory: URL) throws -> [UInt8] {
        let plain = directory.appendingPathComponent("plain-\(UUID().uuidString)")
        try Data(bytes).write(to: plain)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "gzip -9 -c \"$0\" > \"$0.gz\"", plain.path]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: plain.path + ".gz")))
    }

    /// An IDX header of `dimensions` (unsigned bytes).
    static func header(_ dimensions: [Int]) -> [UInt8] {
        [0, 0, 0x08, UInt8(dimensions.count)] + dimensions.flatMap { d in [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: d >> $0) } }
    }

    @Test func gzipBombsAreRefusedWithoutInflatingThem() throws {
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("run")
        // A header of 30 images, then 256 MiB of zeros (a 256 KiB file).
        let long = try Self.gzip(Self.header([30, 28, 28]) + [UInt8](repeating: 0, count: 256 << 20), in: directory)
        var data = try Self.dataFolder(trainImages: long, in: directory)
        let file = data.appendingPathComponent("mnist/train-images-idx3-ubyte.gz").path
        let result = try Self.runLimited(Self.tiny("bnn", out: out) + ["--hidden", "8", "--data", data.path])
        #expect(result.status == 1, "\(result.error)")
        #expect(result.error.hasSuffix("error: \(file): decompresses to more than 23536 bytes, but its header says 30 images of 28x28 (23536 bytes with the header): trailing bytes\n"),
                "\(result.error)")
        // A header claiming 2²⁰ images (822 MB of pixels, 4.9 GB as the loader holds them) in a tiny file.
        try FileManager.default.removeItem(at: data)
        let claim = try Self.gzip(Self.header([1 << 20, 28, 28]) + [UInt8](repeating: 0, count: 1 << 20), in: directory)
        data = try Self.dataFolder(trainImages: claim, in: directory)
        try Self.expectTooLarge(Self.tiny("bnn", out: out) + ["--hidden", "8", "--data", data.path],
                                "\(file): its header's 1048576 images of 28x28 would need 4.6 GiB",
                                suffix: "more than the 1.0 GiB host memory of this process can hold")
    }

    // MARK: - Divergence

    /// A run whose loss explodes stops at the batch, status 1, and the checkpoint (and the
    /// metrics) of the good run before it in the same folder stay byte for byte.
    @Test(arguments: TestBackends.names.filter { $0 != "reference" })
    func divergenceStopsTrainingAndKeepsTheLastGoodCheckpoint(device: String) throws {
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("run")
        let arguments = ["train", "bnn", "--device", device, "--epochs", "1", "--batch-size", "16", "--train-limit", "64", "--test-limit", "20",
                         "--samples", "1", "--hidden", "8", "--out", out.path]
        let good = try CommandLineTests.run(arguments)
        try #require(good.status == 0, "\(good.error)")
        let checkpoint = out.appendingPathComponent("model.safetensors"), metrics = out.appendingPathComponent("metrics.jsonl")
        let before = try (Data(contentsOf: checkpoint), Data(contentsOf: metrics))
        let diverged = try CommandLineTests.run(arguments + ["--lr", "1e6"])
        #expect(diverged.status == 1)
        let last = diverged.error.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("error: \(out.path): the training loss (train_loss) is ") && last.contains(" at epoch 1, batch ")
                && last.hasSuffix("; stopped before this epoch's checkpoint: the weights have diverged; train again with a lower --lr"), "\(diverged.error)")
        #expect(try Data(contentsOf: checkpoint) == before.0, "the good checkpoint is untouched")
        #expect(try Data(contentsOf: metrics) == before.1)
    }

    // MARK: - One run per output folder

    /// While a run writes into a folder, a second is refused naming the first's process id;
    /// once the first is killed (`kill -9`: no clean-up runs), the folder is free again.
    @Test func aSecondRunIntoTheSameFolderIsRefusedUntilTheFirstEnds() throws {
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("run")
        let first = Process()
        first.executableURL = CommandLineTests.executable
        first.arguments = Self.tiny("bnn", out: out) + ["--hidden", "8", "--epochs", "100000"]
        first.standardError = FileHandle.nullDevice
        first.standardOutput = FileHandle.nullDevice
        try first.run()
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        let lock = out.appendingPathComponent(".deepbayes.lock")
        let deadline = Date().addingTimeInterval(60)
        while (try? String(contentsOf: lock, encoding: .utf8)) != "\(first.processIdentifier)\n", Date() < deadline { usleep(50_000) }
        let second = try CommandLineTests.run(Self.tiny("bnn", out: out) + ["--hidden", "8"])
        #expect(second.status == 1)
        #expect(second.error == "error: \(out.path): another run (process \(first.processIdentifier)) is writing into this folder: wait for it or choose another --out\n")
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let third = try CommandLineTests.run(Self.tiny("bnn", out: out) + ["--hidden", "8"])
        #expect(third.status == 0, "\(third.error)")
    }
}
