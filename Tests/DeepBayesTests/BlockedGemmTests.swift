import DeepBayesBackendConformance
import DeepBayesCore
@testable import DeepBayesOpenCL
import Foundation
import Testing

/// The register-blocked GEMM (`.blocked`, the GPU default) on whatever OpenCL device is here,
/// so every candidate configuration is checked even on PoCL: matmul cases (all transposes, odd
/// sizes, batches) against the reference for every candidate, convolution cases (the grouped
/// output layout) for each vector width.
@Suite struct BlockedGemmTests {
    static let available = TestBackends.available["opencl"] != nil

    /// A new backend on the OpenCL device (its own, so parallel tests do not share the
    /// settings) that runs `gemm_blocked` with `configuration`.
    static func backend(_ configuration: GemmConfiguration) throws -> OpenCLBackend {
        let backend = try #require(try OpenCLBackend.factory.make(nil) as? OpenCLBackend)
        backend.matmulStrategy = .blocked
        backend.blockedConfiguration = configuration
        return backend
    }

    /// The cases of `cases` whose result on `backend` is outside their tolerance, with the error.
    static func failures(_ cases: [KernelCase], on backend: OpenCLBackend) throws -> [String] {
        try cases.compactMap { kernel in
            let error = normalizedError(try kernel.run(backend), kernel.reference())
            return error <= kernel.tolerance ? nil : "\(kernel.name): normalized error \(error) > \(kernel.tolerance)"
        }
    }

    @Test func everyCandidateIsValidAndDistinct() {
        #expect(GemmConfiguration.candidates.allSatisfy { $0.isValid })
        #expect(Set(GemmConfiguration.candidates).count == GemmConfiguration.candidates.count)
        #expect((4...8).contains(GemmConfiguration.candidates.count))
    }

    @Test(.enabled(if: available, "no OpenCL device here"), arguments: GemmConfiguration.candidates)
    func candidateMatchesReferenceOnMatmulCases(configuration: GemmConfiguration) throws {
        let failed = try Self.failures(KernelCases.matmul, on: Self.backend(configuration))
        #expect(failed.isEmpty, "\(configuration): \(failed)")
    }

    /// The first candidate of each vector width.
    static let onePerVectorWidth = GemmConfiguration.candidates.filter { candidate in
        GemmConfiguration.candidates.first { $0.vectorWidth == candidate.vectorWidth } == candidate
    }

    /// One candidate per vector width: the convolution products (grouped NCHW output,
    /// transposed operands) reach `gemm_blocked` through `gemm` like any other product.
    @Test(.enabled(if: available, "no OpenCL device here"), arguments: onePerVectorWidth)
    func candidateMatchesReferenceOnConvolutionCases(configuration: GemmConfiguration) throws {
        let failed = try Self.failures(KernelCases.convolution, on: Self.backend(configuration))
        #expect(failed.isEmpty, "\(configuration): \(failed)")
    }

    @Test(.enabled(if: available, "no OpenCL device here"))
    func configurationBeyondTheDeviceIsRefused() throws {
        let huge = GemmConfiguration(tileRows: 4096, tileColumns: 4096, depth: 64, blockRows: 1, blockColumns: 1, vectorWidth: 1)
        let backend = try Self.backend(huge)
        #expect(throws: DeepBayesError.self) { try backend.matmul(try backend.tensor([1], shape: [1, 1]), try backend.tensor([1], shape: [1, 1])) }
    }

    @Test func loadsAreVectorsOnlyWhereRowsAllowThem() {
        let c = GemmConfiguration(tileRows: 64, tileColumns: 64, depth: 16, blockRows: 4, blockColumns: 4, vectorWidth: 4)
        let options = c.options(MatmulGeometry(m: 8, n: 30, k: 12, transposeA: true))
        #expect(options.contains("-DVWA=4") && options.contains("-DVWB=1") && options.contains("-DTRANS_A=1"))
        #expect(c.options(MatmulGeometry(m: 8, n: 32, k: 13, transposeB: true)).contains("-DVWA=1 -DVWB=1"))
        #expect(c.globalSize(MatmulGeometry(batch: 3, m: 65, n: 64, k: 1)) == [16, 32, 3])
        #expect(c.fits(maximumWorkGroupSize: 256, localMemoryBytes: 48 << 10))
        #expect(!c.fits(maximumWorkGroupSize: 128, localMemoryBytes: 48 << 10))
        #expect(!c.fits(maximumWorkGroupSize: 256, localMemoryBytes: 4 << 10))
    }
}

