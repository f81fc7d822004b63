import DeepBayesCore

/// A device as the GEMM tuner sees it: its identity, which configurations it can run, and its
/// operands of a problem. `OpenCLBackend` provides the real one (`DeviceGemmTuning`); tests
/// inject their own, so they can count tunings and measure nothing real.
protocol GemmTuningDevice {
    /// The key of the cached choice: `OpenCLDevice.identity` (platform, name, OpenCL and
    /// driver versions) for a real device.
    var identity: String { get }
    /// Whether the device can run `configuration` at all (work-group size, local memory).
    func fits(_ configuration: GemmConfiguration) -> Bool
    /// The operands of `problem` placed on the device, ready to be multiplied.
    func trials(of problem: MatmulGeometry) throws -> any GemmTrials
}

/// The operands of one tuning problem on a device.
protocol GemmTrials {
    /// `C = op(A)·op(B)` computed by `gemm_blocked` with `configuration`, or by the reference
    /// `gemm_tiled` when nil.
    func product(_ configuration: GemmConfiguration?) throws -> [Float]
    /// The seconds one product with `configuration` takes, from enqueue to the end of `clFinish`.
    func seconds(_ configuration: GemmConfiguration) throws -> Double
}

/// Picks the fastest `gemm_blocked` configuration for a device and keeps the choice in the
/// device cache folder, so a later process on the same device and driver reads it instead of
/// tuning again.
///
/// Tuning, on one fixed `problem`: each candidate the device can run computes the product, and
/// a candidate that fails (to build, to launch) or whose result differs from the tiled
/// kernel's by more than twice the conformance tolerance of the product (`normalizedError` ≤
/// `2·Tolerance.reduction(k)`, as the parity suites compare two float results) is skipped and
/// never chosen. The others run once more to warm up, then `timedRuns` times; the one with the
/// smallest median time wins (nil when none passed: `gemm` then runs the tiled kernel). The
/// record (`GemmTuningRecord`) is written to `folder` under `fileName(identity:)`; a file that
/// is missing, corrupt, or for another identity, problem or candidate list is ignored and
/// rewritten. With no folder (the cache off) every call tunes.
struct GemmTuner {
    /// Where the choice is kept; nil when the cache is off.
    let folder: DeviceCacheFolder?
    /// The product every candidate is checked and timed on.
    let problem: MatmulGeometry
    /// The configurations tried, in order (ties go to the earlier).
    let candidates: [GemmConfiguration]
    /// Timed runs per candidate after its warm-up run; the median counts.
    let timedRuns: Int

    /// The problem tuned on GPUs: 1024³, large enough to fill the device and to time
    /// reliably, small enough to tune every candidate in well under a second.
    static let gpuProblem = MatmulGeometry(m: 1024, n: 1024, k: 1024)

    /// The timed runs per candidate unless told otherwise.
    static let defaultTimedRuns = 5

    /// The largest record file read (a real one is about a kilobyte).
    static let maximumRecordBytes = 1 << 16

    init(folder: DeviceCacheFolder?, problem: MatmulGeometry, candidates: [GemmConfiguration] = GemmConfiguration.candidates,
         timedRuns: Int = defaultTimedRuns) {
        precondition(timedRuns > 0, "the tuner needs at least one timed run")
        self.folder = folder
        self.problem = problem
        self.candidates = candidates
        self.timedRuns = timedRuns
    }

    /// The cache file of the device with `identity`: `gemm-<hash of identity>.json`.
    static func fileName(identity: String) -> String {
        DeviceCacheFolder.fileName(prefix: "gemm", key: identity, suffix: "json")
    }

    /// The configuration `gemm_blocked` should use on `device` (nil: none passed, use the tiled
    /// kernel): the cached choice when the folder holds a valid one, else tuned now and written.
    /// Throws only when the reference product itself fails.
    func choice(for device: any GemmTuningDevice) throws -> GemmConfiguration? {
        let name = Self.fileName(identity: device.identity)
        if let data = folder?.read(name, maximumBytes: Self.maximumRecordBytes),
           let record = GemmTuningRecord.decoded(from: data), answers(record, identity: device.identity) {
            return record.chosen
        }
        let record = try tune(device)
        if let folder, let data = record.encoded() { folder.write(data, as: name) }
        return record.chosen
    }

    /// Whether `record` was written by this tuner's problem and candidates for `identity`, and
    /// chose one of those candidates (or none).
    func answers(_ record: GemmTuningRecord, identity: String) -> Bool {
        record.identity == identity && record.problem == GemmTuningRecord.label(problem) && record.candidates == candidates
            && (record.chosen.map(candidates.contains) ?? true)
    }

    /// Checks and times every candidate on `device` (see the type's description).
    func tune(_ device: any GemmTuningDevice) throws -> GemmTuningRecord {
        let trials = try device.trials(of: problem)
        let reference = try trials.product(nil).map(Double.init)
        let tolerance = 2 * Tolerance.reduction(problem.k)
        var measurements: [GemmTuningRecord.Measurement] = [], skipped: [GemmTuningRecord.Skip] = []
        for candidate in candidates {
            guard device.fits(candidate) else {
                skipped.append(.init(configuration: candidate, reason: "does not fit the device"))
                continue
            }
            do {
                let error = normalizedError(try trials.product(candidate), reference)
                guard error <= tolerance else {
                    skipped.append(.init(configuration: candidate, reason: "differs from the tiled kernel by \(error) > \(tolerance)"))
                    continue
                }
                _ = try trials.seconds(candidate)
                let times = try (0..<timedRuns).map { _ in try trials.seconds(candidate) }.sorted()
                measurements.append(.init(configuration: candidate, seconds: times[times.count / 2]))
            } catch {
                skipped.append(.init(configuration: candidate, reason: String("\(error)".prefix(GemmTuningRecord.reasonLength))))
            }
        }
        return GemmTuningRecord(identity: device.identity, problem: GemmTuningRecord.label(problem), candidates: candidates,
                                chosen: measurements.min { $0.seconds < $1.seconds }?.configuration,
                                measurements: measurements, skipped: skipped)
    }
}
