/// The sizes of a network, worked out from its description alone (nothing is built), in
/// `Double` so that no product of outside numbers can overflow: how many floats its parameters
/// hold, its largest tensor, and the activations one item produces on a forward pass.
///
/// Each model's `size(...)` lists its layers in the order its initializer builds them; the
/// tests check the parameter count against the built models, so the two cannot drift apart.
public struct ModelSize: Sendable, Equatable {
    /// Floats in all parameters and buffers (a Bayesian layer's μ and ρ both count).
    public private(set) var parameters: Double = 0
    /// Floats in the largest single parameter.
    public private(set) var largestParameter: Double = 0
    /// Floats of activations per item on the forward pass (layer outputs and the unfolded
    /// patches of convolutions), not counting the input.
    public private(set) var activationsPerItem: Double = 0
    /// Floats per item of the largest single activation (the input's 784 at least).
    public private(set) var largestActivationPerItem: Double = 784

    public init() {}

    /// Adds a dense layer `inputs → outputs` with bias; `copies` = 2 for μ and ρ.
    public mutating func dense(_ inputs: Double, _ outputs: Double, copies: Double = 1) {
        parameter(inputs * outputs, copies: copies)
        parameter(outputs, copies: copies)
        activation(outputs)
    }

    /// Adds a `window`×`window` convolution `inChannels → outChannels` with bias whose input
    /// and output have `inputPixels` and `outputPixels` pixels per channel. Its unfolded
    /// patches count too: `inChannels · window² · outputPixels` floats per item, or for a
    /// transposed convolution (which folds instead) `outChannels · window² · inputPixels`.
    public mutating func convolution(_ inChannels: Double, _ outChannels: Double, window: Double, outputPixels: Double,
                                     inputPixels: Double, transposed: Bool = false, copies: Double = 1) {
        parameter(outChannels * inChannels * window * window, copies: copies)
        parameter(outChannels, copies: copies)
        activation(outChannels * outputPixels)
        activation(transposed ? outChannels * window * window * inputPixels : inChannels * window * window * outputPixels)
    }

    /// Adds a batch norm over `features`: scale, shift and the two running statistics.
    public mutating func batchNorm(_ features: Double) {
        for _ in 0..<4 { parameter(features) }
        activation(features)
    }

    /// Adds an elementwise layer (activation, dropout) over `features`.
    public mutating func elementwise(_ features: Double) {
        activation(features)
    }

    /// Adds dense layers `width → hidden[0] → … → hidden.last`, each followed by its activation
    /// and, with `dropout`, a mask; returns the last width (`width` when `hidden` is empty).
    public mutating func denseStack(from width: Double, hidden: [Int], copies: Double, dropout: Bool) -> Double {
        var width = width
        for units in hidden.map(Double.init) {
            dense(width, units, copies: copies)
            elementwise(units)
            if dropout { elementwise(units) }
            width = units
        }
        return width
    }

    /// Adds a recurrent layer of `units` cells with `gates` gate blocks (4 for an LSTM, 3 for a
    /// GRU, which has a second bias) over `steps` steps of `inputs` features. Per step and item it
    /// keeps the step's input, the two products and their two sums (`gates·units` each), the
    /// new state (and an LSTM's cell) and, with `dropout`, the masked input and state.
    public mutating func recurrent(gates: Double, inputs: Double, units: Double, steps: Double, copies: Double = 1, dropout: Bool) {
        let width = gates * units
        parameter(inputs * width, copies: copies)
        parameter(units * width, copies: copies)
        parameter(width, copies: copies)
        if gates == 3 { parameter(width, copies: copies) }
        for _ in 0..<4 { activation(width * steps) }
        activation(inputs * steps)
        activation(units * steps * (gates == 4 ? 2 : 1))
        if dropout { activation((inputs + units) * steps) }
    }

    /// Adds the sizes of another network (a GAN's generator and discriminator).
    public mutating func append(_ other: ModelSize) {
        parameters += other.parameters
        largestParameter = max(largestParameter, other.largestParameter)
        activationsPerItem += other.activationsPerItem
        largestActivationPerItem = max(largestActivationPerItem, other.largestActivationPerItem)
    }

    private mutating func activation(_ count: Double) {
        activationsPerItem += count
        largestActivationPerItem = max(largestActivationPerItem, count)
    }

    private mutating func parameter(_ count: Double, copies: Double = 1) {
        parameters += count * copies
        largestParameter = max(largestParameter, count)
    }
}
