import Foundation

/// Prints measurements as an aligned table or as JSON lines.
struct Report {
    let json: Bool

    func print(_ m: Measurement) {
        if json {
            var object: [String: Any] = [
                "kernel": m.kernel, "backend": m.backend, "shape": m.shape,
                "median_ms": (m.medianMilliseconds * 1e4).rounded() / 1e4,
                "reference": m.reference, "ratio": m.ratio.isNaN ? NSNull() : (m.ratio * 1e3).rounded() / 1e3,
                "validation_error": m.validationError,
            ]
            object[m.throughputKey] = (m.throughput * 100).rounded() / 100
            let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            Swift.print(String(decoding: data, as: UTF8.self))
        } else {
            let row = [
                m.kernel.padding(toLength: 22, withPad: " ", startingAt: 0),
                m.backend.padding(toLength: 7, withPad: " ", startingAt: 0),
                m.shape.padding(toLength: 42, withPad: " ", startingAt: 0),
                String(format: "%10.3f ms", m.medianMilliseconds),
                String(format: "%9.2f %@", m.throughput, m.unit),
                m.ratio.isNaN ? "  no reference" : String(format: "  ratio %5.2f vs %@", m.ratio, m.reference),
                m.validationError <= BenchmarkRunner.validationTolerance ? "" : String(format: "  INVALID (error %.2g)", m.validationError),
            ]
            Swift.print(row.joined(separator: " "))
        }
    }
}
