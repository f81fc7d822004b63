/// The SIMD vector of the CPU kernels' inner loops.
typealias FloatVector = SIMD16<Float>

/// Inner loops over 16 floats at a time. The last, partial group is padded with zeros, so each
/// formula is written once in vector form and also serves the tail.
enum VectorLoop {
    /// Calls `body(start, lanes)` on consecutive groups of `range`: 16 lanes each, except
    /// possibly the last.
    @inline(__always)
    static func forEach(_ range: Range<Int>, _ body: (_ start: Int, _ lanes: Int) -> Void) {
        var start = range.lowerBound
        while start < range.upperBound {
            let lanes = min(FloatVector.scalarCount, range.upperBound - start)
            body(start, lanes)
            start += lanes
        }
    }

    /// `Σ_k x[k]` over `count` values: 16 `Float` lane sums over pieces of at most 4096 values
    /// (so each lane adds at most 256 terms), the pieces combined in `Double`, in a fixed order.
    static func sum(_ x: UnsafePointer<Float>, count: Int) -> Double {
        let piece = 4096
        var total = 0.0
        for pieceStart in stride(from: 0, to: count, by: piece) {
            var lanes = FloatVector()
            forEach(pieceStart..<min(count, pieceStart + piece)) { start, n in lanes += x.vector(at: start, lanes: n) }
            total += Double(lanes.sum())
        }
        return total
    }
}

extension UnsafePointer where Pointee == Float {
    /// Lanes `0..<lanes` read from `self[start...]`, the rest zero.
    @inline(__always)
    func vector(at start: Int, lanes: Int) -> FloatVector {
        if lanes == FloatVector.scalarCount {
            return UnsafeRawPointer(self + start).loadUnaligned(as: FloatVector.self)
        }
        var v = FloatVector()
        for k in 0..<lanes { v[k] = self[start + k] }
        return v
    }
}

extension UnsafeMutablePointer where Pointee == Float {
    /// Lanes `0..<lanes` read from `self[start...]`, the rest zero.
    @inline(__always)
    func vector(at start: Int, lanes: Int) -> FloatVector {
        UnsafePointer(self).vector(at: start, lanes: lanes)
    }

    /// Writes lanes `0..<lanes` of `v` to `self[start...]`.
    @inline(__always)
    func store(_ v: FloatVector, at start: Int, lanes: Int) {
        if lanes == FloatVector.scalarCount {
            UnsafeMutableRawPointer(self + start).storeBytes(of: v, as: FloatVector.self)
        } else {
            for k in 0..<lanes { self[start + k] = v[k] }
        }
    }
}
