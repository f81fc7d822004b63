import DeepBayesCore

/// A value in a computation recorded on a `Tape`: a tensor, and (when it depends on a watched
/// parameter) the slot its gradient is gathered in during `Tape.backward(from:)`.
public struct Variable {
    /// The forward value.
    public let value: Tensor
    /// The gradient slot, or nil for constants (inputs, labels, anything no parameter feeds).
    let slot: Int?

    /// The shape of `value`.
    public var shape: Shape { value.shape }
}

/// Reverse-mode automatic differentiation over backend tensors.
///
/// A tape lives for one training step: the forward pass records each differentiable operation
/// with a closure that maps the output's gradient to its inputs' gradients, `backward(from:)`
/// replays them in reverse, and the tape is then dropped, taking every activation it kept with
/// it, so nothing is retained from one step to the next. All work stays on the backend: the
/// only host read in a step is whatever scalar the caller asks for.
///
/// Pullbacks of the expensive operations (matmul, convolutions) skip the gradient of an input
/// that is a constant, such as the input batch of the first layer.
///
/// Operations live in extensions, one file per family (`Tape+Arithmetic`, `Tape+LinearAlgebra`,
/// `Tape+Softmax`, `Tape+Losses`, `Tape+Bayesian`, `Tape+Recurrent`, `Tape+Layers`).
public final class Tape {
    /// The backend every recorded tensor lives on.
    public let backend: any Backend

    /// Maps the output gradient of one operation to the gradients of its inputs (nil where an
    /// input is a constant).
    typealias Pullback = (Tensor) throws -> [Tensor?]

    /// Maps the output gradients of an operation with several outputs (nil for an output no
    /// gradient reached) to the gradients of its inputs.
    typealias MultiplePullback = ([Tensor?]) throws -> [Tensor?]

    private struct Record {
        let inputs: [Int?]
        let outputs: [Int]
        let pullback: MultiplePullback
    }

    private var records: [Record] = []
    private var slotCount = 0
    private var watched: [ObjectIdentifier: (slot: Int, parameter: Parameter)] = [:]
    private var frozen: Set<ObjectIdentifier> = []

    /// Whether `watch` makes gradient leaves; prediction passes turn it off so that nothing
    /// is recorded.
    public let recordsGradients: Bool

    public init(backend: any Backend, recordsGradients: Bool = true) {
        self.backend = backend
        self.recordsGradients = recordsGradients
    }

    /// A value that needs no gradient (an input batch, labels, targets).
    public func constant(_ tensor: Tensor) -> Variable {
        Variable(value: tensor, slot: nil)
    }

    /// The parameter's current value as a leaf whose gradient `backward(from:)` adds to
    /// `parameter.gradient`. Watching the same parameter twice gives the same leaf. A frozen
    /// parameter (see `freeze`) is a constant instead.
    public func watch(_ parameter: Parameter) -> Variable {
        guard recordsGradients, !frozen.contains(ObjectIdentifier(parameter)) else { return constant(parameter.value) }
        let id = ObjectIdentifier(parameter)
        if let leaf = watched[id] { return Variable(value: parameter.value, slot: leaf.slot) }
        let slot = newSlot()
        watched[id] = (slot, parameter)
        return Variable(value: parameter.value, slot: slot)
    }

    /// Makes later `watch(p)` calls give constants for these parameters, so gradients still flow
    /// through the operations they take part in, to their other inputs, but none is computed or
    /// stored for them. A GAN's generator step freezes the discriminator: it needs the gradient
    /// with respect to the discriminator's input, not its weights, and the matmul and
    /// convolution pullbacks then skip the weight products altogether.
    public func freeze(_ parameters: [Parameter]) {
        frozen.formUnion(parameters.map(ObjectIdentifier.init))
    }

    /// Records an operation with output `value`: `pullback` receives the gradient of `value`
    /// and returns one gradient per input, in order. Operations whose inputs are all
    /// constants are not recorded and give a constant.
    func record(_ value: Tensor, inputs: [Variable], pullback: @escaping Pullback) -> Variable {
        record([value], inputs: inputs) { gradients in try pullback(gradients[0]!) }[0]
    }

    /// Records an operation with several outputs (an LSTM step's hidden state and cell):
    /// `pullback` receives one gradient per output, nil for an output whose gradient never
    /// arrived (at least one has), and runs once, after every use of every output.
    func record(_ values: [Tensor], inputs: [Variable], pullback: @escaping MultiplePullback) -> [Variable] {
        guard inputs.contains(where: { $0.slot != nil }) else { return values.map(constant) }
        let outputs = values.map { _ in newSlot() }
        records.append(Record(inputs: inputs.map(\.slot), outputs: outputs, pullback: pullback))
        return zip(values, outputs).map { Variable(value: $0, slot: $1) }
    }

    /// Back-propagates from the scalar `loss` (seed gradient 1) and adds each watched
    /// parameter's gradient to `Parameter.gradient`. The tape is spent afterwards.
    public func backward(from loss: Variable) throws {
        guard loss.value.count == 1 else {
            throw DeepBayesError.shapeMismatch(operation: "backward", reason: "the loss must have one element, got \(loss.shape)")
        }
        try backward(from: loss, gradient: backend.filled(loss.shape, value: 1))
    }

    /// Back-propagates `gradient` (shaped like `output`) through the recorded operations.
    public func backward(from output: Variable, gradient: Tensor) throws {
        try requireShape(gradient, output.shape, "backward", "gradient")
        guard let start = output.slot else { return }
        var gradients: [Int: Tensor] = [start: gradient]
        for record in records.reversed() {
            let upstream = record.outputs.map { gradients.removeValue(forKey: $0) }
            guard upstream.contains(where: { $0 != nil }) else { continue }
            let inputGradients = try record.pullback(upstream)
            for (slot, inputGradient) in zip(record.inputs, inputGradients) {
                guard let slot, let inputGradient else { continue }
                gradients[slot] = try accumulate(gradients[slot], inputGradient)
            }
        }
        for (slot, parameter) in watched.values {
            guard let gradient = gradients[slot] else { continue }
            parameter.gradient = try accumulate(parameter.gradient, gradient.reshaped(parameter.shape))
        }
        records.removeAll()
        watched.removeAll()
    }

    private func accumulate(_ existing: Tensor?, _ addition: Tensor) throws -> Tensor {
        guard let existing else { return addition }
        return try backend.combine(.add, existing, addition)
    }

    private func newSlot() -> Int {
        slotCount += 1
        return slotCount - 1
    }
}
