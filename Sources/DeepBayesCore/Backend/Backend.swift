/// The primitives every backend implements: storage, the products, elementwise maps,
/// two reductions and the Philox draws. Fifteen requirements; everything else DeepBayes
/// runs is composed from them (see `Backend`).
///
/// The underscored requirements are implementor hooks. They receive operands that the public
/// entry points (`matmul(_:_:transposeA:transposeB:)`, `apply(_:_:)`, ...) have already
/// checked: every tensor owned by this backend, shapes consistent, geometry worked out. Code
/// that uses a backend calls those entry points, never a hook.
///
/// Numerics are `Float`. A backend's results may differ from the reference backend's only by
/// the order of summation; the conformance kit (`DeepBayesBackendConformance`) states the
/// tolerance of every kernel.
public protocol BackendPrimitives: AnyObject {
    /// The registry name of the backend kind (`cpu`, `opencl`, `reference`).
    var name: String { get }
    /// A human-readable description of the device in use.
    var deviceDescription: String { get }
    /// Typed facts about the device: kind, memory, limits, native fused kernels. The checked
    /// entry points read it on every allocation, so it should be a stored or cheaply built
    /// value (read the device's memory once, not per call).
    var capabilities: BackendCapabilities { get }

    // MARK: Storage

    /// A tensor holding `values` (row-major); `values.count == shape.count`.
    func _upload(_ values: [Float], shape: Shape) throws -> Tensor
    /// The tensor's values, row-major. Blocks until pending work on the tensor is done.
    func _download(_ tensor: Tensor) throws -> [Float]
    /// A tensor of `shape` with every element equal to `value`.
    func _filled(_ shape: Shape, value: Float) throws -> Tensor
    /// `destination[i] = source[i]` in place; the counts are equal.
    func _assign(_ destination: Tensor, from source: Tensor) throws
    /// Blocks until every kernel enqueued so far has finished (benchmarks time with it).
    func synchronize() throws

    // MARK: Products

    /// `C[b, i, j] = Σ_p op(A)[b, i, p] · op(B)[b, p, j]`, accumulated in `Float`.
    /// Returns `[m, n]`, or `[batch, m, n]` when `geometry.batch > 1` or the operands are rank 3.
    func _matmul(_ a: Tensor, _ b: Tensor, geometry: MatmulGeometry) throws -> Tensor
    /// `y[n, o, i, j] = Σ_{c, u, v} x[n, c, i·sy + u - py, j·sx + v - px] · w[o, c, u, v]`,
    /// out-of-range `x` reading as 0. Returns `geometry.outputShape`.
    func _conv2d(_ input: Tensor, _ filter: Tensor, geometry: Conv2DGeometry) throws -> Tensor
    /// `∂L/∂x` from `∂L/∂y`: the adjoint of `conv2d` in `x`. Returns `geometry.inputShape`.
    func _conv2dBackwardData(_ gradOutput: Tensor, _ filter: Tensor, geometry: Conv2DGeometry) throws -> Tensor
    /// `∂L/∂w[o, c, u, v] = Σ_{n, i, j} ∂L/∂y[n, o, i, j] · x[n, c, i·sy + u - py, j·sx + v - px]`.
    /// Returns `geometry.filterShape`.
    func _conv2dBackwardFilter(_ input: Tensor, _ gradOutput: Tensor, geometry: Conv2DGeometry) throws -> Tensor

    // MARK: Elementwise

    /// `y = op(x)`, same shape.
    func _unary(_ op: UnaryOp, _ x: Tensor) throws -> Tensor
    /// `z[i] = x[i] op y[(i / inner) % period]`, shape of `x`.
    func _binary(_ op: BinaryOp, _ x: Tensor, _ y: Tensor, broadcast: Broadcast) throws -> Tensor

    // MARK: Reductions

    /// The adjoint of broadcasting: `y[j] = Σ_{i : (i / inner) % period == j} x[i]`, shape `[period]`.
    /// Row sums of an `[R, C]` matrix are `Broadcast(inner: C, period: R)`; the total is `(1, 1)`.
    func _sumBroadcast(_ x: Tensor, broadcast: Broadcast) throws -> Tensor
    /// `y[r] = max_c x[r, c]` over the last axis of `x` (rank ≥ 1, `columns` its length),
    /// shape `[x.count / columns]`.
    func _rowMaximum(_ x: Tensor, columns: Int) throws -> Tensor

