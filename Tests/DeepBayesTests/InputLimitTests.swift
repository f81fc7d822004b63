import DeepBayesCore
@testable import DeepBayesData
import DeepBayesFiles
import DeepBayesModels
import DeepBayesNN
import DeepBayesTraining
import Foundation
import Testing

/// Sizes that come from outside are checked before anything is allocated: the model sizes a
/// description implies (checked against the built models), the memory estimate and its
/// message, hostile checkpoint descriptions, gzip IDX files whose stream or header claim more
/// than they may, the divergence guard, and the folder lock.
@Suite struct InputLimitTests {
    // MARK: - Model sizes

    static let specs: [ModelSpec] = [
        .defaults(for: .bnn), .defaults(for: .bnn, architecture: "conv"), .defaults(for: .mcdropout),
        .defaults(for: .mcdropout, architecture: "conv"), .defaults(for: .vae), .defaults(for: .gan), .defaults(for: .gan, architecture: "dcgan"),
        .defaults(for: .bnn, architecture: "lstm"), .defaults(for: .mcdropout, architecture: "gru"), stackedLSTM,
    ]

    /// A plain two-layer LSTM classifier.
    static var stackedLSTM: ModelSpec {
        var spec = ModelSpec.defaults(for: .mlp, architecture: "lstm")
        spec.hidden = [24, 16]
        return spec
    }

    /// `checkedSize` counts exactly the floats the built model holds (a GAN: its generator, its
    /// discriminator and its averaged generator) and its largest tensor.
    @Test(arguments: specs)
    func estimatedParametersAreTheBuiltModels(spec: ModelSpec) throws {
        let model = try TrainableModel(spec, on: TestBackends.cpu)
        let built = model.namedParameters.reduce(0) { $0 + $1.parameter.shape.count }
        #expect(try spec.checkedSize().parameters == Double(built), "\(spec.sizeSummary)")
        let largest = model.namedParameters.map { $0.parameter.shape.count }.max() ?? 0
        #expect(try spec.checkedSize().largestParameter == Double(largest))
    }

