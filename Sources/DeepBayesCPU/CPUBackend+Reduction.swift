import DeepBayesCore

/// `ReductionKernels`. Sums are bitwise reproducible for any thread count: they add fixed
/// blocks in `Float` SIMD lanes, then the blocks in `Double`, in index order. Row-wise
/// softmax kernels work 16 columns at a time and sum each row in `Float` lanes.
extension CPUBackend {
    /// `Σ x[i]`, shape `[]`; relative error about `1e-7 · (1 + log(count))` for same-signed
    /// values.
    public func _sum(_ x: Tensor) throws -> Tensor {
        let input = try values(x)
        let total = Parallel.deterministicSum(x.count) { range in
            VectorLoop.sum(input + range.lowerBound, count: range.count)
        }
        return try generate(.scalar, costPerItem: 1) { _ in Float(total) }
    }

    /// `y[j] = Σ_{i : (i / inner) % period == j} x[i]`, shape `[period]`, summed piece by
    /// piece as `BroadcastPieces` lays them out.
    public func _sumBroadcast(_ x: Tensor, broadcast: Broadcast) throws -> Tensor {
        let input = try values(x)
        let pieces = BroadcastPieces(count: x.count, broadcast: broadcast)
        return try pieces.total(on: self) { piece, accumulator in
            for row in pieces.rows(of: piece) { pieces.accumulate(input + row * pieces.rowLength, into: accumulator) }
        }
    }

    /// `y[r, c] = e^{x[r, c] - lse_r}` with `lse_r = VectorLoop.logSumExp(row r)`.
    public func _softmax(_ x: Tensor) throws -> Tensor {
        let input = try values(x), count = x.count
        return try mapRows(x.shape) { start, columns, output in
            let row = input + start, readable = count - start
            let lse = VectorLoop.logSumExp(row, count: columns, readable: readable)
            VectorLoop.forEach(0..<columns) { c, n in
                output.store(VectorMath.exp(row.vector(at: c, lanes: n, readable: readable, padding: 0) - lse), at: c, lanes: n)
            }
        }
    }

    /// `y[r, c] = x[r, c] - lse_r`, the max-shifted log-sum-exp of the row.
    public func _logSoftmax(_ x: Tensor) throws -> Tensor {
        let input = try values(x), count = x.count
        return try mapRows(x.shape) { start, columns, output in
            let row = input + start, readable = count - start
            let lse = VectorLoop.logSumExp(row, count: columns, readable: readable)
            VectorLoop.forEach(0..<columns) { c, n in
                output.store(row.vector(at: c, lanes: n, readable: readable, padding: 0) - lse, at: c, lanes: n)
            }
        }
    }

    /// `∂L/∂x[r, c] = y[r, c] · (g[r, c] - Σ_c' g[r, c'] y[r, c'])`.
    public func _softmaxBackward(_ output: Tensor, _ gradOutput: Tensor) throws -> Tensor {
        let y = try values(output), g = try values(gradOutput), count = output.count
        return try mapRows(output.shape) { start, columns, result in
            let yRow = y + start, gRow = g + start, readable = count - start
            var lanes = FloatVector()
            VectorLoop.forEach(0..<columns) { c, n in
                lanes += gRow.vector(at: c, lanes: n, readable: readable, padding: 0) * yRow.vector(at: c, lanes: n, readable: readable, padding: 0)
            }
            let dot = lanes.laneSum
            VectorLoop.forEach(0..<columns) { c, n in
                result.store(yRow.vector(at: c, lanes: n, readable: readable, padding: 0) * (gRow.vector(at: c, lanes: n, readable: readable, padding: 0) - dot),
                             at: c, lanes: n)
            }
        }
    }

    /// `∂L/∂x[r, c] = g[r, c] - e^{y[r, c]} Σ_c' g[r, c']`.
    public func _logSoftmaxBackward(_ output: Tensor, _ gradOutput: Tensor) throws -> Tensor {
        let y = try values(output), g = try values(gradOutput), count = output.count
        return try mapRows(output.shape) { start, columns, result in
            let yRow = y + start, gRow = g + start, readable = count - start
            var lanes = FloatVector()
            VectorLoop.forEach(0..<columns) { c, n in lanes += gRow.vector(at: c, lanes: n, readable: readable, padding: 0) }
            let total = lanes.laneSum
            VectorLoop.forEach(0..<columns) { c, n in
                let gradient = gRow.vector(at: c, lanes: n, readable: readable, padding: 0)
                result.store(gradient - VectorMath.exp(yRow.vector(at: c, lanes: n, readable: readable, padding: 0)) * total, at: c, lanes: n)
            }
        }
    }

    /// `y[r] = max_c x[r, c]` over the last axis; a NaN in the row gives NaN.
    public func _rowMaximum(_ x: Tensor, columns: Int) throws -> Tensor {
        let input = try values(x)
        return try generate([x.count / columns], costPerItem: columns) { r in
            let row = input + r * columns
            var largest = row[0]
            for c in 1..<max(columns, 1) where !largest.isNaN && !(row[c] <= largest) { largest = row[c] }
            return largest
        }
    }
}

/// The fixed partition of the deterministic broadcast sums (`sumBroadcast` and the fused
/// kernels that end in one): `x` viewed as rows of `inner · period` elements, the rows grouped
/// into pieces of about `Parallel.reductionBlock` elements. Each piece sums its rows per `j` in
/// `Double`, and the pieces are added in order, so the result does not depend on the thread
/// count.
struct BroadcastPieces {
    let inner, period, rowLength, rows, rowsPerPiece, count: Int

    /// The pieces of a tensor of `elements` values against a vector broadcast by `broadcast`.
    init(count elements: Int, broadcast: Broadcast) {
        inner = broadcast.inner
        period = broadcast.period
        rowLength = inner * period
        rows = elements / rowLength
        rowsPerPiece = max(1, Parallel.reductionBlock / rowLength)
        count = (rows + rowsPerPiece - 1) / rowsPerPiece
    }

    /// The rows of piece `piece`.
    func rows(of piece: Int) -> Range<Int> { (piece * rowsPerPiece)..<min(rows, (piece + 1) * rowsPerPiece) }

    /// `accumulator[j] += Σ_q row[j · inner + q]` for each `j` of one row.
    @inline(__always)
    func accumulate(_ row: UnsafePointer<Float>, into accumulator: UnsafeMutablePointer<Double>) {
        for j in 0..<period {
            accumulator[j] += inner == 1 ? Double(row[j]) : VectorLoop.sum(row + j * inner, count: inner)
        }
    }

    /// `[period]` with `y[j] = Σ_piece partial(piece)[j]`, the pieces in order: `body(piece,
    /// accumulator)` adds piece `piece`'s terms into its zeroed `[period]` accumulator, pieces in
    /// parallel (`costPerElement` is the work per element of `x`).
    @inline(__always)
    func total(on backend: CPUBackend, costPerElement: Int = 1,
               _ body: (_ piece: Int, _ accumulator: UnsafeMutablePointer<Double>) -> Void) throws -> Tensor {
        var partials = [Double](repeating: 0, count: count * period)
        partials.withUnsafeMutableBufferPointer { partial in
            Parallel.forEachChunk(count, costPerItem: rowsPerPiece * rowLength * costPerElement) { range in
                for piece in range { body(piece, partial.baseAddress! + piece * period) }
            }
        }
        return try partials.withUnsafeBufferPointer { partial in
            try backend.generate([period], costPerItem: count) { j in
                var sum = 0.0
                for piece in 0..<count { sum += partial[piece * period + j] }
                return Float(sum)
            }
        }
    }
}