    // MARK: Random

    /// `u[i] = uniform(word i % 4 of block random.block(of: i))`, in (0, 1] (see `Philox`).
    func _randomUniform(_ shape: Shape, _ random: RandomStream) throws -> Tensor
    /// Standard normals by Box–Muller on lane pairs (0, 1) and (2, 3) of block `random.block(of: i)`:
    /// `r = √(-2 ln u₀)`, lanes `(r cos 2πu₁, r sin 2πu₁)`, and likewise for `(u₂, u₃)`.
    func _randomNormal(_ shape: Shape, _ random: RandomStream) throws -> Tensor
}

/// A compute device: the primitives of `BackendPrimitives` plus the fused kernels, each of
/// which has a default implementation composed of primitives (`FusedDefaults`).
///
/// A backend overrides the fused kernels it runs faster natively and lists them in
/// `capabilities.nativeKernels`; it inherits the rest. A fused kernel added to the SDK comes
/// with its default, so it never breaks an existing backend.
///
/// Every requirement here is an implementor hook with checked operands; its meaning, in
/// symbols, is on the `FusedDefaults` function of the same name and on the public entry point.
public protocol Backend: BackendPrimitives {
    func _copy(_ x: Tensor) throws -> Tensor
    func _affine(_ x: Tensor, scale: Float, shift: Float) throws -> Tensor
    func _unaryBackward(_ op: UnaryOp, _ x: Tensor, _ gradOutput: Tensor) throws -> Tensor
    func _expand(_ y: Tensor, to shape: Shape, broadcast: Broadcast) throws -> Tensor

    func _sum(_ x: Tensor) throws -> Tensor
    func _softmax(_ x: Tensor) throws -> Tensor
    func _logSoftmax(_ x: Tensor) throws -> Tensor
    func _softmaxBackward(_ output: Tensor, _ gradOutput: Tensor) throws -> Tensor
    func _logSoftmaxBackward(_ output: Tensor, _ gradOutput: Tensor) throws -> Tensor

    func _crossEntropy(_ logits: Tensor, _ labels: Tensor) throws -> Tensor
    func _crossEntropyBackward(_ logits: Tensor, _ labels: Tensor, _ gradOutput: Tensor) throws -> Tensor
    func _bceWithLogits(_ logits: Tensor, _ targets: Tensor) throws -> Tensor
    func _bceWithLogitsBackward(_ logits: Tensor, _ targets: Tensor, _ gradOutput: Tensor) throws -> Tensor

    func _dropoutMask(_ shape: Shape, dropProbability p: Float, _ random: RandomStream) throws -> Tensor

    func _sampleGaussian(_ mu: Tensor, _ rho: Tensor, _ random: RandomStream) throws -> (sample: Tensor, noise: Tensor)
    func _sampleGaussianBackward(_ rho: Tensor, _ noise: Tensor, _ gradSample: Tensor) throws -> Tensor
    func _sampleLocal(_ mean: Tensor, _ variance: Tensor, _ random: RandomStream) throws -> (sample: Tensor, noise: Tensor)
    func _sampleLocalBackward(_ variance: Tensor, _ noise: Tensor, _ gradSample: Tensor) throws -> Tensor
    func _klGaussian(_ mu: Tensor, _ rho: Tensor, priorSigma s: Float) throws -> Tensor
    func _klGaussianBackward(_ mu: Tensor, _ rho: Tensor, priorSigma s: Float, _ gradOutput: Tensor) throws -> (mu: Tensor, rho: Tensor)
    func _mixtureKL(_ sample: Tensor, _ mu: Tensor, _ rho: Tensor, prior: ScaleMixturePrior) throws -> Tensor
    func _mixtureKLBackward(_ sample: Tensor, _ mu: Tensor, _ rho: Tensor, prior: ScaleMixturePrior,
                            _ gradOutput: Tensor) throws -> (sample: Tensor, mu: Tensor, rho: Tensor)
    func _sampleWithKL(_ mu: Tensor, _ rho: Tensor, prior: WeightPrior, _ random: RandomStream) throws -> (sample: Tensor, noise: Tensor, kl: Tensor)
    func _sampleWithKLBackward(_ mu: Tensor, _ rho: Tensor, _ noise: Tensor, prior: WeightPrior,
                               _ gradSample: Tensor, _ gradKL: Tensor) throws -> (mu: Tensor, rho: Tensor)
    func _klStandardNormal(_ mean: Tensor, _ logVariance: Tensor) throws -> Tensor
    func _klStandardNormalBackward(_ mean: Tensor, _ logVariance: Tensor, _ gradOutput: Tensor) throws -> (mean: Tensor, logVariance: Tensor)