/// The GEMM tuner with an injected device: what it measures, chooses, writes and reads back.
@Suite struct GemmTunerTests {
    /// A device whose products and timings are made up: candidate `i` takes `seconds[i]`, those
    /// in `wrong` return a result off by 1, those in `failing` throw (as a failed build would).
    final class FakeDevice: GemmTuningDevice, GemmTrials {
        let identity: String
        let seconds: [GemmConfiguration: Double]
        let wrong: Set<GemmConfiguration>
        let failing: Set<GemmConfiguration>
        /// Calls of `trials` (one per tuning) and of `seconds` (one per timed or warm-up run).
        private(set) var tunings = 0, measurements = 0

        init(identity: String, seconds: [Double], wrong: Set<Int> = [], failing: Set<Int> = []) {
            let candidates = GemmConfiguration.candidates
            self.identity = identity
            self.seconds = Dictionary(uniqueKeysWithValues: zip(candidates, seconds))
            self.wrong = Set(wrong.map { candidates[$0] })
            self.failing = Set(failing.map { candidates[$0] })
        }

        func fits(_ configuration: GemmConfiguration) -> Bool { true }
        func trials(of problem: MatmulGeometry) throws -> any GemmTrials {
            tunings += 1
            return self
        }
        func product(_ configuration: GemmConfiguration?) throws -> [Float] {
            guard let configuration else { return [1, 2, 3] }
            if failing.contains(configuration) { throw OpenCLError.kernelBuildFailed(program: "gemm_blocked", log: "made up") }
            return wrong.contains(configuration) ? [1, 2, 4] : [1, 2, 3]
        }
        func seconds(_ configuration: GemmConfiguration) throws -> Double {
            measurements += 1
            return seconds[configuration]!
        }
    }

    static let identity = "Platform | Device | OpenCL 3.0 | driver 1.0"
    static let problem = MatmulGeometry(m: 8, n: 8, k: 8)
    /// Candidate 2 is the fastest, then 4.
    static let times = [5.0, 4.0, 1.0, 3.0, 2.0, 6.0]

    static func record(in folder: DeviceCacheFolder, identity: String = identity) -> GemmTuningRecord? {
        folder.read(GemmTuner.fileName(identity: identity), maximumBytes: GemmTuner.maximumRecordBytes).flatMap(GemmTuningRecord.decoded)
    }

    @Test func firstRunTunesAndWritesSecondReadsWithoutMeasuring() throws {
        let (folder, parent) = try DeviceCacheFolder.temporary()
        defer { try? FileManager.default.removeItem(at: parent) }
        let first = FakeDevice(identity: Self.identity, seconds: Self.times)
        let chosen = try GemmTuner(folder: folder, problem: Self.problem).choice(for: first)
        #expect(chosen == GemmConfiguration.candidates[2])
        #expect(first.tunings == 1 && first.measurements == GemmConfiguration.candidates.count * (1 + GemmTuner.defaultTimedRuns))
        let record = try #require(Self.record(in: folder))
        #expect(record.identity == Self.identity && record.chosen == chosen && record.measurements.count == GemmConfiguration.candidates.count)

        let restarted = FakeDevice(identity: Self.identity, seconds: Self.times.reversed())
        #expect(try GemmTuner(folder: folder, problem: Self.problem).choice(for: restarted) == chosen)
        #expect(restarted.tunings == 0 && restarted.measurements == 0)
    }

