/// Elementary functions on 16 floats at once, for the CPU kernels' inner loops. Each is a
/// range reduction plus a Cephes-style minimax polynomial (S. L. Moshier, Cephes Math Library)
/// evaluated with fused multiply-adds, written in portable Swift SIMD, so it compiles to
/// straight-line vector code with no per-lane library calls.
///
/// Accuracies are the largest errors measured against `Double` (glibc) on every 16th float of
/// the stated domain, about 10⁸ values each (1 ulp = one unit in the last place of the
/// correctly rounded result).
enum VectorMath {
    /// `eˣ`, within 1.1 ulp for results above `2⁻¹²⁶` (x > -87.3); gradual underflow below,
    /// 0 for x < -103.97, +∞ for x > 88.73, NaN for NaN.
    ///
    /// `eˣ = 2ⁿ·eʳ` (`exponential`), `2ⁿ` applied as two exact power-of-two factors so that
    /// subnormal and overflowing results come out right.
    @_transparent
    static func exp(_ x: FloatVector) -> FloatVector {
        let (y, n) = exponential(x.replacing(with: 89, where: x .> 89).replacing(with: -104, where: x .< -104))
        let half = n &>> 1
        return y * FloatVector(exponent: half) * FloatVector(exponent: n &- half)
    }

    /// `exp(x)` for `x ≤ 0` (and NaN), bit for bit, with less work: `2ⁿ` (n in [-150, 0]) as
    /// `2ⁿ⁺⁶⁴`, a normal factor so the product is exact, then `2⁻⁶⁴`, which rounds once, as the
    /// second of `exp`'s factors does. For `e^{-|x|}` in softplus, sigmoid and log-sum-exp.
    @_transparent
    static func expOfNonPositive(_ x: FloatVector) -> FloatVector {
        let (y, n) = exponential(x.replacing(with: -104, where: x .< -104))
        return y * FloatVector(exponent: n &+ 64) * 0x1p-64
    }

    /// `(eʳ, n)` with `x = n ln 2 + r`, `|r| ≤ ½ ln 2`, for `x` in [-104, 89]: `eʳ` by a degree-7
    /// polynomial (`1 + r + r²·P(r)`), `n` exact.
    @_transparent
    private static func exponential(_ x: FloatVector) -> (FloatVector, Int32Vector) {
        // t = round(x / ln 2) + 1.5·2²³: n is exact in the low bits of t's bit pattern.
        let magic = FloatVector(repeating: 0x1.8p23)
        let t = magic.addingProduct(x, 1.442_695_04)
        let n = t - magic
        let r = x.addingProduct(n, -0.693_359_375).addingProduct(n, 2.121_944_4e-4)
        let r2 = r * r
        let p = polynomial(r, r2, 5.000_000_120_1e-1, 1.666_666_545_9e-1, 4.166_579_589_4e-2,
                           8.333_451_907_3e-3, 1.398_199_950_7e-3, 1.987_569_150_0e-4)
        return (r.addingProduct(p, r2) + 1, Int32Vector(bitPattern: t) &- Int32Vector(bitPattern: magic))
    }

    /// `ln x`, within 0.8 ulp for positive finite x (subnormals included); -∞ for 0, NaN for
    /// negative x and NaN, +∞ for +∞.
    ///
    /// `x = 2ᵉ·(1 + f)` with `1 + f` in `[√½, √2)`, `ln(1 + f)` by `f - f²/2 + f³·P(f)`.
    @_transparent
    static func log(_ x: FloatVector) -> FloatVector {
        let subnormal = x .< 0x1p-126
        let bits = Int32Vector(bitPattern: x.replacing(with: x * 0x1p23, where: subnormal))
        // m = mantissa in [½, 1), x = m·2ᵉ.
        var e = (bits &>> 23) &- 126
        e.replace(with: e &- 23, where: subnormal)
        var m = FloatVector(bitPattern: (bits & 0x007F_FFFF) | 0x3F00_0000)
        let low = m .< 0.707_106_781
        e.replace(with: e &- 1, where: low)
        m.replace(with: m + m, where: low)
        let f = m - 1
        let f2 = f * f
        let p = polynomial(f, f2, 3.333_333_117_4e-1, -2.499_999_399_3e-1, 2.000_071_476_5e-1, -1.666_805_766_5e-1,
                           1.424_932_278_7e-1, -1.242_014_084_6e-1, 1.167_699_874_0e-1, -1.151_461_031_0e-1, 7.037_683_629_2e-2)
        let exponent = FloatVector(converting: e)
        var y = (p * f * f2).addingProduct(exponent, -2.121_944_4e-4).addingProduct(f2, -0.5)
        y = (f + y).addingProduct(exponent, 0.693_359_375)
        return y.replacing(with: -.infinity, where: x .== 0)
            .replacing(with: .nan, where: .!(x .>= 0))
            .replacing(with: .infinity, where: x .== .infinity)
    }

