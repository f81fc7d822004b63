import DeepBayesFiles
import Foundation
import Testing

/// The shipped `deepbayes` names the real cause and the file, word for word: a diverged model
/// (NaN weights, non-finite predictions) is exit status 1 and one line instead of a SIGILL; a
/// FIFO, a device or a folder given as a checkpoint; images that are not 28x28; float options
/// that are NaN, infinite or out of range (refused at parse time, status 64); an `--out` that
/// cannot be a folder (refused before any data loads); `--device NAME:` with an empty index.
@Suite(.timeLimit(.minutes(5))) struct CommandLineMessageTests {
    static let advice = ": the weights have diverged; train again with a lower --lr"

    /// Runs `deepbayes arguments` and expects exit status 1 and exactly the one line `message`
    /// (after `error: `) on standard error; with `afterProgress`, that line ends the progress
    /// lines training prints there.
    static func expectOneLine(_ arguments: [String], _ message: String, afterProgress: Bool = false,
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try CommandLineTests.run(arguments)
        #expect(result.status == 1, "\(arguments): status \(result.status)", sourceLocation: sourceLocation)
        if afterProgress {
            let lines = result.error.split(separator: "\n").map(String.init)
            #expect(lines.last == "error: \(message)" && lines.filter { $0.hasPrefix("error") }.count == 1,
                    "\(arguments): \(result.error)", sourceLocation: sourceLocation)
            #expect(lines.dropLast().allSatisfy { $0.hasPrefix("epoch ") }, "\(result.error)", sourceLocation: sourceLocation)
        } else {
            #expect(result.error == "error: \(message)\n", "\(arguments)", sourceLocation: sourceLocation)
        }
    }

    /// Runs `deepbayes arguments` and expects ArgumentParser's refusal: status 64 (EX_USAGE),
    /// first line `Error: message`, then the usage of the subcommand `arguments[0]`; nothing
    /// else ran.
    static func expectRefused(_ arguments: [String], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try CommandLineTests.run(arguments)
        #expect(result.status == 64, "\(arguments): status \(result.status): \(result.error)", sourceLocation: sourceLocation)
        let lines = result.error.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first.map(String.init) == "Error: \(message)", "\(arguments): \(result.error)", sourceLocation: sourceLocation)
        #expect(lines.count > 1 && lines[1].hasPrefix("Usage: deepbayes \(arguments.first ?? "")"), "\(result.error)", sourceLocation: sourceLocation)
        #expect(result.output.isEmpty, sourceLocation: sourceLocation)
    }

    /// The arguments of a training run of a second or less (64 images, one batch, one epoch).
    static func tinyRun(_ model: String = "bnn", out: URL) -> [String] {
        ["train", model, "--epochs", "1", "--batch-size", "64", "--train-limit", "64", "--test-limit", "20", "--samples", "1",
         "--hidden", "8", "--out", out.path]
    }

    // MARK: - Diverged models

    /// A learning rate that makes the weights explode in one step: the epoch's evaluation used
    /// to die of SIGILL (exit 132) in the calibration error; now the run is exit status 1 with
    /// one line naming it, before any checkpoint is written. A checkpoint whose weights are
    /// finite but so large that its predictions are not (a good run's, scaled by 10³⁰) gives
    /// `evaluate` the same one line, naming the checkpoint.
    @Test func divergingTrainingAndItsCheckpointGiveOneLine() throws {
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("diverged")
        try Self.expectOneLine(Self.tinyRun(out: out) + ["--lr", "1e30"],
                               "\(out.path): the model's predictions are not finite (NaN or infinity) after epoch 1;"
                               + " stopped before this epoch's checkpoint" + Self.advice, afterProgress: true)
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("model.safetensors").path))
        let good = directory.appendingPathComponent("good")
        let trained = try CommandLineTests.run(Self.tinyRun("mcdropout", out: good))
        try #require(trained.status == 0, "\(trained.error)")
        let file = try SafetensorsFile.read(from: good.appendingPathComponent("model.safetensors"))
        let checkpoint = directory.appendingPathComponent("huge.safetensors")
        try SafetensorsFile(tensors: file.tensors.map { ($0.name, $0.shape, $0.values.map { $0 * 1e30 }) }, metadata: file.metadata).write(to: checkpoint)
        try Self.expectOneLine(["evaluate", "--checkpoint", checkpoint.path, "--samples", "1", "--test-limit", "20"],
                               "\(checkpoint.path): the model's predictions are not finite (NaN or infinity)" + Self.advice)
    }

    /// A checkpoint with one NaN weight (a good run's, rewritten with the safetensors writer) is
    /// refused on loading, naming the file and the tensor.
    @Test func checkpointWithNaNWeightsGivesOneLine() throws {
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("run")
        let train = try CommandLineTests.run(Self.tinyRun(out: out))
        try #require(train.status == 0, "\(train.error)")
        let file = try SafetensorsFile.read(from: out.appendingPathComponent("model.safetensors"))
        var tensors = file.tensors
        let name = tensors[0].name
        var values = tensors[0].values
        values[values.count - 1] = .nan
        tensors[0] = (name: name, shape: tensors[0].shape, values: values)
        let poisoned = directory.appendingPathComponent("nan.safetensors")
        try SafetensorsFile(tensors: tensors, metadata: file.metadata).write(to: poisoned)
        let message = "\(poisoned.path): tensor '\(name)' holds 1 value that is not finite (NaN or infinity)" + Self.advice
        try Self.expectOneLine(["evaluate", "--checkpoint", poisoned.path, "--samples", "1", "--test-limit", "20"], message)
        try Self.expectOneLine(["prune", "--checkpoint", poisoned.path, "--fraction", "0.5", "--out", directory.appendingPathComponent("p").path], message)
    }

    // MARK: - Checkpoints that are not regular files

    @Test func checkpointThatIsAFIFOADeviceOrAFolderIsNamed() throws {
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("model.safetensors")
        try #require(mkfifo(fifo.path, 0o600) == 0)
        try Self.expectOneLine(["evaluate", "--checkpoint", fifo.path], "\(fifo.path): is a named pipe (FIFO), not a regular file")
        try Self.expectOneLine(["sample", "--checkpoint", fifo.path, "--out", directory.appendingPathComponent("x.png").path],
                               "\(fifo.path): is a named pipe (FIFO), not a regular file")
        try Self.expectOneLine(["evaluate", "--checkpoint", "/dev/zero"], "/dev/zero: is a character device, not a regular file")
        try Self.expectOneLine(["evaluate", "--checkpoint", directory.path], "\(directory.path): is a folder, not a checkpoint file")
        let missing = directory.appendingPathComponent("missing.safetensors")
        try Self.expectOneLine(["evaluate", "--checkpoint", missing.path], "\(missing.path): no such file")
    }

    // MARK: - Images the models cannot take

    /// An uncompressed IDX file of `count` images of `rows`x`columns`, or of `count` labels.
    static func writeIDX(_ dimensions: [Int], to url: URL) throws {
        var bytes: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
        for dimension in dimensions { bytes += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: dimension >> $0) } }
        let count = dimensions.reduce(1, *)
        bytes += (0..<count).map { dimensions.count == 1 ? UInt8($0 % 10) : UInt8(truncatingIfNeeded: $0 &* 37) }
        try Data(bytes).write(to: url)
    }

    /// `dataset/` in `root` with the files of `splits`, images of `size`x`size`.
    static func writeDataset(_ dataset: String, splits: [String], size: Int, in root: URL) throws -> URL {
        let folder = root.appendingPathComponent(dataset)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for prefix in splits {
            try writeIDX([30, size, size], to: folder.appendingPathComponent("\(prefix)-images-idx3-ubyte"))
            try writeIDX([30], to: folder.appendingPathComponent("\(prefix)-labels-idx1-ubyte"))
        }
        return folder
    }

    @Test func imagesThatAreNot28x28AreNamedBeforeTraining() throws {
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data")
        let mnist = try Self.writeDataset("mnist", splits: ["train", "t10k"], size: 32, in: data)
        _ = try Self.writeDataset("fashion-mnist", splits: ["t10k"], size: 32, in: data)
        let out = directory.appendingPathComponent("run")
        try Self.expectOneLine(Self.tinyRun(out: out) + ["--data", data.path],
                               "\(mnist.path)/train-images-idx3-ubyte: images are 32x32, expected 28x28")
        #expect(!FileManager.default.fileExists(atPath: out.path), "nothing is written for data the models cannot take")

        // evaluate: MNIST right, Fashion-MNIST (the out-of-distribution set) not.
        let good = directory.appendingPathComponent("good")
        _ = try Self.writeDataset("mnist", splits: ["t10k"], size: 28, in: good)
        let fashion = try Self.writeDataset("fashion-mnist", splits: ["t10k"], size: 32, in: good)
        let trained = try CommandLineTests.run(Self.tinyRun(out: out))
        try #require(trained.status == 0, "\(trained.error)")
        let checkpoint = out.appendingPathComponent("model.safetensors").path
        try Self.expectOneLine(["evaluate", "--checkpoint", checkpoint, "--samples", "1", "--data", good.path],
                               "\(fashion.path)/t10k-images-idx3-ubyte: images are 32x32, expected 28x28")
        try Self.expectOneLine(["evaluate", "--checkpoint", checkpoint, "--samples", "1", "--data", data.path],
                               "\(mnist.path)/t10k-images-idx3-ubyte: images are 32x32, expected 28x28")
    }

    // MARK: - Options

    @Test func nonFiniteOrOutOfRangeFloatOptionsAreRefusedAtParseTime() throws {
        let refusals: [([String], String)] = [
            (["--rho-init", "nan"], "--rho-init nan must be a finite number"),
            (["--rho-init", "inf"], "--rho-init inf must be a finite number"),
            (["--rho-init=-inf"], "--rho-init -inf must be a finite number"),
            (["--rho-init", "-inf"], "--rho-init -inf must be a finite number"),  // a negative value after a space is a value
            (["--neg-log-sigma1", "-100"], "--neg-log-sigma1 -100.0 must lie in [-88, 87], so that sigma1 = exp(-x) is a positive finite number"),
            (["--lr", "nan"], "--lr nan must be a positive finite number"),
            (["--lr", "0"], "--lr 0.0 must be a positive finite number"),
            (["--lr", "inf"], "--lr inf must be a positive finite number"),
            (["--lr-decay", "0"], "--lr-decay 0.0 must lie in (0, 1]"),
            (["--lr-decay", "nan"], "--lr-decay nan must lie in (0, 1]"),
            (["--pi", "1"], "--pi 1.0 must lie in (0, 1)"),
            (["--pi", "nan"], "--pi nan must lie in (0, 1)"),
            (["--neg-log-sigma1", "nan"], "--neg-log-sigma1 nan must lie in [-88, 87], so that sigma1 = exp(-x) is a positive finite number"),
            (["--neg-log-sigma2", "200"], "--neg-log-sigma2 200.0 must lie in [-88, 87], so that sigma2 = exp(-x) is a positive finite number"),
            (["--prior-sigma", "0"], "--prior-sigma 0.0 must be a positive finite number"),
            (["--prior-sigma", "inf"], "--prior-sigma inf must be a positive finite number"),
            (["--dropout", "1"], "--dropout 1.0 must lie in [0, 1)"),
            (["--dropout", "nan"], "--dropout nan must lie in [0, 1)"),
            (["--out", ""], "--out is empty: give the folder the run writes into"),
        ]
        for (options, message) in refusals {
            try Self.expectRefused(["train", "bnn"] + options, message)
        }
    }

    /// `--out` is checked before any data loads: with `--data` naming no folder at all, the
    /// `--out` problem is the one reported.
    @Test func outputFolderIsCheckedBeforeTheData() throws {
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let noData = ["--data", directory.appendingPathComponent("no-data").path]
        let file = directory.appendingPathComponent("file")
        try Data("x".utf8).write(to: file)
        try Self.expectOneLine(Self.tinyRun(out: file) + noData,
                               "\(file.path): is a file, not a folder (--out names the folder the run writes into)")
        let below = file.appendingPathComponent("run")
        try Self.expectOneLine(Self.tinyRun(out: below) + noData,
                               "\(below.path): cannot create the output folder: \(file.path) is a file, not a folder")
        let fifo = directory.appendingPathComponent("fifo")
        try #require(mkfifo(fifo.path, 0o600) == 0)
        try Self.expectOneLine(Self.tinyRun(out: fifo) + noData,
                               "\(fifo.path): is a named pipe (FIFO), not a folder (--out names the folder the run writes into)")
        // A good --out (missing folders are created) gets on to the data, which is the problem then.
        try Self.expectOneLine(Self.tinyRun(out: directory.appendingPathComponent("a/b")) + noData,
                               "\(directory.path)/no-data/mnist: no such directory (--data must hold mnist/ like the repository's Data/)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("a").path))
    }

    /// Options with a fixed set of values are refused at parse time, before any folder is
    /// created, and `--help` lists the values; `--version` answers.
    @Test func choicesAreRefusedAtParseTimeAndListed() throws {
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("run")
        for (options, message) in [
            (["--arch", "dcgan"], "--arch dcgan is not an architecture of bnn (mlp, conv, lstm, gru)"),
            (["--arch", "resnet"], "The value 'resnet' is invalid for '--arch <arch>'. Please provide one of 'mlp', 'conv', 'lstm', 'gru' or 'dcgan'."),
            (["--prior", "laplace"], "The value 'laplace' is invalid for '--prior <prior>'. Please provide one of 'mixture' and 'gaussian'."),
            (["--estimator", "exact"], "The value 'exact' is invalid for '--estimator <estimator>'. Please provide one of 'local', 'reparameterization' or 'flipout'."),
        ] {
            let result = try CommandLineTests.run(["train", "bnn", "--out", out.path] + options)
            #expect(result.status == 64, "\(options): \(result.error)")
            #expect(result.error.split(separator: "\n").first.map(String.init) == "Error: \(message)", "\(result.error)")
        }
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let help = try CommandLineTests.run(["train", "--help"]).output.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("(values: mixture, gaussian;") && help.contains("(values: local, reparameterization, flipout;"), "\(help)")
        let version = try CommandLineTests.run(["--version"])
        #expect(version.status == 0 && version.output == "1.1.0\n")
    }

    @Test(arguments: ["cpu:", "opencl:", "cpu:+1", "cpu:x"])
    func deviceWithAnEmptyOrNonNumericIndexIsRefused(selector: String) throws {
        let result = try CommandLineTests.run(["check", "--device", selector])
        #expect(result.status == 1)
        #expect(result.error.split(separator: "\n").first.map(String.init)
                == "error: device: invalid argument: '\(selector)': the device index must be a non-negative integer", "\(result.error)")
        #expect(result.output.isEmpty, "no device was opened: \(result.output)")
    }
}
