import DeepBayesCore

extension OpenBLASBackend {
    /// `y[j] = Σ_{i : (i / inner) % period == j} x[i]`, shape `[period]`, summed in `Double`
    /// in index order (so a long sum loses nothing to rounding).
    public func _sumBroadcast(_ x: Tensor, broadcast: Broadcast) throws -> Tensor {
        var sums = [Double](repeating: 0, count: broadcast.period)
        for (i, value) in try values(x).enumerated() {
            sums[(i / broadcast.inner) % broadcast.period] += Double(value)
        }
        return tensor([broadcast.period], sums.map { Float($0) })
    }

    /// `y[r] = max_c x[r, c]` over rows of `columns` values; a NaN in a row gives NaN.
    public func _rowMaximum(_ x: Tensor, columns: Int) throws -> Tensor {
        let input = try values(x)
        let rows = input.count / columns
        var maxima = [Float](repeating: -.infinity, count: rows)
        for r in 0..<rows {
            for value in input[(r * columns)..<((r + 1) * columns)] {
                if value.isNaN || maxima[r].isNaN {
                    maxima[r] = .nan
                } else if value > maxima[r] {
                    maxima[r] = value
                }
            }
        }
        return tensor([rows], maxima)
    }
}
