import DeepBayesCore
import Foundation

/// `ReductionKernels`. Sums are bitwise reproducible for any thread count: they add fixed
/// blocks in `Float` SIMD lanes, then the blocks in `Double`, in index order. Row-wise
/// softmax sums run sequentially along each row, in `Float`.
extension CPUBackend {
    /// `Σ x[i]`, shape `[]`; relative error about `1e-7 · (1 + log(count))` for same-signed
    /// values.
    public func sum(_ x: Tensor) throws -> Tensor {
        let input = values(x)
        let total = Parallel.deterministicSum(x.count) { range in
            VectorLoop.sum(input + range.lowerBound, count: range.count)
        }
        return generate(.scalar, costPerItem: 1) { _ in Float(total) }
    }

    /// `y[j] = Σ_{i : (i / inner) % period == j} x[i]`, shape `[period]`. Rows of
    /// `inner · period` elements are grouped into pieces of about `Parallel.reductionBlock`
    /// elements; each piece sums its rows in `Double` per `j`, and the pieces are added in order.
    public func sumBroadcast(_ x: Tensor, broadcast: Broadcast) throws -> Tensor {
        let input = values(x)
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
        return partials.withUnsafeBufferPointer { partial in
            generate([period], costPerItem: pieces) { j in
                var total = 0.0
                for piece in 0..<pieces { total += partial[piece * period + j] }
                return Float(total)
            }
        }
    }

    /// `y[r, c] = e^{x[r, c] - lse_r}` with `lse_r = ScalarMath.logSumExp(row r)`.
    public func softmax(_ x: Tensor) throws -> Tensor {
        let input = values(x)
        return mapRows(x.shape) { start, columns, output in
            let lse = ScalarMath.logSumExp(input + start, count: columns)
            for c in 0..<columns { output[c] = Foundation.exp(input[start + c] - lse) }
        }
    }

    /// `y[r, c] = x[r, c] - lse_r`, the max-shifted log-sum-exp of the row.
    public func logSoftmax(_ x: Tensor) throws -> Tensor {
        let input = values(x)
        return mapRows(x.shape) { start, columns, output in
            let lse = ScalarMath.logSumExp(input + start, count: columns)
            for c in 0..<columns { output[c] = input[start + c] - lse }
        }
    }

    /// `∂L/∂x[r, c] = y[r, c] · (g[r, c] - Σ_c' g[r, c'] y[r, c'])`.
    public func softmaxBackward(_ output: Tensor, _ gradOutput: Tensor) throws -> Tensor {
        let y = values(output), g = values(gradOutput)
        return mapRows(output.shape) { start, columns, result in
            var dot: Float = 0
            for c in start..<(start + columns) { dot += g[c] * y[c] }
            for c in 0..<columns { result[c] = y[start + c] * (g[start + c] - dot) }
        }
    }

    /// `∂L/∂x[r, c] = g[r, c] - e^{y[r, c]} Σ_c' g[r, c']`.
    public func logSoftmaxBackward(_ output: Tensor, _ gradOutput: Tensor) throws -> Tensor {
        let y = values(output), g = values(gradOutput)
        return mapRows(output.shape) { start, columns, result in
            var total: Float = 0
            for c in start..<(start + columns) { total += g[c] }
            for c in 0..<columns { result[c] = g[start + c] - Foundation.exp(y[start + c]) * total }
        }
    }
}
