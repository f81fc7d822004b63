import DeepBayesBackends
import DeepBayesCore
import DeepBayesData
import DeepBayesFiles
import DeepBayesModels
import DeepBayesTraining
import Foundation
import Testing

/// Messages that name the real cause and the file, word for word, where the check lives in a
/// library: non-finite predictions and weights, checkpoints that are not regular files, images
/// the models cannot take, device selectors with an empty index. (The command line's own
/// checks are tested end to end in Distribution/, `CommandLineMessageTests`.)
@Suite(.timeLimit(.minutes(2))) struct MessageTests {
    static let advice = ": the weights have diverged; train again with a lower --lr"

    /// A fresh temporary directory, removed by `body`'s end.
    static func withTemporaryDirectory(_ body: (URL) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("MessageTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory)
    }

    /// The description of the error `body` throws, or nil (recorded as an issue) if it throws
    /// none or one that is not a `DeepBayesError`.
    @discardableResult
    static func message(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> String? {
        do {
            try body()
            Issue.record("expected an error", sourceLocation: sourceLocation)
        } catch let error as DeepBayesError {
            return error.description
        } catch {
            Issue.record("expected a DeepBayesError, got \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    // MARK: - Non-finite predictions and weights

    @Test func divergedErrorReadsAsOneLine() {
        #expect(DeepBayesError.diverged(source: "runs/bnn", finding: ClassificationMetrics.nonFinitePredictions).description
                == "runs/bnn: the model's predictions are not finite (NaN or infinity): the weights have diverged; train again with a lower --lr")
    }

    /// Every metric states NaN for non-finite probabilities or scores (none traps: the ECE used
    /// to convert NaN to an integer, SIGILL), and `requireFinite` is the typed error.
    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func metricsOfNonFinitePredictionsAreNaNNotATrap(bad: Float) throws {
        let probabilities: [Float] = [0.9, 0.1, bad, 0.5, 0.2, 0.8], labels = [0, 1, 1]
        #expect(ClassificationMetrics.errorRate(probabilities: probabilities, labels: labels, classes: 2).isNaN)
        #expect(ClassificationMetrics.negativeLogLikelihood(probabilities: probabilities, labels: labels, classes: 2).isNaN)
        #expect(ClassificationMetrics.expectedCalibrationError(probabilities: probabilities, labels: labels, classes: 2).isNaN)
        #expect(ClassificationMetrics.expectedCalibrationError(probabilities: [Float](repeating: bad, count: 6), labels: labels, classes: 2).isNaN)
        #expect(ClassificationMetrics.areaUnderROC(positives: [0.3, bad], negatives: [0.1]).isNaN)
        #expect(ClassificationMetrics.areaUnderROC(positives: [0.3], negatives: [bad, 0.1]).isNaN)
        #expect(throws: DeepBayesError.diverged(source: "model.safetensors", finding: "the model's predictions are not finite (NaN or infinity)")) {
            try ClassificationMetrics.requireFinite(probabilities, source: "model.safetensors")
        }
        #expect(Self.message { try ClassificationMetrics.requireFinite(probabilities, source: "m.safetensors") }
                == "m.safetensors: the model's predictions are not finite (NaN or infinity)" + Self.advice)
        try ClassificationMetrics.requireFinite([0.5, 0.5], source: "fine")
    }

    /// Finite confidences outside [0, 1] (huge, negative) fall into the end bins instead of
    /// trapping on the conversion to a bin index.
    @Test func calibrationErrorOfOutOfRangeConfidencesDoesNotTrap() {
        let probabilities: [Float] = [3e38, 1, -5, -7, 0.5, 0.25]
        let ece = ClassificationMetrics.expectedCalibrationError(probabilities: probabilities, labels: [0, 0, 1], classes: 2)
        #expect(ece.isFinite)
        #expect(ClassificationMetrics.expectedCalibrationError(probabilities: [0.5, 0.5], labels: [0], classes: 2, bins: 0).isNaN)
        #expect(ClassificationMetrics.argmax([.nan, 0.2, 0.7], row: 0, classes: 3) == 2)
    }

    /// A classifier whose weights are NaN evaluates (on every backend) to NaN error, NLL and ECE,
    /// not a signal (`deepbayes evaluate` and `train` turn those into the `diverged` error); saving it is refused with the tensor named, and loading a file that holds NaN is too.
    @Test(arguments: TestBackends.names)
    func nanModelEvaluatesToNaNAndIsNeitherSavedNorLoaded(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        var spec = ModelSpec.defaults(for: .bnn)
        spec.hidden = [4]
        let model = try TrainableModel(spec, on: backend)
        for named in model.namedParameters {
            named.parameter.value = try backend.tensor([Float](repeating: .nan, count: named.parameter.shape.count), shape: named.parameter.shape)
        }
        guard case let .classifier(classifier) = model else { Issue.record("bnn is a classifier"); return }
        let test = try Dataset(images: (0..<(3 * 784)).map { Float($0 % 7) / 7 }, labels: [1, 4, 9], rows: 28, columns: 28)
        let metrics = try Evaluation.classifier(classifier, test: test, outOfDistribution: test, samples: 2, seed: 3, on: backend).metrics
        #expect(metrics.map(\.0) == ["test_error", "nll", "ece", "ood_auroc", "ood_auroc_mi"])
        // The entropies behind the two AUROCs come out finite (ClassifierPrediction counts a NaN
        // probability as 0 in `-Σ p log p`), so only the three metrics of the probabilities are NaN.
        #expect(metrics.prefix(3).allSatisfy { $0.1.isNaN }, "\(metrics)")

        try Self.withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("model.safetensors")
            let first = try #require(model.namedParameters.map(\.name).sorted().first)
            let saving = Self.message { try Checkpoint.save(model, spec: spec, to: url) }
            let name = try #require(model.namedParameters.first?.name)
            let count = try #require(model.namedParameters.first?.parameter.shape.count)
            #expect(saving == "\(url.path): not saved: tensor '\(name)' holds \(count) values that are not finite (NaN or infinity)" + Self.advice)
            #expect(!FileManager.default.fileExists(atPath: url.path), "a diverged model must not replace the checkpoint")

            // One NaN in an otherwise good checkpoint, written with the safetensors writer.
            let good = try TrainableModel(spec, on: backend)
            try Checkpoint.save(good, spec: spec, to: url)
            let file = try SafetensorsFile.read(from: url)
            var tensors = file.tensors
            let index = try #require(tensors.firstIndex { $0.name == first })
            var values = tensors[index].values
            values[values.count / 2] = .nan
            tensors[index] = (name: first, shape: tensors[index].shape, values: values)
            try SafetensorsFile(tensors: tensors, metadata: file.metadata).write(to: url)
            #expect(Self.message { _ = try Checkpoint.load(from: url, on: backend) }
                    == "\(url.path): tensor '\(first)' holds 1 value that is not finite (NaN or infinity)" + Self.advice)
        }
    }

    // MARK: - Checkpoints that are not regular files

    @Test func checkpointThatIsAFIFOIsRefusedWithoutBlocking() throws {
        try Self.withTemporaryDirectory { directory in
            let fifo = directory.appendingPathComponent("model.safetensors")
            try #require(mkfifo(fifo.path, 0o600) == 0)
            #expect(Self.message { _ = try Checkpoint.load(from: fifo, on: TestBackends.cpu) }
                    == "\(fifo.path): is a named pipe (FIFO), not a regular file")
            #expect(Self.message { _ = try IDXFile(contentsOf: fifo) } == "\(fifo.path): is a named pipe (FIFO), not a regular file")
        }
    }

    @Test func checkpointThatIsADeviceIsRefused() {
        #expect(Self.message { _ = try Checkpoint.load(from: URL(fileURLWithPath: "/dev/zero"), on: TestBackends.cpu) }
                == "/dev/zero: is a character device, not a regular file")
        #expect(Self.message { _ = try IDXFile(contentsOf: URL(fileURLWithPath: "/dev/zero")) }
                == "/dev/zero: is a character device, not a regular file")
    }

    @Test func checkpointThatIsAFolderOrMissingIsNamed() throws {
        try Self.withTemporaryDirectory { directory in
            #expect(Self.message { _ = try Checkpoint.load(from: directory, on: TestBackends.cpu) }
                    == "\(directory.path): is a folder, not a checkpoint file")
            let missing = directory.appendingPathComponent("missing.safetensors")
            #expect(Self.message { _ = try Checkpoint.load(from: missing, on: TestBackends.cpu) } == "\(missing.path): no such file")
            let inside = missing.appendingPathComponent("model.safetensors")
            try Data([1]).write(to: missing)
            #expect(Self.message { _ = try Checkpoint.load(from: inside, on: TestBackends.cpu) }
                    == "\(inside.path): no such file (a folder on its path is a file)")
        }
    }

    // MARK: - Images the models cannot take

    /// Writes MNIST-family files of `count` images of `rows`x`columns` for `split` (images gzip'd).
    static func writeSplit(_ split: MNISTFamily.Split, rows: Int, columns: Int, count: Int = 3, in directory: URL) throws -> URL {
        let pixels = (0..<(count * rows * columns)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let images = directory.appendingPathComponent("\(split.filePrefix)-images-idx3-ubyte.gz")
        try Data(try IDXTests.gzip(IDXTests.idx([count, rows, columns], pixels))).write(to: images)
        try Data(IDXTests.idx([count], (0..<count).map { UInt8($0 % 10) }))
            .write(to: directory.appendingPathComponent("\(split.filePrefix)-labels-idx1-ubyte"))
        return images
    }

    @Test func imagesThatAreNot28x28AreNamedWithTheirSize() throws {
        try Self.withTemporaryDirectory { directory in
            let images = try Self.writeSplit(.test, rows: 32, columns: 32, in: directory)
            #expect(Self.message { _ = try MNISTFamily.load(directory: directory, split: .test, imageSize: MNISTFamily.imageSize) }
                    == "\(images.path): images are 32x32, expected 28x28")
            #expect(Self.message { try MNISTFamily.checkImageSize(directory: directory, split: .test) }
                    == "\(images.path): images are 32x32, expected 28x28")
            // Without a size the loader takes any (the crafted 2x2 sets of IDXTests).
            #expect(try MNISTFamily.load(directory: directory, split: .test).rows == 32)

            let train = try Self.writeSplit(.train, rows: 28, columns: 20, count: 2, in: directory)
            #expect(Self.message { try MNISTFamily.checkImageSize(directory: directory, split: .train) }
                    == "\(train.path): images are 28x20, expected 28x28")
        }
        try Self.withTemporaryDirectory { directory in
            _ = try Self.writeSplit(.train, rows: 28, columns: 28, in: directory)
            try MNISTFamily.checkImageSize(directory: directory, split: .train)
            #expect(try MNISTFamily.load(directory: directory, split: .train, imageSize: MNISTFamily.imageSize).count == 3)
        }
        try MNISTFamily.checkImageSize(directory: DataDirectory.locate("mnist"), split: .train)
    }

    /// The header-only reader agrees with the full one on plain, gzip and two-member gzip files,
    /// and reports a damaged stream as the full reader does.
    @Test func headerOnlyDimensionsAgreeWithTheFullReader() throws {
        try Self.withTemporaryDirectory { directory in
            let file = IDXTests.idx([3, 4, 5], IDXTests.pattern(60, salt: 2))
            let plain = try IDXTests.write(file, "plain", in: directory)
            let gz = try IDXTests.write(try IDXTests.gzip(file), "one.gz", in: directory)
            let two = try IDXTests.write(try IDXTests.gzip(Array(file[..<9])) + IDXTests.gzip(Array(file[9...])), "two.gz", in: directory)
            for url in [plain, gz, two] {
                #expect(try IDXFile.dimensions(contentsOf: url, expectedRank: 3) == [3, 4, 5], "\(url.lastPathComponent)")
            }
            var damaged = try IDXTests.gzip(file)
            damaged[12] ^= 0xFF
            damaged[13] ^= 0xFF
            let bad = try IDXTests.write(damaged, "bad.gz", in: directory)
            let full = Self.message { _ = try IDXFile(contentsOf: bad) }
            #expect(full != nil && Self.message { _ = try IDXFile.dimensions(contentsOf: bad) } == full)
            #expect(Self.message { _ = try IDXFile.dimensions(contentsOf: plain, expectedRank: 1) }
                    == "\(plain.path): expected 1 dimension (labels: count), the header declares 3")
        }
        let shipped = try DataDirectory.locate("mnist").appendingPathComponent("train-images-idx3-ubyte.gz")
        #expect(try IDXFile.dimensions(contentsOf: shipped, expectedRank: 3) == [60_000, 28, 28])
    }

    // MARK: - Device selectors

    @Test(arguments: ["cpu:", "opencl:", "cpu:+1", "cpu:-1", "cpu: 1", "cpu:1:2", "cpu:x"])
    func deviceIndexMustBeDigits(selector: String) {
        let registry = BackendRegistry([
            BackendFactory(name: "cpu", summary: "test", make: { _ in TestBackends.cpu }, devices: { [] }),
            BackendFactory(name: "opencl", summary: "test", make: { _ in TestBackends.cpu }, devices: { [] }),
        ])
        #expect(Self.message { _ = try registry.makeBackend(selector) }
                == "device: invalid argument: '\(selector)': the device index must be a non-negative integer")
    }

    @Test func deviceWithoutOrWithAnIndexStillWorks() throws {
        let indices = IndexBox()
        let registry = BackendRegistry([BackendFactory(name: "cpu", summary: "test", make: { index in
            indices.append(index)
            return TestBackends.cpu
        }, devices: { [] })])
        _ = try registry.makeBackend("cpu")
        _ = try registry.makeBackend("cpu:0")
        _ = try registry.makeBackend("cpu:12")
        #expect(indices.values == [nil, 0, 12])
        #expect(Self.message { _ = try registry.makeBackend(":1") } == "unknown device ':1'; available: cpu")
    }

    /// The indices a test factory was asked for.
    final class IndexBox: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [Int?] = []
        var values: [Int?] { lock.withLock { stored } }
        func append(_ value: Int?) { lock.withLock { stored.append(value) } }
    }
}
