import DeepBayesCore

/// `LossKernels`: per-item losses and their gradients, every one in a stable form.
///
/// Labels of `crossEntropy` are class indices stored as floats and are used exactly, never
/// rounded or truncated: `2.0` is class 2, while `2.5`, `-1`, `C`, NaN or ±∞ are invalid and
/// make that row's loss and gradient row NaN (no trap, no read outside the row).
extension CPUBackend {
    /// `ℓ[r] = lse(logits[r]) - logits[r, label[r]]`, shape `[N]`.
    public func _crossEntropy(_ logits: Tensor, _ labels: Tensor) throws -> Tensor {
        let x = try values(logits), label = try values(labels), count = logits.count
        let classes = logits.shape[1]
        return try generate(labels.shape, costPerItem: classes * 20) { row in
            guard let target = Self.classIndex(label[row], classes: classes) else { return .nan }
            let start = row * classes
            return VectorLoop.logSumExp(x + start, count: classes, readable: count - start) - x[start + target]
        }
    }

    /// `∂L/∂logits[r, c] = g[r] · (e^{logits[r, c] - lse_r} - [c == label[r]])`.
    public func _crossEntropyBackward(_ logits: Tensor, _ labels: Tensor, _ gradOutput: Tensor) throws -> Tensor {
        let x = try values(logits), label = try values(labels), g = try values(gradOutput), count = logits.count
        return try mapRows(logits.shape) { start, classes, result in
            let row = start / classes
            guard let target = Self.classIndex(label[row], classes: classes) else {
                result.update(repeating: .nan, count: classes)
                return
            }
            let logitRow = x + start, readable = count - start
            let lse = VectorLoop.logSumExp(logitRow, count: classes, readable: readable), scale = g[row]
            VectorLoop.forEach(0..<classes) { c, n in
                let p = VectorMath.exp(logitRow.vector(at: c, lanes: n, readable: readable, padding: 0) - lse)
                result.store(scale * p.replacing(with: p - 1, where: VectorLoop.laneIndex .== Int32(truncatingIfNeeded: target - c)), at: c, lanes: n)
            }
        }
    }

    /// `ℓ = softplus(x) - x·t`, with `softplus(x) = max(x, 0) + ln(1 + e^{-|x|})` (`Softplus`).
    public func _bceWithLogits(_ logits: Tensor, _ targets: Tensor) throws -> Tensor {
        let x = try values(logits), t = try values(targets)
        return try generateVectors(logits.shape, costPerItem: 20) { i, n in
            let logit = x.vector(at: i, lanes: n)
            return Softplus(logit).value - logit * t.vector(at: i, lanes: n)
        }
    }

    /// `∂L/∂x = g · (σ(x) - t)`.
    public func _bceWithLogitsBackward(_ logits: Tensor, _ targets: Tensor, _ gradOutput: Tensor) throws -> Tensor {
        let x = try values(logits), t = try values(targets), g = try values(gradOutput)
        return try generateVectors(logits.shape, costPerItem: 20) { i, n in
            g.vector(at: i, lanes: n) * (VectorMath.sigmoid(x.vector(at: i, lanes: n)) - t.vector(at: i, lanes: n))
        }
    }

    /// The class a float label names, or nil unless it is exactly an integer in `0..<classes`.
    private static func classIndex(_ label: Float, classes: Int) -> Int? {
        guard let index = Int(exactly: label), index >= 0, index < classes else { return nil }
        return index
    }
}
