/// What a conformance run found: every check it made and each one that failed, by name.
public struct ConformanceReport: Sendable, CustomStringConvertible {
    /// One failed check: its name and what was measured against what was allowed.
    public struct Failure: Sendable, CustomStringConvertible {
        public let check: String
        public let detail: String

        public var description: String { "\(check): \(detail)" }
    }

    /// The backend the run checked.
    public let backend: String
    /// How many checks ran.
    public internal(set) var checks = 0
    public internal(set) var failures: [Failure] = []
    /// One line per check with its measured error, for a log.
    public internal(set) var log: [String] = []

    public var passed: Bool { failures.isEmpty }

    /// Records a check of `error` against `tolerance` (a NaN error fails).
    mutating func record(_ check: String, error: Double, tolerance: Double) {
        checks += 1
        log.append("\(check): \(error) (tolerance \(tolerance))")
        if !(error <= tolerance) { failures.append(Failure(check: check, detail: "error \(error) exceeds \(tolerance)")) }
    }

    /// Records a check that failed outright (it threw, or a result was missing).
    mutating func fail(_ check: String, _ detail: String) {
        checks += 1
        log.append("\(check): FAILED \(detail)")
        failures.append(Failure(check: check, detail: detail))
    }

    public var description: String {
        "\(backend): \(checks - failures.count) of \(checks) checks passed"
            + (failures.isEmpty ? "" : "\n" + failures.map { "  FAIL \($0)" }.joined(separator: "\n"))
    }
}