    func _sliceColumns(_ x: Tensor, start: Int, count: Int) throws -> Tensor
    func _placeColumns(_ x: Tensor, start: Int, width: Int) throws -> Tensor
    func _lstmCell(_ gates: Tensor, _ cell: Tensor) throws -> (hidden: Tensor, cell: Tensor)
    func _lstmCellBackward(_ gates: Tensor, _ cell: Tensor, _ newCell: Tensor, _ gradHidden: Tensor, _ gradCell: Tensor) throws -> (gates: Tensor, cell: Tensor)
    func _gruCell(_ inputGates: Tensor, _ hiddenGates: Tensor, _ hidden: Tensor) throws -> Tensor
    func _gruCellBackward(_ inputGates: Tensor, _ hiddenGates: Tensor, _ hidden: Tensor,
                          _ gradOutput: Tensor) throws -> (inputGates: Tensor, hiddenGates: Tensor, hidden: Tensor)

    func _biasActivation(_ x: Tensor, _ bias: Tensor, _ activation: UnaryOp, broadcast: Broadcast) throws -> Tensor
    func _biasActivationBackward(_ x: Tensor, _ bias: Tensor, _ activation: UnaryOp, _ gradOutput: Tensor,
                                 broadcast: Broadcast) throws -> (input: Tensor, bias: Tensor)
    func _batchNormStatistics(_ x: Tensor, broadcast: Broadcast) throws -> (mean: Tensor, variance: Tensor)
    func _batchNormStatisticsBackward(_ x: Tensor, _ mean: Tensor, _ gradMean: Tensor, _ gradVariance: Tensor,
                                      broadcast: Broadcast) throws -> Tensor

    func _sgdStep(_ parameter: Tensor, _ gradient: Tensor, _ velocity: Tensor, _ configuration: SGDConfiguration) throws
    func _adamStep(_ parameter: Tensor, _ gradient: Tensor, _ firstMoment: Tensor, _ secondMoment: Tensor,
                   _ configuration: AdamConfiguration, biasCorrection1: Float, biasCorrection2: Float) throws
    func _movingAverageStep(_ average: Tensor, _ source: Tensor, weight: Float) throws
    func _runningStatisticsUpdate(mean: Tensor, variance: Tensor, batchMean: Tensor, batchVariance: Tensor,
                                  momentum: Float, count: Float) throws
}

extension BackendPrimitives {
    /// Throws `backendMismatch` unless every tensor lives on this backend.
    public func checkOwnership(_ operation: String, _ tensors: Tensor...) throws {
        for tensor in tensors where tensor.backend !== self {
            throw DeepBayesError.backendMismatch(operation: operation, expected: name, found: tensor.backend.name)
        }
    }

    /// The storage of `tensor` as this backend's buffer class `Storage` (a final class: the
    /// check compares exact types, one pointer comparison), or `foreignStorage` when a tensor
    /// was built around storage this backend did not make.
    @inline(__always)
    public func storage<Storage: AnyObject>(of tensor: Tensor, as type: Storage.Type) throws -> Storage {
        guard Swift.type(of: tensor.storage) == Storage.self else {
            throw DeepBayesError.foreignStorage(backend: name, found: String(describing: Swift.type(of: tensor.storage)))
        }
        return unsafeDowncast(tensor.storage, to: Storage.self)
    }
}

/// Throws `shapeMismatch` unless `tensor` has exactly `shape`.
@inlinable
public func requireShape(_ tensor: Tensor, _ shape: Shape, _ operation: String, _ role: String) throws {
    guard tensor.shape == shape else {
        throw DeepBayesError.shapeMismatch(operation: operation, reason: "\(role) has shape \(tensor.shape), expected \(shape)")
    }
}