    /// `1 / (1 + e^{-x})` as `1 / (1 + e)` or `e / (1 + e)` with `e = e^{-|x|}`, which never
    /// overflows; within 2.5 ulp; NaN for NaN.
    @_transparent
    static func sigmoid(_ x: FloatVector) -> FloatVector {
        sigmoid(x, expMinusMagnitude: expOfNonPositive(-x.magnitude))
    }

    /// `sigmoid(x)` from `e = e^{-|x|}` already at hand: `1 / (1 + e)` for x ≥ 0, else `e / (1 + e)`.
    @_transparent
    static func sigmoid(_ x: FloatVector, expMinusMagnitude e: FloatVector) -> FloatVector {
        FloatVector(repeating: 1).replacing(with: e, where: .!(x .>= 0)) / (1 + e)
    }

    /// `log(eᵃ + eᵇ)` as `max(a, b) + ln(1 + t)` with `t = e^{-|a - b|}` and `ln(1 + t)` from
    /// `log1pRatio`: finite whenever either term is, -∞ when both are.
    @_transparent
    static func logAddExp(_ a: FloatVector, _ b: FloatVector) -> FloatVector {
        let high = a.replacing(with: b, where: b .> a)
        let t = expOfNonPositive(-(a - b).magnitude)
        return high.addingProduct(t, log1pRatio(t)).replacing(with: -.infinity, where: high .== -.infinity)
    }

    /// `tanh x`, within 1.5 ulp: `x + x³·P(x²)` for |x| < 0.625, else `±(1 - 2 / (e^{2|x|} + 1))`,
    /// which is ±1 once `e^{2|x|}` overflows.
    @_transparent
    static func tanh(_ x: FloatVector) -> FloatVector {
        let a = x.magnitude
        let large = 1 - 2 / (exp(a + a) + 1)
        let z = x * x
        var p = FloatVector(repeating: -5.704_988_727_45e-3)
        p = fma(p, z, 2.063_908_879_54e-2)
        p = fma(p, z, -5.373_971_555_31e-2)
        p = fma(p, z, 1.333_144_220_36e-1)
        p = fma(p, z, -3.333_328_194_22e-1)
        let small = x.addingProduct(p * z, x)
        return small.replacing(with: large.replacing(with: -large, where: x .< 0), where: .!(a .< 0.625))
    }

    /// `(sin x, cos x)`, each within 1.5 ulp (absolute error below 8e-8) for |x| ≤ 2π, the
    /// Box–Muller angles, and as accurate for |x| ≤ 1000 (the reduction is exact there).
    ///
    /// `x = q·π/2 + r` with `|r| ≤ π/4` (π/2 in three parts, Cody–Waite), then the sine or
    /// cosine polynomial of `r` by quadrant `q mod 4`.
    @_transparent
    static func sinCos(_ x: FloatVector) -> (sin: FloatVector, cos: FloatVector) {
        let magic = FloatVector(repeating: 0x1.8p23)
        let t = magic.addingProduct(x, 0.636_619_772)
        let q = t - magic
        let r = x.addingProduct(q, -1.570_312_5).addingProduct(q, -4.837_512_969_970_703_125e-4)
            .addingProduct(q, -7.549_789_954_891_882_16e-8)
        let z = r * r
        var s = FloatVector(repeating: -1.951_529_589_1e-4)
        s = fma(s, z, 8.332_160_873_6e-3)
        s = fma(s, z, -1.666_665_461_1e-1)
        let sine = r.addingProduct(s * z, r)
        var c = FloatVector(repeating: 2.443_315_711_809_948e-5)
        c = fma(c, z, -1.388_731_625_493_765e-3)
        c = fma(c, z, 4.166_664_568_298_827e-2)
        let cosine = (c * z * z).addingProduct(z, -0.5) + 1
        // Quadrant q: (sin, cos) = (s, c), (c, -s), (-s, -c), (-c, s) for q mod 4 = 0, 1, 2, 3,
        // by bit operations (all-ones `swap` where q is odd; sign bits from bit 1 of q and q + 1).
        let quadrant = UInt32Vector(bitPattern: t) &- UInt32Vector(bitPattern: magic)
        let sineBits = UInt32Vector(bitPattern: sine), cosineBits = UInt32Vector(bitPattern: cosine)
        let swapped = (sineBits ^ cosineBits) & (0 &- (quadrant & 1))
        return (FloatVector(bitPattern: sineBits ^ swapped ^ ((quadrant & 2) &<< 30)),
                FloatVector(bitPattern: cosineBits ^ swapped ^ (((quadrant &+ 1) & 2) &<< 30)))
    }
}

