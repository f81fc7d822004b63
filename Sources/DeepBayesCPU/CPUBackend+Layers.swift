import DeepBayesCore

/// `LayerKernels`: the bias add with its activation, and batch normalization's statistics,
/// each with its gradient, over axis 1 of `x` seen as `[outer, period, inner]` (`[N, F]`:
/// `inner = 1`; `[N, C, H, W]`: `inner = H·W`). Formulas and order of operations are those of
/// the `FusedDefaults` functions of the same names; the sums are those of `sumBroadcast`
/// (`BroadcastPieces`), so each kernel gives the bits of its default's composition here.
extension CPUBackend {
    /// `y = act(x + b)`, 16 values of a line at a time.
    public func _biasActivation(_ x: Tensor, _ bias: Tensor, _ activation: UnaryOp, broadcast: Broadcast) throws -> Tensor {
        let input = try values(x), b = try values(bias), lines = FeatureLines(count: x.count, broadcast)
        let (result, out) = try makeTensor(x.shape)
        Parallel.forEachChunk(lines.count, costPerItem: lines.length * (activation.cost + 1)) { range in
            for line in range {
                let start = line * lines.length
                VectorLoop.store(0..<lines.length, into: out + start,
                                 BiasActivationTerm(op: activation, input: input + start, bias: lines.feature(b, line: line)))
            }
        }
        return result
    }

    /// `∂L/∂x = g · act'(x + b)` and `∂L/∂b = Σ ∂L/∂x` over the broadcast. The bias sum is
    /// fused: each piece of `BroadcastPieces` writes its rows of `∂L/∂x` and adds them up while
    /// they are in cache. When there are fewer pieces than the elementwise pass would have
    /// chunks (a batch of a few long rows), `∂L/∂x` is written in parallel over its lines
    /// instead and summed by `sumBroadcast`; both ways give the same bits.
    public func _biasActivationBackward(_ x: Tensor, _ bias: Tensor, _ activation: UnaryOp, _ gradOutput: Tensor,
                                        broadcast: Broadcast) throws -> (input: Tensor, bias: Tensor) {
        let input = try values(x), b = try values(bias), g = try values(gradOutput)
        let lines = FeatureLines(count: x.count, broadcast), pieces = BroadcastPieces(count: x.count, broadcast: broadcast)
        let cost = activation.cost + 2
        let (gradInput, out) = try makeTensor(x.shape)
        /// Writes `∂L/∂x` on line `line`.
        func gradientLine(_ line: Int) {
            let start = line * lines.length
            VectorLoop.store(0..<lines.length, into: out + start,
                             BiasActivationGradientTerm(op: activation, input: input + start, grad: g + start, bias: lines.feature(b, line: line)))
        }
        let fusedChunks = Parallel.chunkCount(pieces.count, costPerItem: pieces.rowsPerPiece * pieces.rowLength * cost)
        guard fusedChunks >= Parallel.chunkCount(lines.count, costPerItem: lines.length * cost) else {
            Parallel.forEachChunk(lines.count, costPerItem: lines.length * cost) { range in range.forEach(gradientLine) }
            return (gradInput, try _sumBroadcast(gradInput, broadcast: broadcast))
        }
        let linesPerRow = pieces.rowLength / lines.length
        let gradBias = try pieces.total(on: self, costPerElement: cost) { piece, accumulator in
            for row in pieces.rows(of: piece) {
                for line in (row * linesPerRow)..<((row + 1) * linesPerRow) { gradientLine(line) }
                pieces.accumulate(out + row * pieces.rowLength, into: accumulator)
            }
        }
        return (gradInput, gradBias)
    }

    /// `μ_j = (Σ x)·(1/n)`, then `σ²_j = (Σ (x - μ_j)²)·(1/n)`: two passes over `x`, each summed
    /// as `sumBroadcast` sums.
    public func _batchNormStatistics(_ x: Tensor, broadcast: Broadcast) throws -> (mean: Tensor, variance: Tensor) {
        let input = try values(x), pieces = BroadcastPieces(count: x.count, broadcast: broadcast)
        let scale = 1 / Float(x.count / broadcast.period)
        let sums = try _sumBroadcast(x, broadcast: broadcast)
        let (mean, mu) = try makeTensor([broadcast.period])
        let sum = try values(sums)
        for j in 0..<broadcast.period { mu[j] = sum[j] * scale }
        let squares = try pieces.total(on: self, costPerElement: 3) { piece, accumulator in
            for row in pieces.rows(of: piece) { pieces.accumulateSquaredDeviations(input + row * pieces.rowLength, from: mu, into: accumulator) }
        }
        let (variance, sigma2) = try makeTensor([broadcast.period])
        let square = try values(squares)
        for j in 0..<broadcast.period { sigma2[j] = square[j] * scale }
        return (mean, variance)
    }

