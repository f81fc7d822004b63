import DeepBayesCore

extension ReferenceBackend {
    /// `y[j] = Σ_{i : (i / inner) % period == j} x[i]`, summed in `Double` in index order.
    public func _sumBroadcast(_ x: Tensor, broadcast: Broadcast) throws -> Tensor {
        var sums = [Double](repeating: 0, count: broadcast.period)
        for (i, value) in try values(x).enumerated() { sums[(i / broadcast.inner) % broadcast.period] += Double(value) }
        return tensor([broadcast.period], sums.map { Float($0) })
    }

    /// `y[r] = max_c x[r, c]`; a NaN in the row gives NaN.
    public func _rowMaximum(_ x: Tensor, columns: Int) throws -> Tensor {
        let input = try values(x)
        let maxima = stride(from: 0, to: input.count, by: columns).map { start in
            input[start..<(start + columns)].reduce(-Float.infinity) { $0.isNaN || $1.isNaN ? .nan : Swift.max($0, $1) }
        }
        return tensor([input.count / columns], maxima)
    }
}
