extension VectorMath {
    /// `ln(1 + t) / t` for t in [0, 1] (1 at t = 0) by a degree-9 polynomial (least squares on
    /// Chebyshev nodes, weighted towards minimax): `t · log1pRatio(t)` is within 1.4 ulp of
    /// `ln(1 + t)` on (0, 1], subnormal t included.
    @_transparent
    static func log1pRatio(_ t: FloatVector) -> FloatVector {
        // The terms from t³ on by Estrin's scheme (`polynomial`); the three leading ones by
        // Horner's rule, whose last steps round as the plain Horner evaluation does.
        let tail = polynomial(t, t * t, -2.496_145_814_657_211_3e-1, 1.971_076_279_878_616_3e-1, -1.540_089_547_634_124_8e-1,
                              1.075_908_690_690_994_3e-1, -5.845_073_238_015_175e-2, 2.062_786_184_251_308_4e-2,
                              -3.413_222_730_159_759_5e-3)
        return fma(fma(fma(tail, t, 3.333_077_132_701_874e-1), t, -4.999_994_039_535_522_5e-1), t, 1)
    }

    /// `ln(ln(1 + t) / t)` for t in [0, 1] (0 at t = 0) by a degree-9 polynomial fitted like
    /// `log1pRatio`; absolute error below 5e-8 (the value lies in [-0.367, 0]).
    @_transparent
    static func logLog1pRatio(_ t: FloatVector) -> FloatVector {
        let p = polynomial(t, t * t, -4.999_997_913_837_433e-1, 2.083_245_962_858_2e-1, -1.248_690_485_954_284_7e-1,
                           8.617_383_241_653_442e-2, -6.170_984_730_124_473_6e-2, 4.080_840_572_714_805_6e-2,
                           -2.145_075_611_770_153e-2, 7.423_468_865_454_197e-3, -1.213_776_879_012_584_7e-3)
        return p * t
    }
}

/// `softplus(x) = ln(1 + eˣ)` on 16 values together with `t = e^{-|x|}`, from which its
/// logarithm and its derivative follow without another exponential or logarithm.
struct Softplus {
    /// The arguments.
    let x: FloatVector
    /// `e^{-|x|}`, in (0, 1]; 0 once it underflows (|x| > 104).
    let t: FloatVector
    /// `softplus(x) = max(x, 0) + ln(1 + t)`, within 2 ulp; the tiny `≈ eˣ` for very negative
    /// x (0 once `eˣ` underflows, near -104), no overflow for large x.
    let value: FloatVector

    @_transparent
    init(_ x: FloatVector) {
        self.x = x
        t = VectorMath.expOfNonPositive(-x.magnitude)
        value = x.replacing(with: 0, where: x .< 0).addingProduct(t, VectorMath.log1pRatio(t))
    }

    /// `ln softplus(x)`, finite for every finite x. For x < 0 it is `x + ln(ln(1 + t) / t)`
    /// (`t = eˣ`), within 2 ulp (the two terms have the same sign), and exactly x once `t`
    /// underflows, so a scale `σ = softplus(ρ)` that underflows still has a finite `log σ`. For
    /// x ≥ 0 it is `VectorMath.log(value)`, computed only when some lane needs it.
    @_transparent
    var log: FloatVector {
        let negative = x + VectorMath.logLog1pRatio(t)
        let positive = x .>= 0
        return any(positive) ? negative.replacing(with: VectorMath.log(value), where: positive) : negative
    }

    /// `softplus'(x) = sigmoid(x)`, from `t` (see `VectorMath.sigmoid`).
    @_transparent
    var sigmoid: FloatVector { VectorMath.sigmoid(x, expMinusMagnitude: t) }
}
