import DeepBayesCore
import Foundation

/// What the GEMM tuner learned on one device, as kept in the device cache folder (JSON): the
/// device identity, the problem and candidate list it tuned with, the choice (nil when no
/// candidate passed), the median seconds of each candidate that passed, and why the others
/// were skipped.
struct GemmTuningRecord: Codable, Equatable {
    /// The median time of one candidate that agreed with the tiled kernel.
    struct Measurement: Codable, Equatable {
        let configuration: GemmConfiguration
        let seconds: Double
    }

    /// A candidate that was not timed, and why (does not fit, failed, or disagreed).
    struct Skip: Codable, Equatable {
        let configuration: GemmConfiguration
        let reason: String
    }

    /// `OpenCLDevice.identity` of the device tuned on.
    let identity: String
    /// The tuning problem (`label`).
    let problem: String
    let candidates: [GemmConfiguration]
    let chosen: GemmConfiguration?
    let measurements: [Measurement]
    let skipped: [Skip]

    /// The most characters of a failure kept as a skip reason (a build log can be long).
    static let reasonLength = 300

    /// `b<batch> <m>x<n>x<k>`, with ` Aᵀ` / ` Bᵀ` for transposed operands.
    static func label(_ g: MatmulGeometry) -> String {
        "b\(g.batch) \(g.m)x\(g.n)x\(g.k)\(g.transposeA ? " Aᵀ" : "")\(g.transposeB ? " Bᵀ" : "")"
    }

    /// The record as sorted, indented JSON (nil only if encoding fails).
    func encoded() -> Data? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try? encoder.encode(self)
    }

    /// The record in `data`, or nil when it is not one.
    static func decoded(from data: Data) -> GemmTuningRecord? {
        try? JSONDecoder().decode(GemmTuningRecord.self, from: data)
    }
}
