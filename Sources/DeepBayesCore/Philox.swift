import Foundation

/// Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3",
/// SC'11): a counter-based generator, so element `i` of any random tensor is a pure function
/// of `(seed, stream, i)` and every backend produces the same numbers.
///
/// Layout: key = seed as (low word, high word); counter = (block low, block high,
/// stream low, stream high) with block `i / 4` and lane `i % 4`.
public enum Philox {
    /// Ten rounds of the 4x32 bijection of `counter` under `key`.
    @inlinable
    public static func block(counter: SIMD4<UInt32>, key: SIMD2<UInt32>) -> SIMD4<UInt32> {
        var c = counter
        var k = key
        for round in 0..<10 {
            if round > 0 { k &+= SIMD2(0x9E37_79B9, 0xBB67_AE85) }
            let p0 = UInt64(0xD251_1F53) &* UInt64(c[0])
            let p1 = UInt64(0xCD9E_8D57) &* UInt64(c[2])
            c = SIMD4(UInt32(truncatingIfNeeded: p1 >> 32) ^ c[1] ^ k[0], UInt32(truncatingIfNeeded: p1),
                      UInt32(truncatingIfNeeded: p0 >> 32) ^ c[3] ^ k[1], UInt32(truncatingIfNeeded: p0))
        }
        return c
    }

    /// The four words of block `block` in `stream` under `seed`.
    @inlinable
    public static func words(seed: UInt64, stream: UInt64, block: UInt64) -> SIMD4<UInt32> {
        Philox.block(counter: SIMD4(UInt32(truncatingIfNeeded: block), UInt32(truncatingIfNeeded: block >> 32),
                                    UInt32(truncatingIfNeeded: stream), UInt32(truncatingIfNeeded: stream >> 32)),
                     key: SIMD2(UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32)))
    }

    /// A uniform float in (0, 1] from the top 24 bits of `x`: `((x >> 8) + 1) · 2⁻²⁴`.
    @inlinable
    public static func uniform(_ x: UInt32) -> Float {
        Float((x >> 8) + 1) * 0x1p-24
    }

    /// The four standard normals of one block, by Box–Muller in `Float` on the uniforms of
    /// lanes (0, 1) and (2, 3): `r = √(-2 ln u₀)`, `(r cos θ, r sin θ)` with `θ = 6.2831855 · u₁`
    /// (2π rounded to `Float`). Every backend evaluates exactly this expression.
    @inlinable
    public static func normals(_ words: SIMD4<UInt32>) -> SIMD4<Float> {
        let r0 = (-2 * Foundation.log(uniform(words[0]))).squareRoot(), t0 = 6.2831855 * uniform(words[1])
        let r1 = (-2 * Foundation.log(uniform(words[2]))).squareRoot(), t1 = 6.2831855 * uniform(words[3])
        return SIMD4(r0 * Foundation.cos(t0), r0 * Foundation.sin(t0), r1 * Foundation.cos(t1), r1 * Foundation.sin(t1))
    }
}

/// Where random numbers come from: a seed, and a stream that separates tensors and steps.
/// Element `i` of a random tensor uses Philox block `firstBlock + i / 4` (mod 2⁶⁴), lane `i % 4`;
/// `firstBlock` is 0 except to continue a sequence or to reach a known-answer counter.
public struct RandomStream: Hashable, Sendable {
    public let seed: UInt64
    public let stream: UInt64
    public let firstBlock: UInt64

    public init(seed: UInt64, stream: UInt64, firstBlock: UInt64 = 0) {
        self.seed = seed
        self.stream = stream
        self.firstBlock = firstBlock
    }

    /// The Philox block that holds element `index`.
    @inlinable
    public func block(of index: Int) -> UInt64 { firstBlock &+ UInt64(index / 4) }
}