    @Test func newDriverVersionTunesAgain() throws {
        let (folder, parent) = try DeviceCacheFolder.temporary()
        defer { try? FileManager.default.removeItem(at: parent) }
        _ = try GemmTuner(folder: folder, problem: Self.problem).choice(for: FakeDevice(identity: Self.identity, seconds: Self.times))
        let updated = FakeDevice(identity: "Platform | Device | OpenCL 3.0 | driver 2.0", seconds: Self.times.reversed())
        #expect(try GemmTuner(folder: folder, problem: Self.problem).choice(for: updated) == GemmConfiguration.candidates[3])
        #expect(updated.tunings == 1 && updated.measurements > 0)
        #expect(Self.record(in: folder, identity: updated.identity)?.identity == updated.identity)
    }

    @Test func foreignOrCorruptFileIsIgnoredAndReplaced() throws {
        let (folder, parent) = try DeviceCacheFolder.temporary()
        defer { try? FileManager.default.removeItem(at: parent) }
        let name = GemmTuner.fileName(identity: Self.identity)
        for contents in [Data("{\"identity\": tr".utf8), Data(repeating: 0xFF, count: 100),
                         try #require(GemmTuningRecord(identity: "another device", problem: "b1 8x8x8", candidates: GemmConfiguration.candidates,
                                                       chosen: GemmConfiguration.candidates[0], measurements: [], skipped: []).encoded())] {
            #expect(folder.write(contents, as: name))
            let device = FakeDevice(identity: Self.identity, seconds: Self.times)
            #expect(try GemmTuner(folder: folder, problem: Self.problem).choice(for: device) == GemmConfiguration.candidates[2])
            #expect(device.tunings == 1)
            #expect(Self.record(in: folder)?.identity == Self.identity)
        }
    }

    @Test func disagreeingOrFailingCandidateIsNeverChosen() throws {
        let device = FakeDevice(identity: Self.identity, seconds: Self.times, wrong: [2], failing: [4])
        let record = try GemmTuner(folder: nil, problem: Self.problem).tune(device)
        #expect(record.chosen == GemmConfiguration.candidates[3])
        #expect(Set(record.skipped.map(\.configuration)) == [GemmConfiguration.candidates[2], GemmConfiguration.candidates[4]])
        #expect(!record.measurements.contains { $0.configuration == GemmConfiguration.candidates[2] })
        let none = FakeDevice(identity: Self.identity, seconds: Self.times, wrong: Set(0..<GemmConfiguration.candidates.count))
        #expect(try GemmTuner(folder: nil, problem: Self.problem).choice(for: none) == nil)
    }

    @Test func withoutCacheFolderTheChoiceIsFoundOncePerProcess() throws {
        let choice = GemmChoice()
        let device = FakeDevice(identity: Self.identity, seconds: Self.times)
        let tuner = GemmTuner(folder: nil, problem: Self.problem)
        for _ in 0..<3 {
            #expect(try choice.configuration { try tuner.choice(for: device) } == GemmConfiguration.candidates[2])
        }
        #expect(device.tunings == 1)
    }

    /// The real device path on the OpenCL device here: the tiled reference, every fitting
    /// candidate checked and timed on a small odd-sized problem, the choice written and read.
    @Test(.enabled(if: TestBackends.available["opencl"] != nil, "no OpenCL device here"))
    func tunesOnThisDevice() throws {
        let (folder, parent) = try DeviceCacheFolder.temporary()
        defer { try? FileManager.default.removeItem(at: parent) }
        let backend = try #require(try OpenCLBackend.factory.make(nil) as? OpenCLBackend)
        let device = DeviceGemmTuning(backend: backend)
        let tuner = GemmTuner(folder: folder, problem: MatmulGeometry(m: 67, n: 70, k: 45), timedRuns: 1)
        let chosen = try #require(try tuner.choice(for: device))
        let record = try #require(Self.record(in: folder, identity: device.identity))
        #expect(record.chosen == chosen && record.skipped.isEmpty, "\(record.skipped)")
        #expect(try tuner.choice(for: device) == chosen)
    }
}
