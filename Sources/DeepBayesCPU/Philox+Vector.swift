import DeepBayesCore

extension Philox {
    /// The words of the 16 consecutive blocks `firstBlock ..< firstBlock + 16` (mod 2⁶⁴) in
    /// `stream` under `seed`: lane `b` of `words[k]` is word `k` of
    /// `Philox.words(seed, stream, firstBlock + b)`, bit for bit. The same ten rounds as
    /// `Philox.block`, one block per lane; each 32×32→64-bit product by `multiplyFull`.
    @_transparent
    static func words16(seed: UInt64, stream: UInt64, firstBlock: UInt64) -> (UInt32Vector, UInt32Vector, UInt32Vector, UInt32Vector) {
        // The 64-bit counters `firstBlock + b` as low words and high words plus the carry (the
        // generic 64→32-bit vector truncation is an out-of-line call).
        let low = UInt32(truncatingIfNeeded: firstBlock), high = UInt32(truncatingIfNeeded: firstBlock >> 32)
        var c0 = UInt32Vector(repeating: low) &+ UInt32Vector(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        var c1 = UInt32Vector(repeating: high).replacing(with: high &+ 1, where: c0 .< low)
        var c2 = UInt32Vector(repeating: UInt32(truncatingIfNeeded: stream))
        var c3 = UInt32Vector(repeating: UInt32(truncatingIfNeeded: stream >> 32))
        // The keys as vectors: with scalar keys the optimizer splits the xors into 4-lane pieces.
        var k0 = UInt32Vector(repeating: UInt32(truncatingIfNeeded: seed))
        var k1 = UInt32Vector(repeating: UInt32(truncatingIfNeeded: seed >> 32))
        for _ in 0..<10 {
            let (high0, low0) = multiplyFull(c0, 0xD251_1F53), (high1, low1) = multiplyFull(c2, 0xCD9E_8D57)
            (c0, c1, c2, c3) = (high1 ^ c1 ^ k0, low1, high0 ^ c3 ^ k1, low0)
            k0 &+= UInt32Vector(repeating: 0x9E37_79B9)
            k1 &+= UInt32Vector(repeating: 0xBB67_AE85)
        }
        return (c0, c1, c2, c3)
    }

    /// The high and low words of the 64-bit products `x · m`, per lane: the even and the odd
    /// lanes each take one 32×32→64-bit vector multiply of the 64-bit view, and their halves
    /// are merged back with shifts and masks (no lane-crossing shuffles).
    @_transparent
    private static func multiplyFull(_ x: UInt32Vector, _ m: UInt32) -> (high: UInt32Vector, low: UInt32Vector) {
        let pairs = unsafeBitCast(x, to: SIMD8<UInt64>.self), lowHalf: UInt64 = 0xFFFF_FFFF
        let even = (pairs & lowHalf) &* UInt64(m), odd = (pairs &>> 32) &* UInt64(m)
        return (unsafeBitCast((even &>> 32) | (odd & ~lowHalf), to: UInt32Vector.self),
                unsafeBitCast((even & lowHalf) | (odd &<< 32), to: UInt32Vector.self))
    }

    /// `Philox.uniform` per lane: `((x >> 8) + 1) · 2⁻²⁴`, in (0, 1], exact. The integer is at
    /// most 2²⁴, so its bits read as `Int32` are the same value (the generic vector
    /// `truncatingIfNeeded` conversion is an out-of-line call).
    @_transparent
    static func uniform(_ x: UInt32Vector) -> FloatVector {
        FloatVector(converting: unsafeBitCast((x &>> 8) &+ 1, to: Int32Vector.self)) * 0x1p-24
    }

    /// `Philox.normals` on 16 blocks at once: Box–Muller on the uniforms of words (0, 1) and
    /// (2, 3), `r = √(-2 ln u₀)`, `(r cos θ, r sin θ)` with `θ = 6.2831855 · u₁`, using
    /// `VectorMath.log` and `VectorMath.sinCos` (within 0.8 and 1.5 ulp).
    @_transparent
    static func normals16(_ w: (UInt32Vector, UInt32Vector, UInt32Vector, UInt32Vector)) -> (FloatVector, FloatVector, FloatVector, FloatVector) {
        let r0 = (-2 * VectorMath.log(uniform(w.0))).squareRoot(), (s0, c0) = VectorMath.sinCos(6.283_185_5 * uniform(w.1))
        let r1 = (-2 * VectorMath.log(uniform(w.2))).squareRoot(), (s1, c1) = VectorMath.sinCos(6.283_185_5 * uniform(w.3))
        return (r0 * c0, r0 * s0, r1 * c1, r1 * s1)
    }
}
