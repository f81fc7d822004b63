import DeepBayesCore

extension ReferenceBackend {
    /// `C[b, i, j] = Σ_p op(A)[b, i, p] · op(B)[b, p, j]`, summed in `Float` in order of `p`.
    public func _matmul(_ a: Tensor, _ b: Tensor, geometry g: MatmulGeometry) throws -> Tensor {
        let x = try values(a), y = try values(b)
        var c = [Float](repeating: 0, count: g.batch * g.m * g.n)
        for batch in 0..<g.batch {
            let aStart = batch * g.m * g.k, bStart = batch * g.k * g.n, cStart = batch * g.m * g.n
            for i in 0..<g.m {
                for j in 0..<g.n {
                    var sum: Float = 0
                    for p in 0..<g.k {
                        let left = g.transposeA ? x[aStart + p * g.m + i] : x[aStart + i * g.k + p]
                        let right = g.transposeB ? y[bStart + j * g.k + p] : y[bStart + p * g.n + j]
                        sum += left * right
                    }
                    c[cStart + i * g.n + j] = sum
                }
            }
        }
        return tensor(a.shape.rank == 3 ? [g.batch, g.m, g.n] : [g.m, g.n], c)
    }

    /// `y[n, o, i, j] = Σ_{c, u, v} x[n, c, i·sy + u - py, j·sx + v - px] · w[o, c, u, v]`.
    public func _conv2d(_ input: Tensor, _ filter: Tensor, geometry g: Conv2DGeometry) throws -> Tensor {
        let x = try values(input), w = try values(filter)
        var y = [Float](repeating: 0, count: g.outputShape.count)
        forEachTerm(g) { inputIndex, filterIndex, outputIndex in y[outputIndex] += x[inputIndex] * w[filterIndex] }
        return tensor(g.outputShape, y)
    }

    /// `∂L/∂x[n, c, y, x] = Σ ∂L/∂y[n, o, i, j] · w[o, c, u, v]` over the terms where `x` met `w`.
    public func _conv2dBackwardData(_ gradOutput: Tensor, _ filter: Tensor, geometry g: Conv2DGeometry) throws -> Tensor {
        let dy = try values(gradOutput), w = try values(filter)
        var dx = [Float](repeating: 0, count: g.inputShape.count)
        forEachTerm(g) { inputIndex, filterIndex, outputIndex in dx[inputIndex] += dy[outputIndex] * w[filterIndex] }
        return tensor(g.inputShape, dx)
    }

    /// `∂L/∂w[o, c, u, v] = Σ_{n, i, j} ∂L/∂y[n, o, i, j] · x[n, c, i·sy + u - py, j·sx + v - px]`.
    public func _conv2dBackwardFilter(_ input: Tensor, _ gradOutput: Tensor, geometry g: Conv2DGeometry) throws -> Tensor {
        let x = try values(input), dy = try values(gradOutput)
        var dw = [Float](repeating: 0, count: g.filterShape.count)
        forEachTerm(g) { inputIndex, filterIndex, outputIndex in dw[filterIndex] += dy[outputIndex] * x[inputIndex] }
        return tensor(g.filterShape, dw)
    }

    /// Calls `body(inputIndex, filterIndex, outputIndex)` for every in-range term of the
    /// convolution sum, in the order of the formula's indices.
    private func forEachTerm(_ g: Conv2DGeometry, _ body: (Int, Int, Int) -> Void) {
        for n in 0..<g.batch {
            for o in 0..<g.outChannels {
                for i in 0..<g.outHeight {
                    for j in 0..<g.outWidth {
                        let outputIndex = ((n * g.outChannels + o) * g.outHeight + i) * g.outWidth + j
                        for c in 0..<g.inChannels {
                            for u in 0..<g.kernelHeight {
                                let y = i * g.strideY + u - g.padY
                                guard y >= 0, y < g.inHeight else { continue }
                                for v in 0..<g.kernelWidth {
                                    let x = j * g.strideX + v - g.padX
                                    guard x >= 0, x < g.inWidth else { continue }
                                    body(((n * g.inChannels + c) * g.inHeight + y) * g.inWidth + x,
                                         ((o * g.inChannels + c) * g.kernelHeight + u) * g.kernelWidth + v, outputIndex)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
