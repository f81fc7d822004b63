import Foundation

/// A tiny deterministic generator for test inputs (SplitMix64), independent of the library's Philox.
public struct HostRandom {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A float uniform in [lower, upper).
    public mutating func uniform(_ lower: Float = -1, _ upper: Float = 1) -> Float {
        lower + (upper - lower) * Float(next() >> 40) * 0x1p-24
    }

    /// `count` floats uniform in [lower, upper).
    public mutating func array(_ count: Int, _ lower: Float = -1, _ upper: Float = 1) -> [Float] {
        (0..<count).map { _ in uniform(lower, upper) }
    }
}

extension HostRandom {
    /// A standard normal by Box–Muller.
    public mutating func normal() -> Float {
        let u = max(uniform(0, 1), 0x1p-24), v = uniform(0, 1)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}
