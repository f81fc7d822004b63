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

    /// `y[j] = Σ_{i : (i / inner) % period == j} x[i]`, shape `[period]`. Rows of
    /// `inner · period` elements are grouped into pieces of about `Parallel.reductionBlock`
    /// elements; each piece sums its rows in `Double` per `j`, and the pieces are added in order.
    public func _sumBroadcast(_ x: Tensor, broadcast: Broadcast) throws -> Tensor {
        let input = try values(x)
        let inner = broadcast.inner, period = broadcast.period
        let rowLength = inner * period
        let rows = x.count / rowLength
        let rowsPerPiece = max(1, Parallel.reductionBlock / rowLength)
        let pieces = (rows + rowsPerPiece - 1) / rowsPerPiece
        var partials = [Double](repeating: 0, count: pieces * period)
        partials.withUnsafeMutableBufferPointer { partial in
            Parallel.forEachChunk(pieces, costPerItem: rowsPerPiece * rowLength) { range in
                for piece in range {
                    let accumulator = partial.baseAddress! + piece * period
                    for row in (piece * rowsPerPiece)..<min(rows, (piece + 1) * rowsPerPiece) {
                        let start = input + row * rowLength
                        for j in 0..<period {
                            accumulator[j] += inner == 1 ? Double(start[j]) : VectorLoop.sum(start + j * inner, count: inner)
                        }
                    }
                }
            }
        }
        return try partials.withUnsafeBufferPointer { partial in
            try generate([period], costPerItem: pieces) { j in
                var total = 0.0
                for piece in 0..<pieces { total += partial[piece * period + j] }
                return Float(total)
            }
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
