import Foundation

/// Row-wise helpers for the softmax family and cross-entropy: rows are often shorter than a
/// vector (10 classes), so a row's partial group is loaded whole where the tensor continues
/// past it (`vector(at:lanes:readable:padding:)`) and reduced across lanes by halving trees.
extension VectorLoop {
    /// `log Σ_k e^{x[k]}` over `count` consecutive values, as `m + log Σ e^{x[k] - m}` with `m`
    /// the maximum, so no term overflows and the largest contributes exactly 1: 16 lanes at a
    /// time (a partial group padded with -∞, whose terms are 0), `VectorMath.exp` within
    /// 1.1 ulp per term, `Float` lane sums. NaN inputs give NaN. `readable` floats from `x` on
    /// may be read (at least `count`).
    @_transparent
    static func logSumExp(_ x: UnsafePointer<Float>, count: Int, readable: Int) -> Float {
        if count <= FloatVector.scalarCount {
            // One group: straight-line code, so short rows (10 classes) pay for no loop.
            let v = x.vector(at: 0, lanes: count, readable: readable, padding: -.infinity), m = v.laneMax
            return m + Foundation.log(VectorMath.exp(v - m).laneSum)
        }
        var high = FloatVector(repeating: -.infinity)
        forEach(0..<count) { c, n in
            let v = x.vector(at: c, lanes: n, readable: readable, padding: -.infinity)
            high = high.replacing(with: v, where: v .> high)
        }
        let m = high.laneMax
        var total = FloatVector()
        forEach(0..<count) { c, n in total += VectorMath.exp(x.vector(at: c, lanes: n, readable: readable, padding: -.infinity) - m) }
        return m + Foundation.log(total.laneSum)
    }
}

extension SIMD16 where Scalar == Float {
    /// The sum of the lanes, by a halving tree (three vector adds and two scalar ones).
    @_transparent
    var laneSum: Float {
        let a = lowHalf + highHalf, b = a.lowHalf + a.highHalf, c = b.lowHalf + b.highHalf
        return c.x + c.y
    }

    /// The largest lane (NaN lanes may be skipped), by a halving tree of lane-wise maxima.
    @_transparent
    var laneMax: Float {
        let (l8, h8) = (lowHalf, highHalf)
        let a = l8.replacing(with: h8, where: h8 .> l8)
        let (l4, h4) = (a.lowHalf, a.highHalf)
        let b = l4.replacing(with: h4, where: h4 .> l4)
        return Swift.max(Swift.max(b.x, b.y), Swift.max(b.z, b.w))
    }
}

extension UnsafePointer where Pointee == Float {
    /// Lanes `0..<lanes` read from `self[start...]`, the rest `padding`. When `start + 16 ≤
    /// readable` (the floats from `self` on that may be read), a partial group is one full load
    /// with its extra lanes replaced, instead of a lane-by-lane copy.
    @_transparent
    func vector(at start: Int, lanes: Int, readable: Int, padding: Float) -> FloatVector {
        if lanes == FloatVector.scalarCount { return vector(at: start, lanes: lanes) }
        let v = start + FloatVector.scalarCount <= readable ? vector(at: start, lanes: FloatVector.scalarCount) : vector(at: start, lanes: lanes)
        // All ones in the lanes below `lanes` (the sign of laneIndex - lanes), by integer
        // arithmetic: a masked `replacing` here becomes a lane-by-lane loop.
        let keep = (VectorLoop.laneIndex &- Int32(truncatingIfNeeded: lanes)) &>> 31
        let bits = (Int32Vector(bitPattern: v) & keep) | (Int32Vector(bitPattern: FloatVector(repeating: padding)) & ~keep)
        return FloatVector(bitPattern: bits)
    }
}