    @Test func invalidDescriptionsNameTheField() throws {
        var spec = ModelSpec.defaults(for: .bnn)
        spec.hidden = [400, 0]
        #expect(throws: DeepBayesError.invalidArgument(operation: "model", reason: "hidden width 0 must be at least 1")) { try spec.checkedSize() }
        spec = .defaults(for: .vae)
        spec.latent = -3
        #expect(throws: DeepBayesError.invalidArgument(operation: "model", reason: "latent size -3 must be at least 1")) { try spec.checkedSize() }
        spec.architecture = "conv"
        #expect(throws: DeepBayesError.invalidArgument(operation: "model", reason: "the VAE is an mlp with one hidden layer, got conv [400]")) {
            try spec.checkedSize()
        }
    }

    // MARK: - The memory estimate

    static let gigabyte = 1 << 30
    static let capabilities = BackendCapabilities(deviceKind: .gpu, totalMemoryBytes: 8 * gigabyte, maximumAllocationBytes: 2 * gigabyte)

    /// Widths up to 2⁶² multiply out in `Double`, never trapping, and are refused with the
    /// estimate, the limit and who holds it.
    @Test func hugeWidthsAreRefusedWithTheEstimate() throws {
        var spec = ModelSpec.defaults(for: .mcdropout)
        for width in [1 << 31, 1 << 62, Int.max] {
            spec.hidden = [width, width]
            #expect(throws: DeepBayesError.self) {
                try spec.trainingMemory(batchSize: Int.max).check("x", capabilities: Self.capabilities, backend: "gpu0", processLimit: nil)
            }
        }
        spec.hidden = [30_000]
        // 784·30,000 + 30,000·10 weights, the largest 784·30,000 floats = 89.7 MiB: fits one
        // allocation; four copies of 23.8 M parameters and the activations of a batch of
        // 128 also fit 8 GiB.
        try spec.trainingMemory(batchSize: 128).check("x", capabilities: Self.capabilities, backend: "gpu0", processLimit: nil)
        spec.hidden = [30_000, 30_000]
        // 900 M weights of 3.4 GiB: more than the largest allocation.
        #expect(throws: DeepBayesError.exceedsMemory(subject: "training (its largest tensor)", bytes: 3_600_000_000, limit: 2 * Self.gigabyte,
                                                     holder: "largest allocation of the gpu0 device")) {
            try spec.trainingMemory(batchSize: 128).check("training", capabilities: Self.capabilities, backend: "gpu0", processLimit: nil)
        }
    }

    /// On a CPU device the device's bytes are the process's too: a limit of the process (as
    /// `ulimit -v` sets) refuses what the machine's memory would allow.
    @Test func theProcessLimitBindsOnACPUDevice() throws {
        let budget = MemoryBudget(device: Double(3 * Self.gigabyte))
        let cpu = BackendCapabilities(deviceKind: .cpu, totalMemoryBytes: 16 * Self.gigabyte)
        try budget.check("x", capabilities: cpu, backend: "cpu", processLimit: 4 * Self.gigabyte)
        let error = DeepBayesError.exceedsMemory(subject: "x", bytes: Double(3 * Self.gigabyte), limit: 2 * Self.gigabyte,
                                                 holder: "host memory of this process")
        #expect(throws: error) { try budget.check("x", capabilities: cpu, backend: "cpu", processLimit: 2 * Self.gigabyte) }
        #expect(error.description == "x would need 3.0 GiB, more than the 2.0 GiB host memory of this process can hold")
        // A GPU's bytes do not count against the host.
        try budget.check("x", capabilities: Self.capabilities, backend: "gpu0", processLimit: Self.gigabyte)
    }

    @Test func byteCountsBeyondIntAreWritten() {
        #expect(BackendCapabilities.bytes(Double(1 << 62) * 4) == "1.6e+04 PiB")
        #expect(BackendCapabilities.bytes(Double.infinity) == "more bytes than any machine has")
        #expect(BackendCapabilities.bytes(1536) == "1.5 KiB")
    }

    // MARK: - Checkpoints describing models too large to build

    /// A checkpoint whose stored description asks for `hidden` (no tensors needed: the
    /// description is refused first).
    static func checkpoint(hidden: [Int], latent: Int = 20, kind: ModelKind = .bnn) throws -> URL {
        var spec = ModelSpec.defaults(for: kind)
        spec.hidden = hidden
        spec.latent = latent
        let url = CheckpointTests.temporaryFile("hostile.safetensors")
        try SafetensorsFile(tensors: [], metadata: [Checkpoint.kindKey: kind.rawValue, Checkpoint.specKey: try spec.json()]).write(to: url)
        return url
    }

    @Test(arguments: [[1_000_000_000], [1 << 62], [Int.max, 2]])
    func checkpointsAskingForHugeWidthsAreRefusedBeforeBuilding(hidden: [Int]) throws {
        let url = try Self.checkpoint(hidden: hidden)
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try Checkpoint.load(from: url, on: TestBackends.cpu)
            Issue.record("loaded a model of hidden \(hidden)")
        } catch let DeepBayesError.exceedsMemory(subject, _, _, _) {
            #expect(subject.hasPrefix("\(url.path): its model (bnn mlp, hidden \(hidden))"))
        }
    }

    @Test func checkpointsAskingForAHugeLatentOrAZeroWidthAreRefused() throws {
        let latent = try Self.checkpoint(hidden: [400], latent: 1 << 62, kind: .vae)
        defer { try? FileManager.default.removeItem(at: latent) }
        #expect(throws: DeepBayesError.self) { try Checkpoint.load(from: latent, on: TestBackends.cpu) }
        let zero = try Self.checkpoint(hidden: [0])
        defer { try? FileManager.default.removeItem(at: zero) }
        #expect(throws: DeepBayesError.invalidFile(path: zero.path, reason: "the model description is not valid: hidden width 0 must be at least 1")) {
            try Checkpoint.load(from: zero, on: TestBackends.cpu)
        }
    }

    // MARK: - gzip IDX files that claim more than they may

    /// A gzip stream that inflates far beyond what its header promises stops at the promise:
    /// 16 MiB of zeros after a header of 10 labels.
    @Test func aStreamLongerThanItsHeaderIsRefusedWhileInflating() throws {
        let bomb = try IDXTests.gzip(IDXTests.idx([10], [UInt8](repeating: 0, count: 16 << 20)))
        #expect(bomb.count < 100_000)
        #expect(throws: DeepBayesError.invalidFile(path: "bomb.gz", reason: "decompresses to more than 18 bytes, but its header says 10 labels (18 bytes with the header): trailing bytes")) {
            try IDXFile(fileBytes: bomb, path: "bomb.gz", expectedRank: 1)
        }
    }

    /// A header that claims more than this process can hold is refused from the first
    /// kilobyte, before the rest is inflated.
    @Test func aHeaderClaimingTooMuchIsRefusedBeforeInflating() throws {
        let claim = try IDXTests.gzip(IDXTests.idx([1 << 20, 1 << 12, 1 << 12], [UInt8](repeating: 0, count: 4096)))
        do {
            _ = try IDXFile(fileBytes: claim, path: "claim.gz", expectedRank: 3)
            Issue.record("accepted a 16 TiB claim")
        } catch let DeepBayesError.exceedsMemory(subject, bytes, _, _) {
            #expect(subject == "claim.gz: its header's 1048576 images of 4096x4096")
            #expect(bytes == 2 * Double((1 << 44) + 16))
        }
    }

    // MARK: - Divergence

    @Test func theDivergenceGuardNamesTheLossTheEpochAndTheBatch() throws {
        let guarding = DivergenceGuard(run: "runs/bnn")
        try guarding.checkStep([("train_loss", 1e7), ("kl", -3)], epoch: 1, batch: 1)
        #expect(throws: DeepBayesError.diverged(source: "runs/bnn", finding: "the training loss (train_loss) is 1.34e+21, beyond 1e+08 at epoch 2, batch 7; stopped before this epoch's checkpoint")) {
            try guarding.checkStep([("train_loss", 1.34e21)], epoch: 2, batch: 7)
        }
        #expect(throws: DeepBayesError.diverged(source: "runs/bnn", finding: "the training loss (kl) is NaN at epoch 1, batch 2; stopped before this epoch's checkpoint")) {
            try guarding.checkStep([("train_loss", 1), ("kl", .nan)], epoch: 1, batch: 2)
        }
        #expect(throws: DeepBayesError.self) { try guarding.checkStep([("train_loss", -.infinity)], epoch: 1, batch: 2) }
        #expect(throws: DeepBayesError.self) { try guarding.checkEvaluation([("test_error", .nan)], epoch: 3) }
        try guarding.checkEvaluation([("test_error", 0.02)], epoch: 3)
    }

    // MARK: - One run per folder

    /// A second claim on a folder fails naming this process while the first is held, and
    /// succeeds once it is released (`flock` locks belong to the open file, so two claims in
    /// one process conflict just as two processes' do).
    @Test func aFolderIsClaimedByOneHolderAtATime() throws {
        try IDXTests.withTemporaryDirectory { folder in
            var first: FolderLock? = try FolderLock(folder: folder)
            #expect(throws: DeepBayesError.invalidFile(path: folder.path, reason: "another run (process \(getpid())) is writing into this folder: wait for it or choose another --out")) {
                try FolderLock(folder: folder)
            }
            withExtendedLifetime(first) {}
            first = nil
            _ = try FolderLock(folder: folder)
        }
    }
}

