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

    /// `Σ_k x[k]` over `count` values, as `sum(0..<count)` of the loaded vectors.
    static func sum(_ x: UnsafePointer<Float>, count: Int) -> Double {
        sum(0..<count) { start, lanes in x.vector(at: start, lanes: lanes) }
    }

    /// The sum of lanes `0..<lanes` of `term(start, lanes)` over the groups of `forEach(range)`:
    /// 16 `Float` lane sums over pieces of at most 4096 values (so each lane adds at most 256
    /// terms), the pieces combined in `Double`, in a fixed order. Lanes past `lanes` count as 0.
    @inline(__always)
    static func sum(_ range: Range<Int>, _ term: (_ start: Int, _ lanes: Int) -> FloatVector) -> Double {
        withoutActuallyEscaping(term) { sum(range, ClosureTerm(body: $0)) }
    }

    /// `sum(range, term)` with `term.value` as the terms: a value type, so the loop is
    /// specialized with the formula inlined. Full groups and the partial last one are separate
    /// loops, so the inlined formula's loads are plain vector loads.
    @inline(__always)
    static func sum<Term: VectorTerm>(_ range: Range<Int>, _ term: Term) -> Double {
        let piece = 4096, width = FloatVector.scalarCount
        var total = 0.0
        for pieceStart in stride(from: range.lowerBound, to: range.upperBound, by: piece) {
            let end = min(range.upperBound, pieceStart + piece)
            var lanes = FloatVector(), start = pieceStart
            while start + width <= end {
                lanes += term.value(start, width)
                start += width
            }
            if start < end {
                lanes += term.value(start, end - start).replacing(with: 0, where: laneIndex .>= Int32(end - start))
            }
            total += Double(lanes.sum())
        }
        return total
    }

    /// Writes lanes `0..<lanes` of `term.value(start, lanes)` to `out[start...]` for the groups
    /// of `forEach(range)`: a value type, so the loop is specialized with the formula inlined,
    /// and full groups and the partial last one are separate loops, so the full groups' loads and
    /// stores are plain vector instructions. (A closure body passed to `forEach` can stay a call
    /// per group once the formula is large.)
    @inline(__always)
    static func store<Term: VectorTerm>(_ range: Range<Int>, into out: UnsafeMutablePointer<Float>, _ term: Term) {
        let width = FloatVector.scalarCount
        var start = range.lowerBound
        while start + width <= range.upperBound {
            out.store(term.value(start, width), at: start, lanes: width)
            start += width
        }
        if start < range.upperBound {
            out.store(term.value(start, range.upperBound - start), at: start, lanes: range.upperBound - start)
        }
    }

    /// Calls `step.run(start, lanes)` on the groups of `forEach(range)`, the way `store` walks
    /// them: for loop bodies that write several outputs.
    @inline(__always)
    static func forEach<Step: VectorStep>(_ range: Range<Int>, _ step: Step) {
        let width = FloatVector.scalarCount
        var start = range.lowerBound
        while start + width <= range.upperBound {
            step.run(start, width)
            start += width
        }
        if start < range.upperBound { step.run(start, range.upperBound - start) }
    }

    /// `(0, 1, …, 15)`, for masking the lanes of a partial group.
    static let laneIndex = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
}

/// The terms of a `VectorLoop.sum`: `value(start, lanes)` is the vector of terms of the
/// elements `start ..< start + lanes` (lanes past `lanes` are ignored).
protocol VectorTerm {
    func value(_ start: Int, _ lanes: Int) -> FloatVector
}

/// The body of a `VectorLoop.forEach` as a value: `run(start, lanes)` works on the elements
/// `start ..< start + lanes` (lanes past `lanes` must be left alone).
protocol VectorStep {
    func run(_ start: Int, _ lanes: Int)
}

/// A closure as a `VectorTerm`.
private struct ClosureTerm: VectorTerm {
    let body: (_ start: Int, _ lanes: Int) -> FloatVector

    @inline(__always)
    func value(_ start: Int, _ lanes: Int) -> FloatVector { body(start, lanes) }
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
