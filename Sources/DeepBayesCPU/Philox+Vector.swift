import DeepBayesCore

extension Philox {
    /// The words of the 16 consecutive blocks `firstBlock ..< firstBlock + 16` (mod 2⁶⁴) in
    /// `stream` under `seed`, one block per lane: lane `j` of `words[k]` is word `k` of
    /// `Philox.words(seed, stream, firstBlock + blockOfLane[j])`, bit for bit. The same ten
    /// rounds as `Philox.block`; each 32×32→64-bit product by `multiplyFull`. Every step is a
    /// vector add, multiply, comparison or `VectorBitwise` operation, so the rounds stay whole
    /// 16-lane vector instructions.
    @_transparent
    static func words16(seed: UInt64, stream: UInt64, firstBlock: UInt64) -> (UInt32Vector, UInt32Vector, UInt32Vector, UInt32Vector) {
        let low = UInt32Vector(repeating: UInt32(truncatingIfNeeded: firstBlock))
        var c0 = low &+ blockOfLane
        // The carry of the 64-bit counters: where the low word wrapped (c0 < low) the mask lane
        // is all ones, -1, so subtracting it adds 1 to the high word.
        var c1 = UInt32Vector(repeating: UInt32(truncatingIfNeeded: firstBlock >> 32)) &- unsafeBitCast((c0 .< low)._storage, to: UInt32Vector.self)
        var c2 = UInt32Vector(repeating: UInt32(truncatingIfNeeded: stream))
        var c3 = UInt32Vector(repeating: UInt32(truncatingIfNeeded: stream >> 32))
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

    /// The block of a group (of 16) that each lane of `words16` computes: `4(j mod 4) + j / 4`
    /// for lane `j`, the 4×4 transpose of the lane index. Then the 128-bit lane `L` of the four
    /// words holds blocks `L, L + 4, L + 8, L + 12`, so interleaving the words within 128-bit
    /// lanes alone puts every element in place (`CPUBackend.interleaved`).
    static let blockOfLane = UInt32Vector(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15)

    /// The high and low words of the 64-bit products `x · m`, per lane. The even lanes (their
    /// odd neighbours masked to zero) and the odd lanes (moved down to the even positions) each
    /// take one 32×32→64-bit multiply of the 64-bit view; both words are picked from the two
    /// products by shuffles (a 32-bit multiply for the low word would load the multipliers,
    /// which bound the rounds, a third more).
    @_transparent
    private static func multiplyFull(_ x: UInt32Vector, _ m: UInt32) -> (high: UInt32Vector, low: UInt32Vector) {
        let evenLanes = x & UInt32Vector(~0, 0, ~0, 0, ~0, 0, ~0, 0, ~0, 0, ~0, 0, ~0, 0, ~0, 0)
        let oddLanes = UInt32Vector(x[1], 0, x[3], 0, x[5], 0, x[7], 0, x[9], 0, x[11], 0, x[13], 0, x[15], 0)
        let factor = SIMD8<UInt64>(repeating: UInt64(m))
        let even = unsafeBitCast(unsafeBitCast(evenLanes, to: SIMD8<UInt64>.self) &* factor, to: UInt32Vector.self)
        let odd = unsafeBitCast(unsafeBitCast(oddLanes, to: SIMD8<UInt64>.self) &* factor, to: UInt32Vector.self)
        let high = UInt32Vector(even[1], odd[1], even[3], odd[3], even[5], odd[5], even[7], odd[7],
                                even[9], odd[9], even[11], odd[11], even[13], odd[13], even[15], odd[15])
        let low = UInt32Vector(even[0], odd[0], even[2], odd[2], even[4], odd[4], even[6], odd[6],
                               even[8], odd[8], even[10], odd[10], even[12], odd[12], even[14], odd[14])
        return (high, low)
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