    /// `∂L/∂x = ((x - μ_j)·∂L/∂σ²_j)·(2/n) + ∂L/∂μ_j·(1/n)`, 16 values of a line at a time.
    public func _batchNormStatisticsBackward(_ x: Tensor, _ mean: Tensor, _ gradMean: Tensor, _ gradVariance: Tensor,
                                             broadcast: Broadcast) throws -> Tensor {
        let input = try values(x), mu = try values(mean), gm = try values(gradMean), gv = try values(gradVariance)
        let lines = FeatureLines(count: x.count, broadcast), scale = 1 / Float(x.count / broadcast.period)
        let (result, out) = try makeTensor(x.shape)
        Parallel.forEachChunk(lines.count, costPerItem: lines.length * 5) { range in
            for line in range {
                let start = line * lines.length
                VectorLoop.store(0..<lines.length, into: out + start,
                                 StatisticsGradientTerm(input: input + start, mean: lines.feature(mu, line: line), gradMean: lines.feature(gm, line: line),
                                                        gradVariance: lines.feature(gv, line: line), scale: scale))
            }
        }
        return result
    }
}

/// `x` as the lines the layer kernels walk: rows of `period` values, one per feature, when
/// `inner = 1`; else runs of `inner` values of one feature.
private struct FeatureLines {
    let inner, period, length, count: Int

    /// The lines of a tensor of `elements` values against a per-feature vector broadcast by `broadcast`.
    init(count elements: Int, _ broadcast: Broadcast) {
        inner = broadcast.inner
        period = broadcast.period
        length = inner == 1 ? period : inner
        count = elements / length
    }

    /// A per-feature vector `v` as line `line` meets it.
    @inline(__always)
    func feature(_ v: UnsafePointer<Float>, line: Int) -> FeatureValues {
        inner == 1 ? FeatureValues(values: v, repeated: 0, varies: true) : FeatureValues(values: v, repeated: v[line % period], varies: false)
    }
}

/// One line's view of a per-feature vector: its entries along the line (`[N, F]`), or one
/// entry repeated (`[N, C, H, W]`).
private struct FeatureValues {
    let values: UnsafePointer<Float>
    let repeated: Float
    let varies: Bool

    /// The entries for positions `c ..< c + n` of the line.
    @inline(__always)
    func vector(_ c: Int, _ n: Int) -> FloatVector { varies ? values.vector(at: c, lanes: n) : FloatVector(repeating: repeated) }
}

/// `act(x + b)` on one line.
private struct BiasActivationTerm: VectorTerm {
    let op: UnaryOp
    let input: UnsafePointer<Float>
    let bias: FeatureValues

    @inline(__always)
    func value(_ c: Int, _ n: Int) -> FloatVector { op.value(input.vector(at: c, lanes: n) + bias.vector(c, n)) }
}

/// `g · act'(x + b)` on one line.
private struct BiasActivationGradientTerm: VectorTerm {
    let op: UnaryOp
    let input, grad: UnsafePointer<Float>
    let bias: FeatureValues

    @inline(__always)
    func value(_ c: Int, _ n: Int) -> FloatVector {
        grad.vector(at: c, lanes: n) * op.derivative(input.vector(at: c, lanes: n) + bias.vector(c, n))
    }
}

/// `((x - μ)·∂L/∂σ²)·(2/n) + ∂L/∂μ·(1/n)` on one line, `scale = 1/n`.
private struct StatisticsGradientTerm: VectorTerm {
    let input: UnsafePointer<Float>
    let mean, gradMean, gradVariance: FeatureValues
    let scale: Float

    @inline(__always)
    func value(_ c: Int, _ n: Int) -> FloatVector {
        (input.vector(at: c, lanes: n) - mean.vector(c, n)) * gradVariance.vector(c, n) * (2 * scale) + gradMean.vector(c, n) * scale
    }
}

extension BroadcastPieces {
    /// `accumulator[j] += Σ_q (row[j · inner + q] - μ_j)²` for each `j` of one row, each square
    /// rounded to `Float` and summed as `accumulate` sums.
    @inline(__always)
    func accumulateSquaredDeviations(_ row: UnsafePointer<Float>, from mean: UnsafeMutablePointer<Float>,
                                     into accumulator: UnsafeMutablePointer<Double>) {
        for j in 0..<period {
            let m = mean[j]
            if inner == 1 {
                let d = row[j] - m
                accumulator[j] += Double(d * d)
            } else {
                accumulator[j] += VectorLoop.sum(0..<inner) { c, n in
                    let d = (row + j * inner).vector(at: c, lanes: n) - FloatVector(repeating: m)
                    return d * d
                }
            }
        }
    }
}