/// `a·b + c` rounded once, per lane (C's `fma`), the step of Horner's rule.
@_transparent
func fma(_ a: FloatVector, _ b: FloatVector, _ c: Float) -> FloatVector {
    FloatVector(repeating: c).addingProduct(a, b)
}

/// The polynomials of `VectorMath`, `c₀ + c₁x + … + cₙxⁿ` with `x2 = x²`, by Estrin's scheme:
/// pairs `c₂ₖ + c₂ₖ₊₁x` first, then pairs of pairs with `x²`, `x⁴`, `x⁸`. That is a few
/// more multiplications than Horner's rule but a chain of about log₂ n multiply-adds instead of
/// n, so the out-of-order core keeps more elements in flight: the kernels that chain two or
/// three polynomials per element are bound by that chain's latency, not by the multipliers.
/// This one is of degree 5.
@_transparent
func polynomial(_ x: FloatVector, _ x2: FloatVector, _ c0: Float, _ c1: Float, _ c2: Float, _ c3: Float, _ c4: Float, _ c5: Float) -> FloatVector {
    let p01 = fma(FloatVector(repeating: c1), x, c0), p23 = fma(FloatVector(repeating: c3), x, c2), p45 = fma(FloatVector(repeating: c5), x, c4)
    return p01.addingProduct(p23.addingProduct(p45, x2), x2)
}

/// `polynomial` of degree 8.
@_transparent
func polynomial(_ x: FloatVector, _ x2: FloatVector, _ c0: Float, _ c1: Float, _ c2: Float, _ c3: Float, _ c4: Float, _ c5: Float,
                _ c6: Float, _ c7: Float, _ c8: Float) -> FloatVector {
    let x4 = x2 * x2
    let p01 = fma(FloatVector(repeating: c1), x, c0), p23 = fma(FloatVector(repeating: c3), x, c2)
    let p45 = fma(FloatVector(repeating: c5), x, c4), p67 = fma(FloatVector(repeating: c7), x, c6)
    let p03 = p01.addingProduct(p23, x2), p47 = p45.addingProduct(p67, x2)
    return p03.addingProduct(p47.addingProduct(FloatVector(repeating: c8), x4), x4)
}

/// `polynomial` of degree 6.
@_transparent
func polynomial(_ x: FloatVector, _ x2: FloatVector, _ c0: Float, _ c1: Float, _ c2: Float, _ c3: Float, _ c4: Float, _ c5: Float,
                _ c6: Float) -> FloatVector {
    let p01 = fma(FloatVector(repeating: c1), x, c0), p23 = fma(FloatVector(repeating: c3), x, c2)
    let p46 = fma(FloatVector(repeating: c5), x, c4).addingProduct(FloatVector(repeating: c6), x2)
    return p01.addingProduct(p23, x2).addingProduct(p46, x2 * x2)
}

typealias Int32Vector = SIMD16<Int32>
typealias UInt32Vector = SIMD16<UInt32>

extension SIMD16 where Scalar == Float {
    /// The vector with the same bits as `bits`.
    @_transparent
    init<Bits: FixedWidthInteger>(bitPattern bits: SIMD16<Bits>) {
        precondition(Bits.bitWidth == 32)
        self = unsafeBitCast(bits, to: Self.self)
    }

    /// `Float(n)` per lane. (The standard library's generic conversion is an out-of-line call;
    /// this loop inlines to one vector conversion.)
    @_transparent
    init(converting n: Int32Vector) {
        self.init()
        for lane in indices { self[lane] = Float(n[lane]) }
    }

    /// `2ⁿ` per lane, for integer `n` in the normal range -126...127.
    @_transparent
    init(exponent n: Int32Vector) {
        self.init(bitPattern: (n &+ 127) &<< 23)
    }

    /// `|x|` per lane (the sign bit cleared).
    @_transparent
    var magnitude: Self { Self(bitPattern: UInt32Vector(bitPattern: self) & 0x7FFF_FFFF) }
}

extension SIMD16 where Scalar: FixedWidthInteger {
    /// The integer vector with the same bits as the float vector `x`.
    @_transparent
    init(bitPattern x: FloatVector) {
        precondition(Scalar.bitWidth == 32)
        self = unsafeBitCast(x, to: Self.self)
    }
}