/// A stored model description with a field missing, of the wrong type or null is refused with
/// a message naming the field, not the decoder's own text.
@Suite struct ModelDescriptionMessageTests {
    @Test func aMissingOrWrongFieldIsNamed() throws {
        let good = try ModelSpec.defaults(for: .vae).json()
        let cases: [(String, String)] = [
            (good.replacingOccurrences(of: "\"latent\":20,", with: ""), "the model description lacks the field 'latent'"),
            (good.replacingOccurrences(of: "\"latent\":20", with: "\"latent\":\"20\""), "the model description's field 'latent' is not a number"),
            (good.replacingOccurrences(of: "\"hidden\":[400]", with: "\"hidden\":[400,null]"), "the model description's field 'hidden[1]' is null, not a number"),
            (good.replacingOccurrences(of: "\"kind\":\"vae\"", with: "\"kind\":\"rnn\""), "the model description's field 'kind' is not valid"),
            ("{", "the model description in the metadata is not valid JSON"),
        ]
        for (json, reason) in cases {
            do {
                _ = try ModelSpec.parse(json, path: "m.safetensors")
                Issue.record("accepted \(json)")
            } catch let DeepBayesError.invalidFile(path, message) {
                #expect(path == "m.safetensors" && message.hasPrefix(reason), "\(message)")
            }
        }
    }
}
